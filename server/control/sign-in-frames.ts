/** sign-in-start and sign-in-finish on the control socket; the HTTP half is in sign-in/x-routes.ts. */
import { sameSecret } from '../random';
import type { ControlDeps } from './control-socket';
import { refreshIdentity } from './registration';
import { send, type Session } from './session';

export function startSignIn(session: Session, redirectUri: string, deps: ControlDeps): void {
  if (!deps.x) return refuse(session, 'X sign-in is not configured');
  const ticket = deps.tickets.create(session.deviceId, redirectUri);
  send(session, { v: 1, type: 'sign-in-url', url: `${deps.publicUrl()}auth/x/start?ticket=${ticket.id}` });
}

export async function finishSignIn(session: Session, ticketId: string, result: string, deps: ControlDeps): Promise<void> {
  const ticket = deps.tickets.get(ticketId);
  // Another device holding the ticket id must not be able to burn it for its owner.
  if (!ticket || ticket.deviceId !== session.deviceId) return refuse(session, 'Sign-in expired or unknown; start again');
  deps.tickets.delete(ticket);
  if (!ticket.outcome || !sameSecret(ticket.outcome.secret, result)) return refuse(session, 'Sign-in result does not match; start again');

  const { user } = ticket.outcome;
  const { displacedXUserId } = await deps.store.bindXUser(session.deviceId, user.id, user.username);
  // Everyone whose handle may have changed hears it now: this device, the X user's other devices,
  // and the devices of whoever X says no longer has this username.
  const affected = deps.sessions
    .all()
    .filter((s) => s === session || s.deviceId === session.deviceId || s.xUserId === user.id || (displacedXUserId && s.xUserId === displacedXUserId));
  await Promise.all(affected.map((s) => refreshIdentity(s, deps)));
}

function refuse(session: Session, detail: string): void {
  send(session, { v: 1, type: 'refused', reason: 'sign-in-failed', detail });
}
