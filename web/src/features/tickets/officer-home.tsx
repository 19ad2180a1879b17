/**
 * The console's home: a department officer lands on their inbox (their department's open
 * tickets) once after signing in; the command view stays reachable from the navigation.
 */
import { type ReactNode, useEffect } from 'react';
import { Navigate } from 'react-router';
import { useSession } from '../auth/session.ts';

/** The user last sent to their inbox in this page's life (a new sign-in is sent again). */
let sentToInbox: string | null = null;

export function OfficerHome({ children }: { children: ReactNode }) {
  const user = useSession((s) => s.user);
  const send = user?.role === 'department_officer' && sentToInbox !== user.id;
  useEffect(() => {
    if (send && user) sentToInbox = user.id;
  }, [send, user]);
  return send ? <Navigate to="/tickets" replace /> : children;
}
