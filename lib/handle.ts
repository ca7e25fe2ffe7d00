/**
 * X handles and the PeerJS ids derived from them.
 *
 * A handle is 1-15 letters, digits or underscores and case-insensitive; we keep it lowercase
 * without the "@". PeerJS ids must match /^[A-Za-z0-9]+(?:[ _-][A-Za-z0-9]+)*$/, so a handle
 * such as "_a__b_" cannot be used as is: each "_" becomes "-0" (handles never contain "-", so
 * the mapping is reversible), behind a namespace that always ends in a letter.
 */

export type Handle = string & { readonly __brand: 'Handle' };

const HANDLE_PATTERN = /^[A-Za-z0-9_]{1,15}$/;
const PEER_ID_PREFIX = 'birdcall-v1-x';
export const PEERJS_ID_PATTERN = /^[A-Za-z0-9]+(?:[ _-][A-Za-z0-9]+)*$/;

export type HandleResult = { ok: true; handle: Handle } | { ok: false; error: string };

/** Accepts "alice", "@Alice" or " @ALICE "; anything that is not a legal X handle is refused with a reason. */
export function parseHandle(input: unknown): HandleResult {
  if (typeof input !== 'string') return { ok: false, error: 'A handle must be text.' };
  const bare = input.trim().replace(/^@/, '');
  if (bare.length === 0) return { ok: false, error: 'The handle is empty.' };
  if (bare.length > 15) return { ok: false, error: `"@${bare.slice(0, 20)}" is longer than X's 15 characters.` };
  if (!HANDLE_PATTERN.test(bare)) {
    return { ok: false, error: `"${bare.slice(0, 20)}" has characters X handles cannot have (only letters, digits and _).` };
  }
  return { ok: true, handle: bare.toLowerCase() as Handle };
}

export function isHandle(input: unknown): input is Handle {
  return typeof input === 'string' && HANDLE_PATTERN.test(input) && input === input.toLowerCase();
}

export function peerIdForHandle(handle: Handle): string {
  return PEER_ID_PREFIX + handle.replaceAll('_', '-0');
}

/** The handle behind one of our peer ids, or null for ids of other apps or malformed ones. */
export function handleForPeerId(peerId: string): Handle | null {
  if (!peerId.startsWith(PEER_ID_PREFIX) || !PEERJS_ID_PATTERN.test(peerId)) return null;
  const handle = peerId.slice(PEER_ID_PREFIX.length).replaceAll('-0', '_');
  return isHandle(handle) && peerIdForHandle(handle) === peerId ? handle : null;
}
