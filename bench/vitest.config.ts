/**
 * `npm run bench`: one test file that measures (it asserts nothing about timings), with the e2e
 * project's global setup (Birdcall's service in open mode and a build of the extension pointed at
 * it). The baselines' bare PeerServer is started by the bench itself (lib/peer-server.ts).
 * Not part of `npm test`: the root config's projects do not include bench/.
 */
import { fileURLToPath } from 'node:url';
import { defineConfig } from 'vitest/config';

export default defineConfig({
  test: {
    root: fileURLToPath(new URL('..', import.meta.url)),
    include: ['bench/bench.test.ts'],
    environment: 'node',
    globalSetup: ['tests/e2e/global-setup.ts'],
    fileParallelism: false,
    testTimeout: 900_000,
    hookTimeout: 120_000,
    // The table goes straight to the terminal, not under vitest's per-test stdout header.
    disableConsoleIntercept: true,
  },
});
