/**
 * The bench's bare PeerServer for the PeerJS baselines (Birdcall's own service relays PeerJS
 * signaling only within an accepted call): runs ./peerjs-server.mjs in a child process on a free
 * port of 127.0.0.1. A child process rather than an in-process PeerServer because `peer` keeps
 * housekeeping timers that cannot be stopped, which would keep the test runner alive; killing the
 * child ends them, and tests can also kill the server to see how Birdcall copes.
 */
import { spawn, type ChildProcess } from 'node:child_process';
import { fileURLToPath } from 'node:url';

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
  const child = spawn(process.execPath, [SIGNAL_SCRIPT, '--host', host, '--port', String(port)], {
    stdio: ['ignore', 'pipe', 'pipe'],
  });
  let output = '';
  const append = (chunk: Buffer) => {
    output = (output + chunk.toString()).slice(-20_000);
  };
  child.stdout!.on('data', append);
  child.stderr!.on('data', append);
  const exited = new Promise<void>((resolve) => child.once('exit', () => resolve()));

  const url = await new Promise<string>((resolve, reject) => {
    const timer = setTimeout(() => {
      child.kill('SIGKILL');
      reject(new Error(`signal server did not start within ${timeoutMs} ms. Output:\n${output}`));
    }, timeoutMs);
    const onData = () => {
      const match = /^BIRDCALL_SIGNAL_URL=(\S+)$/m.exec(output);
      if (match) {
        clearTimeout(timer);
        resolve(match[1]!);
      }
    };
    child.stdout!.on('data', onData);
    child.once('exit', (code, signal) => {
      clearTimeout(timer);
      reject(new Error(`signal server exited (${signal ?? `code ${code}`}) before listening. Output:\n${output}`));
    });
    child.once('error', (error) => {
      clearTimeout(timer);
      reject(new Error(`could not run ${SIGNAL_SCRIPT}: ${error.message}`));
    });
  });
  live.add(child);

  return {
    url,
    port: Number(new URL(url).port),
    logs: () => output,
    async close() {
      live.delete(child);
      if (child.exitCode !== null || child.signalCode !== null) return;
      child.kill('SIGTERM');
      const timer = setTimeout(() => child.kill('SIGKILL'), 3000);
      await exited;
      clearTimeout(timer);
    },
  };
}

// Safety net: never leave a server behind when the test process exits without closing it.
const live = new Set<ChildProcess>();
process.once('exit', () => {
  for (const child of live) child.kill('SIGKILL');
});
