/**
 * A fake of X's OAuth 2.0 API (Authorization Code Flow with PKCE, docs.x.com) for tests:
 *
 *   GET  /i/oauth2/authorize   the consent page; approves at once when the browser has an X session
 *   POST /2/oauth2/token       exchanges a code (with its PKCE verifier) for a bearer token
 *   GET  /2/users/me           who the bearer token belongs to (current username)
 *
 * The browser's "X session" is the cookie `fakex_session=<user id>` on the fake's origin; get it
 * from `sessionCookie(username)` and hand it to puppeteer's `browser.setCookie` / `page.setCookie`.
 * Without it (or after `denyNext()`), authorize redirects back with `error=access_denied`, which is
 * what X does when the user cancels. Tests without a browser send that cookie as a `cookie` header
 * on a GET of the authorize URL; the 302's Location is the callback.
 *
 * node:http only; listens on 127.0.0.1 with a free port. Never crashes on bad input.
 */
import { createHash, randomBytes } from 'node:crypto';
import { createServer, type IncomingMessage, type ServerResponse } from 'node:http';
import type { AddressInfo } from 'node:net';

export interface FakeXUser {
  id: string;
  username: string;
  name?: string;
}

export interface FakeXOptions {
  clientId: string;
  /** Given: a confidential client, the token endpoint requires HTTP Basic client_id:client_secret. */
  clientSecret?: string;
  users: FakeXUser[];
  /** How long an authorization code stays valid. Default 30 s. */
  codeTtlMs?: number;
  /** How long an access token stays valid. Default 7200 s (what X reports). */
  tokenTtlMs?: number;
}

export interface FakeXRequest {
  method: string;
  /** Path without the query, e.g. "/2/oauth2/token". */
  path: string;
  /** The query string parameters. */
  query: Record<string, string>;
  /** Response status the fake gave. */
  status: number;
}

export interface FakeXCookie {
  name: string;
  value: string;
  url: string;
}

export interface FakeX {
  /** e.g. "http://127.0.0.1:41234", no trailing slash. */
  url: string;
  /** url + "/i/oauth2/authorize" */
  authorizeUrl: string;
  /** Base of the API (token and users/me), = url. */
  apiUrl: string;
  clientId: string;
  clientSecret: string | undefined;
  /** Changes a user's username; tokens issued before see the new one in /2/users/me. */
  rename(id: string, newUsername: string): void;
  /** The browser's X session as `username` (current username), for puppeteer's setCookie. */
  sessionCookie(username: string): FakeXCookie;
  /** The next authorize request is denied (access_denied) even with a session. */
  denyNext(): void;
  /** The next token request fails with `status` (default 500, X having trouble); its code stays unused. */
  failNextToken(status?: number): void;
  /** Every request so far, oldest first. */
  requests(): FakeXRequest[];
  close(): Promise<void>;
}

export const FAKEX_SESSION_COOKIE = 'fakex_session';
export const AUTHORIZE_PATH = '/i/oauth2/authorize';
export const TOKEN_PATH = '/2/oauth2/token';
export const USERS_ME_PATH = '/2/users/me';
const MAX_BODY = 16 * 1024;

interface IssuedCode {
  clientId: string;
  redirectUri: string;
  codeChallenge: string;
  codeChallengeMethod: 'S256' | 'plain';
  userId: string;
  expiresAt: number;
  used: boolean;
}

interface IssuedToken {
  userId: string;
  expiresAt: number;
}

class HttpError extends Error {
  constructor(
    readonly status: number,
    message: string,
  ) {
    super(message);
  }
}

const random = () => randomBytes(24).toString('base64url');

export function pkceS256(verifier: string): string {
  return createHash('sha256').update(verifier).digest('base64url');
}

export async function startFakeX(options: FakeXOptions): Promise<FakeX> {
  const { clientId, clientSecret, codeTtlMs = 30_000, tokenTtlMs = 7_200_000 } = options;
  const users = new Map<string, FakeXUser>(options.users.map((u) => [u.id, { ...u }]));
  const codes = new Map<string, IssuedCode>();
  const tokens = new Map<string, IssuedToken>();
  const log: FakeXRequest[] = [];
  let denyNext = false;
  let failNextToken: number | null = null;

  const server = createServer((req, res) => {
    let path = '/';
    let query: Record<string, string> = {};
    let parsed: URL | undefined;
    try {
      parsed = new URL(req.url ?? '/', 'http://fake-x.invalid');
      path = parsed.pathname;
      query = Object.fromEntries(parsed.searchParams);
    } catch {
      // leave defaults; falls to 404
    }
    const entry: FakeXRequest = { method: req.method ?? '', path, query, status: 0 };
    log.push(entry);
    res.once('finish', () => (entry.status = res.statusCode));
    req.on('error', () => {}); // aborted uploads must not crash the fake
    handle(req, res, parsed).catch((error: unknown) => {
      if (res.headersSent) {
        res.destroy();
        return;
      }
      if (error instanceof HttpError) {
        sendJson(res, error.status, { error: 'invalid_request', error_description: error.message });
      } else {
        sendJson(res, 500, { error: 'server_error', error_description: String(error) });
      }
    });
  });

  async function handle(req: IncomingMessage, res: ServerResponse, url: URL | undefined): Promise<void> {
    if (!url) return notFound(res);
    if (url.pathname === AUTHORIZE_PATH && (req.method === 'GET' || req.method === 'HEAD')) return authorize(req, res, url);
    if (url.pathname === TOKEN_PATH && req.method === 'POST') return token(req, res);
    if (url.pathname === USERS_ME_PATH && req.method === 'GET') return usersMe(req, res);
    return notFound(res);
  }

  function authorize(req: IncomingMessage, res: ServerResponse, url: URL): void {
    const p = url.searchParams;
    const problems: string[] = [];
    const responseType = p.get('response_type');
    const reqClientId = p.get('client_id');
    const redirectUri = p.get('redirect_uri');
    const scope = p.get('scope');
    const state = p.get('state');
    const challenge = p.get('code_challenge');
    const method = p.get('code_challenge_method');
    if (responseType !== 'code') problems.push(`response_type must be "code" (got ${JSON.stringify(responseType)})`);
    if (!reqClientId) problems.push('client_id is missing');
    else if (reqClientId !== clientId) problems.push(`client_id ${JSON.stringify(reqClientId)} is not a known app`);
    let redirect: URL | undefined;
    if (!redirectUri) problems.push('redirect_uri is missing');
    else {
      try {
        redirect = new URL(redirectUri);
        if (redirect.protocol !== 'http:' && redirect.protocol !== 'https:') {
          problems.push(`redirect_uri must be an http(s) URL (got ${JSON.stringify(redirectUri)})`);
          redirect = undefined;
        }
      } catch {
        problems.push(`redirect_uri is not a URL (got ${JSON.stringify(redirectUri)})`);
      }
    }
    const scopes = (scope ?? '').split(/[\s+]+/).filter(Boolean);
    if (!scopes.includes('users.read')) problems.push(`scope must include users.read (got ${JSON.stringify(scope)})`);
    if (!state) problems.push('state is missing');
    if (!challenge) problems.push('code_challenge is missing');
    if (method !== 'S256' && method !== 'plain') {
      problems.push(`code_challenge_method must be S256 or plain (got ${JSON.stringify(method)})`);
    }
    if (problems.length > 0 || !redirect) {
      const items = problems.map((m) => `<li>${escapeHtml(m)}</li>`).join('');
      res.writeHead(400, { 'content-type': 'text/html; charset=utf-8', 'cache-control': 'no-store' });
      res.end(
        `<!doctype html><title>Something went wrong</title><h1>Something went wrong</h1>` +
          `<p>You weren't able to give access to the App.</p><ul>${items}</ul>`,
      );
      return;
    }
    const userId = sessionUser(req);
    if (!userId || denyNext) {
      denyNext = false;
      redirect.searchParams.set('error', 'access_denied');
      redirect.searchParams.set('state', state!);
      return found(res, redirect.href);
    }
    const code = random();
    codes.set(code, {
      clientId,
      redirectUri: redirectUri!,
      codeChallenge: challenge!,
      codeChallengeMethod: method as 'S256' | 'plain',
      userId,
      expiresAt: Date.now() + codeTtlMs,
      used: false,
    });
    redirect.searchParams.set('state', state!);
    redirect.searchParams.set('code', code);
    found(res, redirect.href);
  }

  async function token(req: IncomingMessage, res: ServerResponse): Promise<void> {
    const body = await readBody(req);
    if (failNextToken !== null) {
      const status = failNextToken;
      failNextToken = null;
      return oauthError(res, status, 'server_error', 'Something went wrong. Try again later.');
    }
    const contentType = (req.headers['content-type'] ?? '').split(';')[0]!.trim().toLowerCase();
    if (contentType !== 'application/x-www-form-urlencoded') {
      return oauthError(res, 400, 'invalid_request', 'Content-Type must be application/x-www-form-urlencoded');
    }
    const form = new URLSearchParams(body);

    // Client authentication.
    const basic = parseBasic(req.headers.authorization);
    if (clientSecret !== undefined) {
      if (!basic) return oauthError(res, 401, 'unauthorized_client', 'Missing valid authorization header');
      const raw = basic.raw;
      const ok = (basic.id === clientId && basic.secret === clientSecret) || raw === `${clientId}:${clientSecret}`;
      if (!ok) {
        return oauthError(res, 401, 'unauthorized_client', 'Client authentication failed');
      }
    } else {
      const bodyClientId = form.get('client_id') ?? basic?.id;
      if (!bodyClientId) return oauthError(res, 401, 'unauthorized_client', 'Missing client_id');
      if (bodyClientId !== clientId) return oauthError(res, 401, 'unauthorized_client', 'Unknown client_id');
    }
    if (form.has('client_id') && form.get('client_id') !== clientId) {
      return oauthError(res, 401, 'unauthorized_client', 'client_id does not match the authenticated client');
    }

    const grantType = form.get('grant_type');
    if (grantType !== 'authorization_code') {
      return oauthError(res, 400, 'invalid_request', `Unsupported grant_type ${JSON.stringify(grantType)}`);
    }
    const code = form.get('code');
    const redirectUri = form.get('redirect_uri');
    const verifier = form.get('code_verifier');
    if (!code) return oauthError(res, 400, 'invalid_request', 'Missing required parameter [code].');
    if (!redirectUri) return oauthError(res, 400, 'invalid_request', 'Missing required parameter [redirect_uri].');
    if (!verifier) return oauthError(res, 400, 'invalid_request', 'Missing required parameter [code_verifier].');
    const issued = codes.get(code);
    if (!issued || issued.clientId !== clientId) {
      return oauthError(res, 400, 'invalid_request', 'Value passed for the authorization code was invalid.');
    }
    if (issued.used) return oauthError(res, 400, 'invalid_request', 'Value passed for the authorization code was already used.');
    if (Date.now() > issued.expiresAt) {
      codes.delete(code);
      return oauthError(res, 400, 'invalid_request', 'Value passed for the authorization code has expired.');
    }
    if (redirectUri !== issued.redirectUri) {
      return oauthError(res, 400, 'invalid_request', 'Value passed for redirect_uri does not match the one used to authorize.');
    }
    if (!/^[A-Za-z0-9\-._~]{43,128}$/.test(verifier)) {
      return oauthError(res, 400, 'invalid_request', 'code_verifier must be 43-128 characters of [A-Za-z0-9-._~].');
    }
    const expected = issued.codeChallengeMethod === 'S256' ? pkceS256(verifier) : verifier;
    if (expected !== issued.codeChallenge) {
      return oauthError(res, 400, 'invalid_request', 'Value passed for the code_verifier does not match the code_challenge.');
    }
    issued.used = true;
    const accessToken = random();
    tokens.set(accessToken, { userId: issued.userId, expiresAt: Date.now() + tokenTtlMs });
    sendJson(res, 200, {
      token_type: 'bearer',
      expires_in: Math.round(tokenTtlMs / 1000),
      access_token: accessToken,
      scope: 'users.read tweet.read',
    });
  }

  function usersMe(req: IncomingMessage, res: ServerResponse): void {
    const match = /^Bearer\s+(\S+)\s*$/i.exec(req.headers.authorization ?? '');
    const issued = match ? tokens.get(match[1]!) : undefined;
    const user = issued && Date.now() <= issued.expiresAt ? users.get(issued.userId) : undefined;
    if (!user) {
      sendJson(res, 401, { title: 'Unauthorized', type: 'about:blank', status: 401, detail: 'Unauthorized' });
      return;
    }
    sendJson(res, 200, { data: { id: user.id, name: user.name ?? user.username, username: user.username } });
  }

  function sessionUser(req: IncomingMessage): string | undefined {
    for (const part of (req.headers.cookie ?? '').split(';')) {
      const eq = part.indexOf('=');
      if (eq < 0 || part.slice(0, eq).trim() !== FAKEX_SESSION_COOKIE) continue;
      let value = part.slice(eq + 1).trim();
      try {
        value = decodeURIComponent(value);
      } catch {
        // keep raw
      }
      if (users.has(value)) return value;
    }
    return undefined;
  }

  await new Promise<void>((resolve, reject) => {
    server.once('error', reject);
    server.listen(0, '127.0.0.1', () => {
      server.off('error', reject);
      resolve();
    });
  });
  server.on('clientError', (_error, socket) => {
    if (socket.writable) socket.end('HTTP/1.1 400 Bad Request\r\nConnection: close\r\n\r\n');
    else socket.destroy();
  });
  const { port } = server.address() as AddressInfo;
  const url = `http://127.0.0.1:${port}`;

  return {
    url,
    authorizeUrl: url + AUTHORIZE_PATH,
    apiUrl: url,
    clientId,
    clientSecret,
    rename(id, newUsername) {
      const user = users.get(id);
      if (!user) throw new Error(`fake X: no user with id ${id}`);
      user.username = newUsername;
    },
    sessionCookie(username) {
      const lower = username.toLowerCase();
      const user = [...users.values()].find((u) => u.username.toLowerCase() === lower);
      if (!user) throw new Error(`fake X: no user @${username}`);
      return { name: FAKEX_SESSION_COOKIE, value: user.id, url };
    },
    denyNext() {
      denyNext = true;
    },
    failNextToken(status = 500) {
      failNextToken = status;
    },
    requests: () => log.map((r) => ({ ...r, query: { ...r.query } })),
    close: () =>
      new Promise<void>((resolve) => {
        server.close(() => resolve());
        server.closeAllConnections();
      }),
  };
}

function readBody(req: IncomingMessage): Promise<string> {
  return new Promise((resolve, reject) => {
    const declared = Number(req.headers['content-length']);
    if (Number.isFinite(declared) && declared > MAX_BODY) {
      reject(new HttpError(413, `Request body larger than ${MAX_BODY} bytes`));
      req.resume();
      return;
    }
    const chunks: Buffer[] = [];
    let size = 0;
    let done = false;
    req.on('data', (chunk: Buffer) => {
      if (done) return;
      size += chunk.length;
      if (size > MAX_BODY) {
        done = true;
        reject(new HttpError(413, `Request body larger than ${MAX_BODY} bytes`));
        return;
      }
      chunks.push(chunk);
    });
    req.on('end', () => {
      if (done) return;
      done = true;
      resolve(Buffer.concat(chunks).toString('utf8'));
    });
    req.on('error', (error) => {
      if (done) return;
      done = true;
      reject(error);
    });
  });
}

function parseBasic(header: string | undefined): { id: string; secret: string; raw: string } | undefined {
  const match = /^Basic\s+([A-Za-z0-9+/=_-]+)\s*$/i.exec(header ?? '');
  if (!match) return undefined;
  const decoded = Buffer.from(match[1]!, 'base64').toString('utf8');
  const colon = decoded.indexOf(':');
  if (colon < 0) return undefined;
  const unescape = (s: string) => {
    try {
      return decodeURIComponent(s.replace(/\+/g, ' '));
    } catch {
      return s;
    }
  };
  return { id: unescape(decoded.slice(0, colon)), secret: unescape(decoded.slice(colon + 1)), raw: decoded };
}

function sendJson(res: ServerResponse, status: number, body: unknown): void {
  const text = JSON.stringify(body);
  res.writeHead(status, {
    'content-type': 'application/json; charset=utf-8',
    'content-length': Buffer.byteLength(text),
    'cache-control': 'no-store',
  });
  res.end(text);
}

function oauthError(res: ServerResponse, status: number, error: string, description: string): void {
  sendJson(res, status, { error, error_description: description });
}

function found(res: ServerResponse, location: string): void {
  res.writeHead(302, { location, 'cache-control': 'no-store', 'content-length': 0 });
  res.end();
}

function notFound(res: ServerResponse): void {
  sendJson(res, 404, { errors: [{ message: 'Sorry, that page does not exist', code: 34 }] });
}

function escapeHtml(text: string): string {
  return text.replace(/[&<>"']/g, (c) => `&#${c.charCodeAt(0)};`);
}
