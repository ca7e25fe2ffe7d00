/** TURN server URLs as the service hands them to browsers (RFC 7065), checked before the service starts. */

/** Browsers accept at most this many URLs per ICE server in practice; the wire allows 8. */
const MAX_TURN_URLS = 8;

const HOST = String.raw`(?:\d{1,3}(?:\.\d{1,3}){3}|\[[0-9A-Fa-f:.]+\]|[A-Za-z0-9](?:[A-Za-z0-9-]{0,61}[A-Za-z0-9])?(?:\.[A-Za-z0-9](?:[A-Za-z0-9-]{0,61}[A-Za-z0-9])?)*)`;
const TURN_URL = new RegExp(String.raw`^turns?:${HOST}(?::(\d{1,5}))?(?:\?transport=(?:udp|tcp))?$`);

/** The reason a URL is not a turn:/turns: URL, or null when it is one. */
function turnUrlProblem(url: string): string | null {
  if (url.length > 300) return 'is longer than 300 characters';
  const match = TURN_URL.exec(url);
  if (!match) return 'is not turn:<host>[:<port>][?transport=udp|tcp] or turns:…';
  if (match[1] !== undefined && (Number(match[1]) < 1 || Number(match[1]) > 65535)) return 'has a port outside 1-65535';
  return null;
}

/** Splits TURN_URLS (comma-separated) and checks each one; throws with every bad URL named. */
export function parseTurnUrls(list: string): string[] {
  const urls = list
    .split(',')
    .map((u) => u.trim())
    .filter((u) => u !== '');
  if (urls.length === 0) throw new Error('TURN_URLS: no URL given');
  if (urls.length > MAX_TURN_URLS) throw new Error(`TURN_URLS: ${urls.length} URLs, at most ${MAX_TURN_URLS}`);
  const problems = urls.flatMap((url) => {
    const problem = turnUrlProblem(url);
    return problem ? [`"${url}" ${problem}`] : [];
  });
  if (problems.length) throw new Error(`TURN_URLS: ${problems.join('; ')}`);
  return urls;
}
