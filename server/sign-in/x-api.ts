/** The two X API calls of sign-in: code -> access token, token -> who signed in. */
import { parseHandle } from '../../lib/handle';
import type { XConfig } from '../config';
import type { XUser } from './tickets';

const X_TIMEOUT_MS = 10_000;

export class XApiError extends Error {}

export async function fetchXUser(x: XConfig, code: string, redirectUri: string, verifier: string): Promise<XUser> {
  const form = new URLSearchParams({ grant_type: 'authorization_code', code, redirect_uri: redirectUri, code_verifier: verifier, client_id: x.clientId });
  const headers: Record<string, string> = { 'content-type': 'application/x-www-form-urlencoded' };
  if (x.clientSecret) headers.authorization = `Basic ${Buffer.from(`${x.clientId}:${x.clientSecret}`).toString('base64')}`;
  const token = await callX(`${x.apiUrl}/2/oauth2/token`, { method: 'POST', headers, body: form.toString() });
  const accessToken = (token as { access_token?: unknown }).access_token;
  if (typeof accessToken !== 'string' || !accessToken) throw new XApiError('X returned no access token');

  const me = await callX(`${x.apiUrl}/2/users/me`, { headers: { authorization: `Bearer ${accessToken}` } });
  const data = (me as { data?: { id?: unknown; username?: unknown } }).data;
  const username = typeof data?.username === 'string' && /^[A-Za-z0-9_]{1,15}$/.test(data.username) ? parseHandle(data.username) : null;
  if (typeof data?.id !== 'string' || !/^[0-9A-Za-z_-]{1,64}$/.test(data.id) || !username?.ok) throw new XApiError('X did not say who signed in');
  return { id: data.id, username: username.handle };
}

async function callX(url: string, init: RequestInit): Promise<unknown> {
  let response: Response;
  try {
    response = await fetch(url, { ...init, signal: AbortSignal.timeout(X_TIMEOUT_MS) });
  } catch {
    throw new XApiError('X could not be reached');
  }
  if (!response.ok) throw new XApiError(`X answered ${response.status}`);
  try {
    return await response.json();
  } catch {
    throw new XApiError('X answered something that is not JSON');
  }
}
