/**
 * Vitest global setup for the e2e project: Birdcall's service (open mode: no X sign-in, handles
 * first come per device) and one build of the extension pointed at it, shared by every e2e test
 * file (they run one after another). Tests that need X sign-in start their own service and fake X
 * and point the browser at it (harness `useService`).
 */
import { spawn } from 'node:child_process';
import { existsSync, mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join, resolve } from 'node:path';
import { fileURLToPath } from 'node:url';
import type { TestProject } from 'vitest/node';
import { findChromium } from './harness/chromium';
import { startService } from './harness/service';

declare module 'vitest' {
  export interface ProvidedContext {
    /** Birdcall's service the extension was built against, e.g. "http://127.0.0.1:41234/". */
    signalUrl: string;
    /** The built, unpacked extension (the dir holding manifest.json). */
    extensionDir: string;
  }
}

const ROOT = resolve(fileURLToPath(new URL('../..', import.meta.url)));

export default async function setup({ provide }: TestProject) {
  const chromium = findChromium(); // fails early with how to install one
  const started = Date.now();
  const server = await startService();
  const outDir = mkdtempSync(join(tmpdir(), 'birdcall-e2e-build-'));
  try {
    const buildStarted = Date.now();
    await buildExtension({ BIRDCALL_SIGNAL_URL: server.url, BIRDCALL_OUT_DIR: outDir });
    const extensionDir = join(outDir, 'chrome-mv3');
    if (!existsSync(join(extensionDir, 'manifest.json'))) {
      throw new Error(`wxt build finished but ${extensionDir}/manifest.json is missing`);
    }
    console.log(
      `[e2e] service ${server.url} | extension built in ${Date.now() - buildStarted} ms at ${extensionDir} | chromium ${chromium} | setup ${Date.now() - started} ms`,
    );
    provide('signalUrl', server.url);
    provide('extensionDir', extensionDir);
  } catch (error) {
    await server.close();
    rmSync(outDir, { recursive: true, force: true });
    throw error;
  }

  return async function teardown() {
    await server.close();
    if (process.env.BIRDCALL_E2E_KEEP_BUILD !== '1') rmSync(outDir, { recursive: true, force: true });
  };
}

/** `npx wxt build` (plus `args`, e.g. `-b firefox --mv3`) with the given env; its output is shown only when it fails. */
export function buildExtension(env: Record<string, string>, args: string[] = []): Promise<void> {
  return new Promise((resolveBuild, reject) => {
    const child = spawn('npx', ['wxt', 'build', ...args], {
      cwd: ROOT,
      env: { ...process.env, ...env },
      stdio: ['ignore', 'pipe', 'pipe'],
    });
    let output = '';
    child.stdout.on('data', (chunk: Buffer) => (output += chunk.toString()));
    child.stderr.on('data', (chunk: Buffer) => (output += chunk.toString()));
    child.once('error', (error) => reject(new Error(`could not run npx wxt build: ${error.message}`)));
    child.once('exit', (code, signal) => {
      if (code === 0) return resolveBuild();
      process.stderr.write(output);
      reject(
        new Error(
          `Building the extension for e2e failed (npx wxt build ${args.join(' ')}, ${signal ?? `exit code ${code}`}, ` +
            `BIRDCALL_SIGNAL_URL=${env.BIRDCALL_SIGNAL_URL} BIRDCALL_OUT_DIR=${env.BIRDCALL_OUT_DIR}). Its output is above; last lines:\n` +
            output.trim().split('\n').slice(-15).join('\n'),
        ),
      );
    });
  });
}
