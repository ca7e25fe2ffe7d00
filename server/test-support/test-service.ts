/** Starts the real service in-process for a test: port 0, a fresh temp data dir, quiet logs. */
import { mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterAll } from 'vitest';
import { startService, type RunningService, type ServiceOptions } from '../service';

const made: string[] = [];
// Every data dir a test file made goes when the file is done.
afterAll(() => {
  for (const dir of made.splice(0)) rmSync(dir, { recursive: true, force: true });
});

export function tempDataDir(): string {
  const dir = mkdtempSync(join(tmpdir(), 'birdcall-service-'));
  made.push(dir);
  return dir;
}

export function startTestService(options: Partial<ServiceOptions> = {}): Promise<RunningService> {
  return startService({ host: '127.0.0.1', port: 0, logLevel: 'silent', dataDir: options.dataDir ?? tempDataDir(), ...options });
}

export function wsUrl(service: RunningService, pathAndQuery: string): string {
  return `${service.url.replace(/^http/, 'ws')}${pathAndQuery.replace(/^\//, '')}`;
}
