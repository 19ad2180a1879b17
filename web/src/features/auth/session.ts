/**
 * Who is signed in, and what their role may do (the server's permission list from
 * `/api/auth/me`). The session itself is the server's httpOnly cookie; nothing secret is kept
 * in the page.
 */
import { create } from 'zustand';
import { api, onUnauthorized } from '../../lib/api.ts';

export interface SessionUser {
  id: string;
  username: string;
  displayName: string;
  role: string;
  departmentId: string | null;
  permissions: string[];
}

interface SessionState {
  status: 'loading' | 'anonymous' | 'signed_in';
  user: SessionUser | null;
  load(): Promise<void>;
  login(username: string, password: string): Promise<void>;
  logout(): Promise<void>;
}

export const useSession = create<SessionState>((set) => ({
  status: 'loading',
  user: null,
  async load() {
    try {
      const user = await api.get<SessionUser>('/api/auth/me');
      set({ status: 'signed_in', user });
    } catch {
      set({ status: 'anonymous', user: null });
    }
  },
  async login(username, password) {
    await api.post('/api/auth/login', { username, password });
    const user = await api.get<SessionUser>('/api/auth/me');
    set({ status: 'signed_in', user });
  },
  async logout() {
    try {
      await api.post('/api/auth/logout');
    } finally {
      set({ status: 'anonymous', user: null });
    }
  },
}));

onUnauthorized(() => useSession.setState({ status: 'anonymous', user: null }));

/** Whether the signed-in user's role holds `permission` (see the server's PERMISSION_MATRIX). */
export function useCan(permission: string): boolean {
  return useSession((s) => s.user?.permissions.includes(permission) ?? false);
}
