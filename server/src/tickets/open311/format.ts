/**
 * Open311 GeoReport v2 documents (https://wiki.open311.org/GeoReport_v2): services, service
 * requests and errors, as JSON and as XML. Pure: tickets in, documents out.
 */
import { CATEGORY_LABELS_ZH, TICKET_CATEGORIES, type TicketCategory } from '../core/policy.ts';

export interface Open311Service {
  service_code: string;
  service_name: string;
  description: string;
  metadata: boolean;
  type: 'realtime' | 'batch' | 'blackbox';
  keywords: string;
  group: string;
}

const SERVICE_NAMES_EN: Record<TicketCategory, string> = {
  fire_smoke: 'Fire or smoke',
  construction: 'Illegal construction',
  river_pollution: 'River pollution',
  other: 'Other city management issue',
};

export function services(): Open311Service[] {
  return TICKET_CATEGORIES.map((c) => ({
    service_code: c,
    service_name: `${CATEGORY_LABELS_ZH[c]} / ${SERVICE_NAMES_EN[c]}`,
    description: SERVICE_NAMES_EN[c],
    metadata: false,
    type: 'realtime',
    keywords: c.replace('_', ','),
    group: 'city management',
  }));
}

/** One service request as GeoReport v2 names its fields. */
export interface Open311Request {
  service_request_id: string;
  status: 'open' | 'closed';
  status_notes: string;
  service_name: string;
  service_code: string;
  description: string;
  agency_responsible: string;
  service_notice: string;
  requested_datetime: string;
  updated_datetime: string;
  expected_datetime: string;
  address: string;
  address_id: string;
  zipcode: string;
  lat: number;
  long: number;
  media_url: string;
}

/** ISO 8601 with the time zone offset (+08:00), as the spec's examples write times. */
export function w3cDate(at: number, offsetMinutes = 480): string {
  const local = new Date(at + offsetMinutes * 60_000).toISOString().slice(0, 19);
  const sign = offsetMinutes >= 0 ? '+' : '-';
  const abs = Math.abs(offsetMinutes);
  return `${local}${sign}${String(Math.floor(abs / 60)).padStart(2, '0')}:${String(abs % 60).padStart(2, '0')}`;
}

export function requestOf(t: {
  number: string;
  status: string;
  category: string;
  description: string;
  departmentName: string | null;
  statusNotes: string | null;
  createdAt: number;
  updatedAt: number;
  dueAt: number | null;
  handleDeadlineAt: number | null;
  lat: number;
  lon: number;
  mediaUrl: string | null;
}): Open311Request {
  const cat = (TICKET_CATEGORIES as readonly string[]).includes(t.category)
    ? (t.category as TicketCategory)
    : 'other';
  const expected = t.handleDeadlineAt ?? t.dueAt;
  return {
    service_request_id: t.number,
    status: t.status === 'closed' || t.status === 'voided' ? 'closed' : 'open',
    status_notes: t.statusNotes ?? '',
    service_name: `${CATEGORY_LABELS_ZH[cat]} / ${SERVICE_NAMES_EN[cat]}`,
    service_code: t.category,
    description: t.description,
    agency_responsible: t.departmentName ?? '',
    service_notice: '',
    requested_datetime: w3cDate(t.createdAt),
    updated_datetime: w3cDate(t.updatedAt),
    expected_datetime: expected === null ? '' : w3cDate(expected),
    address: '',
    address_id: '',
    zipcode: '',
    lat: t.lat,
    long: t.lon,
    media_url: t.mediaUrl ?? '',
  };
}

const escapeXml = (s: string) =>
  s
    .replace(/&/g, '&amp;')
    .replace(/</g, '&lt;')
    .replace(/>/g, '&gt;')
    .replace(/"/g, '&quot;')
    .replace(/'/g, '&apos;');

function element(name: string, fields: Record<string, unknown>): string {
  const inner = Object.entries(fields)
    .map(([k, v]) => `<${k}>${escapeXml(v === null || v === undefined ? '' : String(v))}</${k}>`)
    .join('');
  return `<${name}>${inner}</${name}>`;
}

const XML_HEAD = '<?xml version="1.0" encoding="utf-8"?>';

export const servicesXml = (list: Open311Service[]) =>
  `${XML_HEAD}<services>${list.map((s) => element('service', { ...s })).join('')}</services>`;

export const requestsXml = (list: Open311Request[]) =>
  `${XML_HEAD}<service_requests>${list.map((r) => element('request', { ...r })).join('')}</service_requests>`;

export const postedXml = (list: { token: string; service_notice: string }[]) =>
  `${XML_HEAD}<service_requests>${list.map((r) => element('request', { ...r })).join('')}</service_requests>`;

export interface Open311Error {
  code: number;
  description: string;
}

export const errorsXml = (list: Open311Error[]) =>
  `${XML_HEAD}<errors>${list.map((e) => element('error', { ...e })).join('')}</errors>`;
