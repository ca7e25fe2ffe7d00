/**
 * X handles. A handle is 1-15 letters, digits or underscores and case-insensitive; we keep it
 * lowercase without the "@". Nobody is dialed by a handle-derived id any more: Birdcall's service
 * routes rings by handle to the devices that proved it.
 */

export type Handle = string & { readonly __brand: 'Handle' };

const HANDLE_PATTERN = /^[A-Za-z0-9_]{1,15}$/;

type HandleResult = { ok: true; handle: Handle } | { ok: false; error: string };

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
