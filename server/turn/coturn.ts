/**
 * A local coturn for development and tests, set up like the service expects its deployment's TURN:
 * REST credentials from a shared secret (`use-auth-secret`), on loopback by default (or one given
 * local address, e.g. a test bridge's), plain UDP and TCP.
 */
import { spawn } from 'node:child_process';
import { randomBytes } from 'node:crypto';
import { createSocket } from 'node:dgram';
import { mkdtempSync, rmSync, writeFileSync } from 'node:fs';
import { connect, createServer } from 'node:net';
import { tmpdir } from 'node:os';
import { join } from 'node:path';

const COTURN_REALM = 'birdcall.local';
/** coturn's relay ports; the listening port is never picked from here. */
const RELAY_PORTS = { min: 49160, max: 49200 } as const;
const LOOPBACK = '127.0.0.1';
const MISSING = 'turnserver (coturn) is not installed: apt-get install coturn';

interface CoturnOptions {
  secret: string;
  /**
   * The local IPv4 address coturn listens and allocates relays on (listening-ip and relay-ip).
   * Default 127.0.0.1.
   */
  host?: string;
  /** Listening port for UDP and TCP; default: a free one on `host` (coturn has no port 0). */
  port?: number;
  /** Each line coturn logs. */
  onLog?: (line: string) => void;
  /** How long to wait for coturn to answer STUN. Default 10 s. */
  startTimeoutMs?: number;
}

export interface RunningCoturn {
  /** turn:<host>:<port>?transport=udp and …tcp, for TURN_URLS. */
  urls: string[];
  /** The address it listens and relays on. */
  host: string;
  port: number;
  secret: string;
  /** The last lines coturn logged. */
  log(): string[];
  close(): Promise<void>;
}

export function newTurnSecret(): string {
  return randomBytes(32).toString('base64url');
}

function coturnConfig(secret: string, port: number, dir: string, host: string = LOOPBACK): string {
  return [
    `listening-ip=${host}`,
    `relay-ip=${host}`,
    `listening-port=${port}`,
    'use-auth-secret',
    `static-auth-secret=${secret}`,
    `realm=${COTURN_REALM}`,
    'no-tls',
    'no-dtls',
    'no-cli',
    'no-rfc5780',
    'allow-loopback-peers',
    `min-port=${RELAY_PORTS.min}`,
    `max-port=${RELAY_PORTS.max}`,
    'fingerprint',
    'no-multicast-peers',
    'log-file=stdout',
    'simple-log',
    // Kept out of /var: this coturn leaves nothing behind.
    `pidfile=${join(dir, 'turnserver.pid')}`,
    `userdb=${join(dir, 'turndb')}`,
    '',
  ].join('\n');
}

/** Starts turnserver and resolves once it answers a STUN Binding request on UDP and accepts TCP. */
export async function startCoturn(options: CoturnOptions): Promise<RunningCoturn> {
  if (!options.secret) throw new Error('startCoturn: a secret is required');
  const host = options.host ?? LOOPBACK;
  const port = options.port ?? (await freeLoopbackPort(host));
  const dir = mkdtempSync(join(tmpdir(), 'birdcall-coturn-'));
  const configFile = join(dir, 'turnserver.conf');
  writeFileSync(configFile, coturnConfig(options.secret, port, dir, host), { mode: 0o600 });

  const lines: string[] = [];
  const child = spawn('turnserver', ['-c', configFile], { stdio: ['ignore', 'pipe', 'pipe'] });
  const killOnExit = () => child.kill('SIGKILL');
  process.on('exit', killOnExit);
  let buffered = '';
  const onData = (chunk: Buffer) => {
    buffered += chunk.toString();
    const parts = buffered.split('\n');
    buffered = parts.pop() ?? '';
    for (const line of parts) {
      if (!line.trim()) continue;
      lines.push(line);
      if (lines.length > 200) lines.shift();
      options.onLog?.(line);
    }
  };
  child.stdout.on('data', onData);
  child.stderr.on('data', onData);
  const exited = new Promise<{ code: number | null; signal: string | null; error?: Error }>((resolve) => {
    child.once('exit', (code, signal) => resolve({ code, signal }));
    child.once('error', (error) => resolve({ code: null, signal: null, error }));
  });

  let closing: Promise<void> | null = null;
  const close = () =>
    (closing ??= (async () => {
      process.off('exit', killOnExit);
      if (child.exitCode === null && child.signalCode === null && child.pid !== undefined) {
        child.kill('SIGTERM');
        const timer = setTimeout(() => child.kill('SIGKILL'), 3000);
        await exited;
        clearTimeout(timer);
      }
      rmSync(dir, { recursive: true, force: true });
    })());

  const ready = waitUntilServing(host, port, options.startTimeoutMs ?? 10_000);
  const outcome = await Promise.race([ready.then(() => null), exited.then((exit) => exit)]).catch((error: Error) => ({ code: null, signal: null, error }));
  if (outcome) {
    ready.cancel();
    await close();
    const missing = outcome.error && (outcome.error as NodeJS.ErrnoException).code === 'ENOENT';
    if (missing) throw new Error(MISSING);
    const why = outcome.error ? outcome.error.message : `exited (code ${outcome.code}, signal ${outcome.signal})`;
    throw new Error(`coturn on ${host}:${port} did not start: ${why}\n${lines.slice(-20).join('\n')}`);
  }
  return {
    urls: [`turn:${host}:${port}?transport=udp`, `turn:${host}:${port}?transport=tcp`],
    host,
    port,
    secret: options.secret,
    log: () => [...lines],
    close,
  };
}

/** A port free for both UDP and TCP on `host` (default 127.0.0.1), outside coturn's relay range. */
async function freeLoopbackPort(host: string = LOOPBACK): Promise<number> {
  for (let attempt = 0; attempt < 50; attempt++) {
    const port = await new Promise<number>((resolve, reject) => {
      const server = createServer();
      server.once('error', reject);
      server.listen(0, host, () => {
        const address = server.address();
        const chosen = typeof address === 'object' && address ? address.port : 0;
        server.close(() => resolve(chosen));
      });
    });
    if (port >= RELAY_PORTS.min && port <= RELAY_PORTS.max) continue;
    const udpFree = await new Promise<boolean>((resolve) => {
      const socket = createSocket('udp4');
      socket.once('error', () => {
        socket.close();
        resolve(false);
      });
      socket.bind(port, host, () => socket.close(() => resolve(true)));
    });
    if (udpFree) return port;
  }
  throw new Error(`no free UDP+TCP port on ${host}`);
}

/** Retries a STUN Binding over UDP, then a TCP connect, until both answer or the time is up. */
function waitUntilServing(host: string, port: number, timeoutMs: number): Promise<void> & { cancel(): void } {
  let cancelled = false;
  const deadline = Date.now() + timeoutMs;
  const run = async () => {
    while (!cancelled) {
      if ((await stunBindingAnswers(port, 200, host)) && (await tcpAccepts(port, host))) return;
      if (Date.now() > deadline) throw new Error(`no STUN answer on ${host}:${port} within ${timeoutMs} ms`);
      await new Promise((resolve) => setTimeout(resolve, 100));
    }
  };
  return Object.assign(run(), { cancel: () => void (cancelled = true) });
}

/** True when a STUN Binding request (RFC 5389) to host:port (default 127.0.0.1) gets a success response. */
export function stunBindingAnswers(port: number, timeoutMs: number, host: string = LOOPBACK): Promise<boolean> {
  return new Promise((resolve) => {
    const socket = createSocket('udp4');
    const transaction = randomBytes(12);
    const request = Buffer.concat([Buffer.from([0x00, 0x01, 0x00, 0x00, 0x21, 0x12, 0xa4, 0x42]), transaction]);
    const done = (answer: boolean) => {
      clearTimeout(timer);
      socket.close();
      resolve(answer);
    };
    const timer = setTimeout(() => done(false), timeoutMs);
    socket.on('error', () => done(false));
    socket.on('message', (reply) => {
      if (reply.length >= 20 && reply.readUInt16BE(0) === 0x0101 && reply.subarray(8, 20).equals(transaction)) done(true);
    });
    socket.send(request, port, host);
  });
}

function tcpAccepts(port: number, host: string): Promise<boolean> {
  return new Promise((resolve) => {
    const socket = connect(port, host);
    socket.once('connect', () => {
      socket.destroy();
      resolve(true);
    });
    socket.once('error', () => resolve(false));
  });
}
