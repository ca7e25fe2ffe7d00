/** A tiny fake X for sign-in tests: the authorize step as a function, token and users/me over HTTP. */
import { createHash, randomBytes } from 'node:crypto';
import { createServer, type Server } from 'node:http';
import type { AddressInfo } from 'node:net';
import type { XConfig } from '../config';

interface XUser {
  id: string;
  username: string;
}

export class FakeX {
  private readonly codes = new Map<string, { user: XUser; challenge: string; redirectUri: string }>();
  private readonly tokens = new Map<string, XUser>();
  /** When set, the token endpoint answers this status. */
  failTokenWith: number | null = null;

  private constructor(
    private readonly server: Server,
    readonly config: XConfig,
  ) {}

  static async start(clientSecret: string | null = 'shh'): Promise<FakeX> {
    let fake!: FakeX;
    const server = createServer((req, res) => fake.handle(req.method ?? '', req.url ?? '', req.headers.authorization, req, res));
    await new Promise<void>((resolve) => server.listen(0, '127.0.0.1', resolve));
    const base = `http://127.0.0.1:${(server.address() as AddressInfo).port}`;
    fake = new FakeX(server, { clientId: 'birdcall-test', clientSecret, authorizeUrl: `${base}/i/oauth2/authorize`, apiUrl: base });
    return fake;
  }

  /** What x.com does when the user approves: checks the request and returns the callback URL with a code. */
  authorize(location: string, user: XUser): string {
    const url = new URL(location);
    const p = url.searchParams;
    if (`${url.origin}${url.pathname}` !== this.config.authorizeUrl) throw new Error(`not our authorize URL: ${location}`);
    if (p.get('response_type') !== 'code' || p.get('client_id') !== this.config.clientId || p.get('scope') !== 'users.read tweet.read') throw new Error('bad authorize params');
    if (p.get('code_challenge_method') !== 'S256' || !p.get('code_challenge') || !p.get('state')) throw new Error('no PKCE');
    const code = randomBytes(16).toString('hex');
    this.codes.set(code, { user, challenge: p.get('code_challenge')!, redirectUri: p.get('redirect_uri')! });
    return `${p.get('redirect_uri')}?state=${encodeURIComponent(p.get('state')!)}&code=${code}`;
  }

  close(): Promise<void> {
    return new Promise((resolve) => this.server.close(() => resolve()));
  }

  private handle(method: string, path: string, authorization: string | undefined, req: NodeJS.ReadableStream, res: import('node:http').ServerResponse): void {
    const reply = (status: number, body: unknown): void => {
      res.writeHead(status, { 'content-type': 'application/json' }).end(JSON.stringify(body));
    };
    if (method === 'POST' && path === '/2/oauth2/token') {
      let body = '';
      req.on('data', (chunk) => (body += chunk));
      req.on('end', () => {
        if (this.failTokenWith) return reply(this.failTokenWith, { error: 'server_error' });
        const form = new URLSearchParams(body);
        const expectedAuth = this.config.clientSecret ? `Basic ${Buffer.from(`${this.config.clientId}:${this.config.clientSecret}`).toString('base64')}` : undefined;
        const grant = this.codes.get(form.get('code') ?? '');
        this.codes.delete(form.get('code') ?? '');
        const verifier = form.get('code_verifier') ?? '';
        if (
          authorization !== expectedAuth ||
          form.get('grant_type') !== 'authorization_code' ||
          form.get('client_id') !== this.config.clientId ||
          !grant ||
          grant.redirectUri !== form.get('redirect_uri') ||
          verifier.length < 43 ||
          createHash('sha256').update(verifier).digest('base64url') !== grant.challenge
        ) {
          return reply(400, { error: 'invalid_request' });
        }
        const token = randomBytes(16).toString('hex');
        this.tokens.set(token, grant.user);
        reply(200, { token_type: 'bearer', access_token: token, scope: 'users.read tweet.read', expires_in: 7200 });
      });
      return;
    }
    if (method === 'GET' && path === '/2/users/me') {
      const user = this.tokens.get((authorization ?? '').replace(/^Bearer /, ''));
      return user ? reply(200, { data: { ...user, name: 'Someone' } }) : reply(401, { title: 'Unauthorized' });
    }
    reply(404, {});
  }
}
