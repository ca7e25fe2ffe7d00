/**
 * Runs Birdcall's own signaling service (server/main.ts, through tsx) in a child process on a free
 * port (./child-server.ts: a child process so tests can kill and restart it, its output captured
 * for failure messages, and a safety net that kills it when the test process exits).
 *
 * The service prints `BIRDCALL_SERVICE_URL=http://127.0.0.1:<port>/` once listening.
 * Set BIRDCALL_E2E_SERVICE_LOG (e.g. "debug") to change its LOG_LEVEL (default "warn").
 */
import { mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { fileURLToPath } from 'node:url';
import type { FakeX } from '../../fake-x/fake-x';
import { startChildServer } from './child-server';

export const REPO_ROOT = fileURLToPath(new URL('../../../', import.meta.url));
export const SERVICE_ENTRY = fileURLToPath(new URL('../../../server/main.ts', import.meta.url));

export interface RunningService {
  /** e.g. "http://127.0.0.1:41234/". */
  url: string;
  port: number;
  /** The data directory the service was given (BIRDCALL_DATA_DIR). */
  dataDir: string;
  /** The service's recent output, for failure messages. */
  logs(): string;
  /**
   * Stops the service (SIGTERM, SIGKILL after 3 s); resolves when the process has exited. A data
   * directory the harness created is removed too; one passed in is left alone.
   */
  close(): Promise<void>;
}

export interface ServiceOptions {
  host?: string;
  /** 0 (default) picks a free port; pass a port to restart a service where it was. */
  port?: number;
  /** Default: a fresh temp directory, removed on close. Pass one to keep (or reuse) the data. */
  dataDir?: string;
  /** Extra environment, e.g. X_CLIENT_ID, X_AUTHORIZE_URL, X_API_URL, BIRDCALL_PUBLIC_URL. */
  env?: Record<string, string>;
  /** How long to wait for the service to listen. Default 20 s (tsx compiles on first start). */
  timeoutMs?: number;
}

export async function startService(options: ServiceOptions = {}): Promise<RunningService> {
  const { host = '127.0.0.1', port = 0, timeoutMs = 20_000 } = options;
  const ownDataDir = options.dataDir === undefined;
  const dataDir = options.dataDir ?? mkdtempSync(join(tmpdir(), 'birdcall-service-'));
  const removeOwnDataDir = () => {
    if (ownDataDir) rmSync(dataDir, { recursive: true, force: true });
  };

  const {
    url,
    port: actualPort,
    logs,
    close,
  } = await startChildServer({
    args: ['--import', 'tsx', SERVICE_ENTRY, '--host', host, '--port', String(port)],
    entry: SERVICE_ENTRY,
    what: 'Birdcall service',
    urlLine: /^BIRDCALL_SERVICE_URL=(\S+)$/m,
    cwd: REPO_ROOT,
    env: {
      ...process.env,
      LOG_LEVEL: process.env.BIRDCALL_E2E_SERVICE_LOG ?? 'warn',
      BIRDCALL_DATA_DIR: dataDir,
      ...options.env,
    },
    timeoutMs,
    onGone: removeOwnDataDir,
  });
  return { url, port: actualPort, dataDir, logs, close };
}

/**
 * The service in X mode, talking to `fakeX`: passes X_CLIENT_ID (the fake's client id, unless
 * `extra.clientId` says otherwise), X_CLIENT_SECRET (when the fake has one), X_AUTHORIZE_URL and
 * X_API_URL. `extra.env` is applied last and may override any of them.
 */
export function startXModeService(
  fakeX: FakeX,
  extra: Omit<ServiceOptions, 'env'> & { clientId?: string; env?: Record<string, string> } = {},
): Promise<RunningService> {
  const { clientId = fakeX.clientId, env, ...rest } = extra;
  return startService({
    ...rest,
    env: {
      X_CLIENT_ID: clientId,
      ...(fakeX.clientSecret !== undefined ? { X_CLIENT_SECRET: fakeX.clientSecret } : {}),
      X_AUTHORIZE_URL: fakeX.authorizeUrl,
      X_API_URL: fakeX.apiUrl,
      ...env,
    },
  });
}
