// @vitest-environment node
import { createHash, randomBytes } from 'node:crypto';
import { request } from 'node:http';
import { afterEach, beforeEach, describe, expect, it } from 'vitest';
import { startFakeX, type FakeX } from '../fake-x/fake-x';

const CLIENT_ID = 'birdcall-test-client';
const REDIRECT = 'https://abcdefghijklmnop.chromiumapp.org/x';
const ALICE = { id: '1001', username: 'alice', name: 'Alice A' };
const BOB = { id: '1002', username: 'bob' };

const s256 = (verifier: string) => createHash('sha256').update(verifier).digest('base64url');
const newVerifier = () => randomBytes(48).toString('base64url'); // 64 chars

let fake: FakeX;

function authorizeUrl(overrides: Record<string, string | null> = {}, verifier = newVerifier()): string {
  const params: Record<string, string | null> = {
    response_type: 'code',
    client_id: CLIENT_ID,
    redirect_uri: REDIRECT,
    scope: 'users.read tweet.read',
    state: 'state-123',
    code_challenge: s256(verifier),
    code_challenge_method: 'S256',
    ...overrides,
  };
  const url = new URL(fake.authorizeUrl);
  for (const [k, v] of Object.entries(params)) if (v !== null) url.searchParams.set(k, v);
  return url.href;
}

async function authorize(url: string, username?: string): Promise<Response> {
  const headers: Record<string, string> = {};
  if (username) {
    const cookie = fake.sessionCookie(username);
    headers.cookie = `${cookie.name}=${cookie.value}`;
  }
  return fetch(url, { redirect: 'manual', headers });
}

async function codeFor(username: string, verifier: string, redirectUri = REDIRECT): Promise<string> {
  const res = await authorize(authorizeUrl({ redirect_uri: redirectUri }, verifier), username);
  expect(res.status).toBe(302);
  const location = new URL(res.headers.get('location')!);
  expect(location.searchParams.get('state')).toBe('state-123');
  return location.searchParams.get('code')!;
}

function exchange(form: Record<string, string>, headers: Record<string, string> = {}): Promise<Response> {
  return fetch(`${fake.apiUrl}/2/oauth2/token`, {
    method: 'POST',
    headers: { 'content-type': 'application/x-www-form-urlencoded', ...headers },
    body: new URLSearchParams(form).toString(),
  });
}

const tokenForm = (code: string, verifier: string) => ({
  grant_type: 'authorization_code',
  code,
  redirect_uri: REDIRECT,
  code_verifier: verifier,
  client_id: CLIENT_ID,
});

function me(token: string): Promise<Response> {
  return fetch(`${fake.apiUrl}/2/users/me`, { headers: { authorization: `Bearer ${token}` } });
}

describe('fake X (public client)', () => {
  beforeEach(async () => {
    fake = await startFakeX({ clientId: CLIENT_ID, users: [ALICE, BOB] });
  });
  afterEach(async () => {
    await fake.close();
  });

  it('exposes its URLs', () => {
    expect(fake.url).toMatch(/^http:\/\/127\.0\.0\.1:\d+$/);
    expect(fake.authorizeUrl).toBe(`${fake.url}/i/oauth2/authorize`);
    expect(fake.apiUrl).toBe(fake.url);
    expect(fake.sessionCookie('alice')).toEqual({ name: 'fakex_session', value: '1001', url: fake.url });
  });

  it('runs the whole PKCE S256 flow', async () => {
    const verifier = newVerifier();
    const code = await codeFor('alice', verifier);
    expect(code).toBeTruthy();
    const res = await exchange(tokenForm(code, verifier));
    expect(res.status).toBe(200);
    const body = (await res.json()) as Record<string, unknown>;
    expect(body).toMatchObject({ token_type: 'bearer', expires_in: 7200, scope: 'users.read tweet.read' });
    expect(typeof body.access_token).toBe('string');
    const who = await me(body.access_token as string);
    expect(who.status).toBe(200);
    expect(await who.json()).toEqual({ data: { id: '1001', name: 'Alice A', username: 'alice' } });
    expect(fake.requests().map((r) => `${r.method} ${r.path} ${r.status}`)).toEqual([
      'GET /i/oauth2/authorize 302',
      'POST /2/oauth2/token 200',
      'GET /2/users/me 200',
    ]);
  });

  it('accepts plain PKCE too', async () => {
    const verifier = newVerifier();
    const res = await authorize(authorizeUrl({ code_challenge: verifier, code_challenge_method: 'plain' }), 'bob');
    const code = new URL(res.headers.get('location')!).searchParams.get('code')!;
    const token = await exchange(tokenForm(code, verifier));
    expect(token.status).toBe(200);
    const who = await me(((await token.json()) as { access_token: string }).access_token);
    expect(await who.json()).toEqual({ data: { id: '1002', name: 'bob', username: 'bob' } });
  });

  it('refuses a wrong verifier', async () => {
    const verifier = newVerifier();
    const code = await codeFor('alice', verifier);
    const res = await exchange(tokenForm(code, newVerifier()));
    expect(res.status).toBe(400);
    expect(await res.json()).toMatchObject({ error: 'invalid_request' });
  });

  it('refuses a code used twice, an unknown code and a mismatched redirect_uri', async () => {
    const verifier = newVerifier();
    const code = await codeFor('alice', verifier);
    expect((await exchange(tokenForm(code, verifier))).status).toBe(200);
    const again = await exchange(tokenForm(code, verifier));
    expect(again.status).toBe(400);
    expect(await again.json()).toMatchObject({ error: 'invalid_request', error_description: expect.stringMatching(/used/) });

    expect((await exchange(tokenForm('no-such-code', verifier))).status).toBe(400);

    const code2 = await codeFor('alice', verifier);
    const res = await exchange({ ...tokenForm(code2, verifier), redirect_uri: 'https://elsewhere.example/cb' });
    expect(res.status).toBe(400);
    expect(await res.json()).toMatchObject({ error: 'invalid_request' });
  });

  it('expires codes', async () => {
    await fake.close();
    fake = await startFakeX({ clientId: CLIENT_ID, users: [ALICE], codeTtlMs: 1 });
    const verifier = newVerifier();
    const code = await codeFor('alice', verifier);
    await new Promise((r) => setTimeout(r, 20));
    const res = await exchange(tokenForm(code, verifier));
    expect(res.status).toBe(400);
    expect(await res.json()).toMatchObject({ error_description: expect.stringMatching(/expired/) });
  });

  it('refuses a wrong or missing client_id with 401', async () => {
    const verifier = newVerifier();
    const code = await codeFor('alice', verifier);
    const wrong = await exchange({ ...tokenForm(code, verifier), client_id: 'someone-else' });
    expect(wrong.status).toBe(401);
    expect(await wrong.json()).toMatchObject({ error: 'unauthorized_client' });
    const { client_id: _omit, ...noClient } = tokenForm(code, verifier);
    expect((await exchange(noClient)).status).toBe(401);
  });

  it('denies without a session, and once after denyNext()', async () => {
    const res = await authorize(authorizeUrl());
    expect(res.status).toBe(302);
    const location = new URL(res.headers.get('location')!);
    expect(location.origin + location.pathname).toBe(REDIRECT);
    expect(location.searchParams.get('error')).toBe('access_denied');
    expect(location.searchParams.get('state')).toBe('state-123');
    expect(location.searchParams.has('code')).toBe(false);

    fake.denyNext();
    const denied = await authorize(authorizeUrl(), 'alice');
    expect(new URL(denied.headers.get('location')!).searchParams.get('error')).toBe('access_denied');
    const allowed = await authorize(authorizeUrl(), 'alice');
    expect(new URL(allowed.headers.get('location')!).searchParams.get('code')).toBeTruthy();
  });

  it('fails the next token request after failNextToken(), leaving its code usable', async () => {
    const verifier = newVerifier();
    const code = await codeFor('alice', verifier);
    fake.failNextToken();
    const failed = await exchange(tokenForm(code, verifier));
    expect(failed.status).toBe(500);
    expect(await failed.json()).toMatchObject({ error: 'server_error' });
    expect((await exchange(tokenForm(code, verifier))).status).toBe(200);

    fake.failNextToken(503);
    expect((await exchange(tokenForm('no-such-code', verifier))).status).toBe(503);
  });

  it('rejects malformed authorize requests with a 400 page saying what is wrong', async () => {
    const cases: Array<[Record<string, string | null>, RegExp]> = [
      [{ response_type: 'token' }, /response_type/],
      [{ client_id: 'unknown' }, /client_id/],
      [{ client_id: null }, /client_id/],
      [{ code_challenge_method: 'S512' }, /code_challenge_method/],
      [{ code_challenge: null }, /code_challenge/],
      [{ scope: 'tweet.read' }, /users\.read/],
      [{ state: null }, /state/],
      [{ redirect_uri: 'javascript:alert(1)' }, /redirect_uri/],
      [{ redirect_uri: 'not a url' }, /redirect_uri/],
      [{ redirect_uri: null }, /redirect_uri/],
    ];
    for (const [overrides, pattern] of cases) {
      const res = await authorize(authorizeUrl(overrides), 'alice');
      expect(res.status, JSON.stringify(overrides)).toBe(400);
      expect(res.headers.get('content-type')).toMatch(/text\/html/);
      expect(await res.text()).toMatch(pattern);
    }
  });

  it('answers 401 to a missing or bad bearer token', async () => {
    const expected = { title: 'Unauthorized', type: 'about:blank', status: 401, detail: 'Unauthorized' };
    const none = await fetch(`${fake.apiUrl}/2/users/me`);
    expect(none.status).toBe(401);
    expect(await none.json()).toEqual(expected);
    const bad = await me('not-a-token');
    expect(bad.status).toBe(401);
    expect(await bad.json()).toEqual(expected);
  });

  it('reflects a rename in users/me for tokens issued before', async () => {
    const verifier = newVerifier();
    const code = await codeFor('alice', verifier);
    const { access_token } = (await (await exchange(tokenForm(code, verifier))).json()) as { access_token: string };
    fake.rename('1001', 'alice_renamed');
    expect(await (await me(access_token)).json()).toEqual({
      data: { id: '1001', name: 'Alice A', username: 'alice_renamed' },
    });
    expect(fake.sessionCookie('alice_renamed').value).toBe('1001');
  });

  it('404s everything else and survives bad input', async () => {
    expect((await fetch(`${fake.url}/`)).status).toBe(404);
    expect((await fetch(`${fake.url}/2/oauth2/token`)).status).toBe(404); // GET
    const huge = await exchange({ grant_type: 'authorization_code', junk: 'x'.repeat(20_000) });
    expect(huge.status).toBe(413);
    const wrongType = await fetch(`${fake.apiUrl}/2/oauth2/token`, {
      method: 'POST',
      headers: { 'content-type': 'application/json' },
      body: '{"grant_type":"authorization_code"}',
    });
    expect(wrongType.status).toBe(400);
    // A raw request with a malformed path and an aborted body.
    await new Promise<void>((resolve) => {
      const req = request(`${fake.url}/2/oauth2/token`, { method: 'POST', headers: { 'content-length': '100' } });
      req.on('error', () => resolve());
      req.write('code=abc');
      setTimeout(() => {
        req.destroy();
        resolve();
      }, 20);
    });
    expect((await fetch(`${fake.url}/2/users/me`)).status).toBe(401);
  });
});

describe('fake X (confidential client)', () => {
  const SECRET = 's3cr3t-value';
  const basic = (id: string, secret: string) => `Basic ${Buffer.from(`${id}:${secret}`).toString('base64')}`;

  beforeEach(async () => {
    fake = await startFakeX({ clientId: CLIENT_ID, clientSecret: SECRET, users: [ALICE] });
  });
  afterEach(async () => {
    await fake.close();
  });

  it('requires HTTP Basic client_id:client_secret', async () => {
    const verifier = newVerifier();
    const code = await codeFor('alice', verifier);
    const { client_id: _omit, ...form } = tokenForm(code, verifier);

    const none = await exchange(form);
    expect(none.status).toBe(401);
    expect(await none.json()).toMatchObject({ error: 'unauthorized_client' });
    const wrong = await exchange(form, { authorization: basic(CLIENT_ID, 'nope') });
    expect(wrong.status).toBe(401);

    const ok = await exchange(form, { authorization: basic(CLIENT_ID, SECRET) });
    expect(ok.status).toBe(200);
  });
});
