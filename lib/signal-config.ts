import type { Phrase } from './i18n';

/** Where Birdcall's service is, in the parts PeerJS's Peer options want. */
export interface SignalServer {
  host: string;
  port: number;
  path: string;
  secure: boolean;
}

/** What `npm run signal` serves: the default when nothing else is configured. */
export const LOCAL_SIGNAL_URL = 'http://127.0.0.1:9000/';

/** The build-time default: BIRDCALL_SIGNAL_URL when set and valid, else the local service. */
export function defaultSignalUrl(fromEnv: string | undefined): string {
  if (!fromEnv) return LOCAL_SIGNAL_URL;
  const parsed = parseSignalUrl(fromEnv);
  if (!parsed.ok) throw new Error(`BIRDCALL_SIGNAL_URL "${fromEnv}" is not an http(s) URL without query, fragment or credentials`);
  return fromEnv;
}

type SignalUrlResult = { ok: true; server: SignalServer } | { ok: false; error: Phrase };

/** Parses "http(s)://host[:port][/path/]" into PeerJS options, with a reason when it cannot. */
export function parseSignalUrl(text: string): SignalUrlResult {
  let url: URL;
  try {
    url = new URL(text.trim());
  } catch {
    return { ok: false, error: { key: 'urlNotUrl', args: [text] } };
  }
  if (url.protocol !== 'http:' && url.protocol !== 'https:') {
    return { ok: false, error: { key: 'urlScheme', args: [text] } };
  }
  if (url.search || url.hash || url.username || url.password) {
    return { ok: false, error: { key: 'urlExtras', args: [text] } };
  }
  const secure = url.protocol === 'https:';
  const port = url.port ? Number(url.port) : secure ? 443 : 80;
  const path = url.pathname.endsWith('/') ? url.pathname : `${url.pathname}/`;
  return { ok: true, server: { host: url.hostname, port, path, secure } };
}

/** The service's control socket for a parsed service URL. */
export function controlSocketUrl(server: SignalServer): string {
  return `${server.secure ? 'wss' : 'ws'}://${server.host}:${server.port}${server.path}control`;
}
