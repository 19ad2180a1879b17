/** The ticket centre's requests: list, one ticket, transitions, evidence, triage, departments. */
import { ApiError, api, apiErrorFrom, type Page } from '../../lib/api.ts';
import type { Department, Ticket, TicketAction, TicketDetail, TriageItem } from './types.ts';

export interface TicketQuery {
  /** One or more statuses (sent as repeated `status=` parameters). */
  status?: readonly string[];
  category?: string;
  departmentId?: string;
  overdue?: boolean;
  limit: number;
  offset: number;
}

export function listTickets(q: TicketQuery): Promise<Page<Ticket>> {
  const params = new URLSearchParams();
  for (const s of q.status ?? []) params.append('status', s);
  if (q.category) params.set('category', q.category);
  if (q.departmentId) params.set('departmentId', q.departmentId);
  if (q.overdue) params.set('overdue', 'true');
  params.set('limit', String(q.limit));
  params.set('offset', String(q.offset));
  return api.get<Page<Ticket>>(`/api/tickets?${params.toString()}`);
}

export function getTicket(id: string): Promise<TicketDetail> {
  return api.get<TicketDetail>(`/api/tickets/${encodeURIComponent(id)}`);
}

export function transitionTicket(
  id: string,
  body: { action: TicketAction; version: number; reason?: string; departmentId?: string },
): Promise<{ ticket: Ticket }> {
  return api.post(`/api/tickets/${encodeURIComponent(id)}/transitions`, body);
}

/** Sends a verification flight (核查飞行) over a handled ticket from the best dock. */
export function requestVerificationFlight(
  id: string,
): Promise<{ sortieId: string; dockId: string; vehicleId: string }> {
  return api.post(`/api/tickets/${encodeURIComponent(id)}/verification-flight`, {});
}

export function evidenceUrl(ticketId: string, seq: number): string {
  return `/api/tickets/${encodeURIComponent(ticketId)}/evidence/${seq}`;
}

/** Attaches a proof photo: the file's own bytes as the body, its media type as Content-Type. */
export async function uploadProof(ticketId: string, file: File): Promise<void> {
  let res: Response;
  try {
    res = await fetch(`/api/tickets/${encodeURIComponent(ticketId)}/evidence?kind=proof`, {
      method: 'POST',
      credentials: 'same-origin',
      headers: { 'content-type': file.type || 'application/octet-stream' },
      body: file,
    });
  } catch {
    throw new ApiError(0, 'Unreachable', 'the server cannot be reached');
  }
  if (!res.ok) {
    throw apiErrorFrom(res.status, res.statusText, await res.json().catch(() => null));
  }
}

export function listTriage(limit: number, offset: number): Promise<Page<TriageItem>> {
  return api.get<Page<TriageItem>>('/api/triage', { status: 'pending', limit, offset });
}

export function confirmTriage(id: string, reason?: string): Promise<unknown> {
  return api.post(`/api/triage/${encodeURIComponent(id)}/confirm`, reason ? { reason } : {});
}

export function rejectTriage(id: string, reason: string): Promise<unknown> {
  return api.post(`/api/triage/${encodeURIComponent(id)}/reject`, { reason });
}

/** Ids and names of the departments (for the filter and the table's cells). */
export async function listDepartments(): Promise<Department[]> {
  const out: Department[] = [];
  for (let offset = 0; ; offset += 500) {
    const page = await api.get<Page<Department>>('/api/departments', { limit: 500, offset });
    out.push(...page.items.map(({ id, name }) => ({ id, name })));
    if (page.items.length < 500 || out.length >= page.total) return out;
  }
}

/** The working calendar's years: which the ticket clock knows and which years in use it lacks. */
export function getCalendarStatus(): Promise<{ missingYears: number[] }> {
  return api.get('/api/tickets/calendar');
}
