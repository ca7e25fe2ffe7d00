/**
 * The bench's bare PeerServer for the PeerJS baselines (Birdcall's own service relays PeerJS
 * signaling only within an accepted call): runs ./peerjs-server.mjs in a child process on a free
 * port of 127.0.0.1. A child process rather than an in-process PeerServer because `peer` keeps
 * housekeeping timers that cannot be stopped, which would keep the test runner alive; killing the
 * child ends them, and tests can also kill the server to see how Birdcall copes.
 */
import { fileURLToPath } from 'node:url';
import { startChildServer } from '../../tests/e2e/harness/child-server';

export const SIGNAL_SCRIPT = fileURLToPath(new URL('./peerjs-server.mjs', import.meta.url));

export interface RunningPeerServer {
  /** e.g. "http://127.0.0.1:41234/", in the form parseSignalUrl reads. */
  url: string;
  port: number;
  /** The server's recent output (connects/leaves), for failure messages. */
  logs(): string;
  /** Stops the server (SIGTERM, SIGKILL after 3 s); resolves when the process has exited. */
  close(): Promise<void>;
}

export interface PeerServerOptions {
  host?: string;
  /** 0 (default) picks a free port; pass a port to restart a server where it was. */
  port?: number;
  /** How long to wait for the server to listen. Default 15 s. */
  timeoutMs?: number;
}

export async function startPeerServer(options: PeerServerOptions = {}): Promise<RunningPeerServer> {
  const { host = '127.0.0.1', port = 0, timeoutMs = 15_000 } = options;
  const {
    url,
    port: actualPort,
    logs,
    close,
  } = await startChildServer({
    args: [SIGNAL_SCRIPT, '--host', host, '--port', String(port)],
    entry: SIGNAL_SCRIPT,
    what: 'signal server',
    urlLine: /^BIRDCALL_SIGNAL_URL=(\S+)$/m,
    timeoutMs,
  });
  return { url, port: actualPort, logs, close };
}
