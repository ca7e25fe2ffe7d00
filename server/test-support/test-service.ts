/** Starts the real service in-process for a test: port 0, a fresh temp data dir, quiet logs. */
import { mkdtempSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { startService, type RunningService, type ServiceOptions } from '../service';

export function tempDataDir(): string {
  return mkdtempSync(join(tmpdir(), 'birdcall-service-'));
}

export function startTestService(options: Partial<ServiceOptions> = {}): Promise<RunningService> {
  return startService({ host: '127.0.0.1', port: 0, logLevel: 'silent', dataDir: options.dataDir ?? tempDataDir(), ...options });
}

export function wsUrl(service: RunningService, pathAndQuery: string): string {
  return `${service.url.replace(/^http/, 'ws')}${pathAndQuery.replace(/^\//, '')}`;
}
