/**
 * The service's configuration, from the environment and the command line. Every variable:
 *
 *   HOST                 Interface to listen on. Default 127.0.0.1. `--host` overrides it.
 *   PORT                 Port to listen on; 0 picks a free one. Default 9000. `--port` overrides it.
 *   BIRDCALL_DATA_DIR    Directory for the sqlite file (created if missing). Default `.birdcall/`.
 *   BIRDCALL_PUBLIC_URL  How browsers reach this service (sign-in links, OAuth redirect).
 *                        Default `http://HOST:PORT/` with the port actually bound.
 *   X_CLIENT_ID          X OAuth 2.0 client id. Sign in with X is on iff this is set; without it
 *                        the service runs in open mode (first-come handle claims per device key).
 *   X_CLIENT_SECRET      Optional. When set, token requests authenticate with HTTP Basic
 *                        client_id:client_secret; otherwise client_id goes in the form (public client).
 *   X_AUTHORIZE_URL      X's authorize page. Default https://x.com/i/oauth2/authorize.
 *   X_API_URL            X's API root (token and users/me). Default https://api.x.com.
 *   LOG_LEVEL            pino level: fatal, error, warn, info, debug, trace or silent. Default info.
 *   TURN_URLS            Comma-separated TURN server URLs handed to registered devices, each
 *                        `turn:<host>[:<port>][?transport=udp|tcp]` or `turns:…` (at most 8); a bad
 *                        one stops the service at start. Unset: no TURN, devices get `iceServers: []`
 *                        and use host candidates only (calls connect on the same network only).
 *                        `npm run turn` starts a local coturn and prints matching values.
 *   TURN_SECRET          coturn's `static-auth-secret` (`use-auth-secret`): devices get REST
 *                        credentials signed with it. Required with TURN_URLS and only with it.
 *   TURN_TTL_S           Lifetime of those credentials in seconds, 60-86400. Default 3600. Devices
 *                        get fresh ones (`ice-servers`) at 80% of it.
 */
import { parseTurnUrls } from './turn/urls';

export interface XConfig {
  clientId: string;
  clientSecret: string | null;
  authorizeUrl: string;
  apiUrl: string;
}

/** TURN from the deployment (coturn's REST-credential scheme). */
export interface TurnConfig {
  urls: string[];
  secret: string;
  ttlS: number;
}

const DEFAULT_TURN_TTL_S = 3600;

export interface ServiceConfig {
  host: string;
  port: number;
  dataDir: string;
  /** Null: derived from the bound address once listening. */
  publicUrl: string | null;
  /** Null: open mode. */
  x: XConfig | null;
  logLevel: string;
  /** Null: no TURN. */
  turn: TurnConfig | null;
}

export function loadConfig(env: NodeJS.ProcessEnv = process.env, argv: string[] = process.argv.slice(2)): ServiceConfig {
  const flags = parseFlags(argv);
  const port = Number(flags.port ?? env.PORT ?? 9000);
  if (!Number.isInteger(port) || port < 0 || port > 65535) throw new Error(`PORT: "${flags.port ?? env.PORT}" is not a port number`);
  return {
    host: flags.host ?? env.HOST ?? '127.0.0.1',
    port,
    dataDir: env.BIRDCALL_DATA_DIR || '.birdcall/',
    publicUrl: env.BIRDCALL_PUBLIC_URL ? withTrailingSlash(env.BIRDCALL_PUBLIC_URL) : null,
    x: env.X_CLIENT_ID
      ? {
          clientId: env.X_CLIENT_ID,
          clientSecret: env.X_CLIENT_SECRET || null,
          authorizeUrl: env.X_AUTHORIZE_URL || 'https://x.com/i/oauth2/authorize',
          apiUrl: (env.X_API_URL || 'https://api.x.com').replace(/\/+$/, ''),
        }
      : null,
    logLevel: env.LOG_LEVEL || 'info',
    turn: loadTurnConfig(env),
  };
}

/** TURN_URLS, TURN_SECRET and TURN_TTL_S; throws on anything the service should not start with. */
export function loadTurnConfig(env: NodeJS.ProcessEnv): TurnConfig | null {
  const urls = env.TURN_URLS?.trim() ?? '';
  const secret = env.TURN_SECRET ?? '';
  if (!urls && !secret) {
    if (env.TURN_TTL_S) throw new Error('TURN_TTL_S is set but TURN_URLS and TURN_SECRET are not');
    return null;
  }
  if (!urls) throw new Error('TURN_SECRET is set but TURN_URLS is not: set both (or neither)');
  if (!secret) throw new Error('TURN_URLS is set but TURN_SECRET is not: set both (or neither)');
  const ttlText = env.TURN_TTL_S ?? String(DEFAULT_TURN_TTL_S);
  const ttlS = Number(ttlText);
  if (!/^\d+$/.test(ttlText) || ttlS < 60 || ttlS > 86400) throw new Error(`TURN_TTL_S: "${ttlText}" is not a whole number of seconds from 60 to 86400`);
  return { urls: parseTurnUrls(urls), secret, ttlS };
}

function parseFlags(argv: string[]): { host?: string; port?: string } {
  const flags: { host?: string; port?: string } = {};
  for (let i = 0; i < argv.length; i++) {
    const [name, inline] = argv[i].split('=', 2);
    if (name !== '--host' && name !== '--port') continue;
    const value = inline ?? argv[++i];
    if (value === undefined) throw new Error(`${name} needs a value`);
    flags[name === '--host' ? 'host' : 'port'] = value;
  }
  return flags;
}

export function withTrailingSlash(url: string): string {
  return url.endsWith('/') ? url : `${url}/`;
}
