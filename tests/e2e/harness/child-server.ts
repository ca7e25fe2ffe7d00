/**
 * A server in a Node child process, for the e2e harness (service.ts) and the bench
 * (bench/lib/peer-server.ts): a child process so tests can kill and restart it, its output
 * captured for failure messages, and a safety net that kills it when the test process exits.
 *
 * The child must print a line like `NAME=<url>` once listening; `urlLine` finds it (first group).
 */
import { spawn, type ChildProcess } from 'node:child_process';

export interface ChildServerOptions {
  /** Arguments to node (process.execPath), e.g. [script, '--port', '0']. */
  args: string[];
  /** The file being run, for the message when node cannot be run at all. */
  entry: string;
  /** What the server is, for messages, e.g. "Birdcall service". */
  what: string;
  /** The line announcing the URL; its first group is the URL, e.g. /^BIRDCALL_SERVICE_URL=(\S+)$/m. */
  urlLine: RegExp;
  /** The child's whole environment. Default: this process's. */
  env?: NodeJS.ProcessEnv;
  cwd?: string;
  /** How long to wait for the URL line. */
  timeoutMs: number;
  /**
   * Clean-up once the child has gone (e.g. removing its data directory): after close(), after a
   * failed start, or from the safety net when the test process exits.
   */
  onGone?: () => void;
}

export interface ChildServer {
  /** The URL the child announced. */
  url: string;
  port: number;
  /** The child's recent output (stdout and stderr, last 20 000 characters). */
  logs(): string;
  /** Stops the child (SIGTERM, SIGKILL after 3 s); resolves when it has exited. Idempotent. */
  close(): Promise<void>;
  /** Resolves when the child has exited, however. */
  exited: Promise<void>;
}

const MAX_OUTPUT = 20_000;
const KILL_AFTER_MS = 3000;

export async function startChildServer(options: ChildServerOptions): Promise<ChildServer> {
  const { args, entry, what, urlLine, env, cwd, timeoutMs, onGone = () => {} } = options;
  const child = spawn(process.execPath, args, { cwd, env, stdio: ['ignore', 'pipe', 'pipe'] });
  let output = '';
  const append = (chunk: Buffer) => {
    output = (output + chunk.toString()).slice(-MAX_OUTPUT);
  };
  child.stdout!.on('data', append);
  child.stderr!.on('data', append);
  const exited = new Promise<void>((resolve) => child.once('exit', () => resolve()));
  const running = () => child.exitCode === null && child.signalCode === null;
  live.set(child, onGone);

  let url: string;
  try {
    url = await new Promise<string>((resolve, reject) => {
      const timer = setTimeout(() => {
        child.kill('SIGKILL');
        reject(new Error(`${what} did not start within ${timeoutMs} ms. Output:\n${output}`));
      }, timeoutMs);
      const onData = () => {
        const match = urlLine.exec(output);
        if (match) {
          clearTimeout(timer);
          child.stdout!.off('data', onData);
          resolve(match[1]!);
        }
      };
      child.stdout!.on('data', onData);
      child.once('exit', (code, signal) => {
        clearTimeout(timer);
        reject(new Error(`${what} exited (${signal ?? `code ${code}`}) before listening. Output:\n${output}`));
      });
      child.once('error', (error) => {
        clearTimeout(timer);
        reject(new Error(`could not run ${entry}: ${error.message}`));
      });
    });
  } catch (error) {
    live.delete(child);
    if (child.pid !== undefined) {
      // Spawned: make sure it is gone. (Not spawned at all: no 'exit' may ever come.)
      if (running()) child.kill('SIGKILL');
      await exited;
    }
    onGone();
    throw error;
  }

  let closing: Promise<void> | undefined;
  return {
    url,
    port: Number(new URL(url).port),
    logs: () => output,
    exited,
    close() {
      closing ??= (async () => {
        live.delete(child);
        if (running()) {
          child.kill('SIGTERM');
          const timer = setTimeout(() => child.kill('SIGKILL'), KILL_AFTER_MS);
          await exited;
          clearTimeout(timer);
        }
        onGone();
      })();
      return closing;
    },
  };
}

// Safety net: never leave a server behind when the test process exits without closing it.
const live = new Map<ChildProcess, () => void>();
process.once('exit', () => {
  for (const [child, onGone] of live) {
    child.kill('SIGKILL');
    try {
      onGone();
    } catch {
      // best effort
    }
  }
});
