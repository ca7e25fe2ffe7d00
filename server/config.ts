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
 */
export interface XConfig {
  clientId: string;
  clientSecret: string | null;
  authorizeUrl: string;
  apiUrl: string;
}

export interface ServiceConfig {
  host: string;
  port: number;
  dataDir: string;
  /** Null: derived from the bound address once listening. */
  publicUrl: string | null;
  /** Null: open mode. */
  x: XConfig | null;
  logLevel: string;
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
  };
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
