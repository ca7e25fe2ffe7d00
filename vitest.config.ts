import { defineConfig } from 'vitest/config';
import { WxtVitest } from 'wxt/testing/vitest-plugin';
import { LOCAL_SIGNAL_URL } from './lib/signal-config';

export default defineConfig({
  test: {
    projects: [
      {
        plugins: [WxtVitest()],
        // WxtVitest does not apply wxt.config's `define`; unit tests see the public default.
        define: { __BIRDCALL_SIGNAL_URL__: JSON.stringify(LOCAL_SIGNAL_URL) },
        test: {
          name: 'unit',
          include: ['lib/**/*.test.ts', 'entrypoints/**/*.test.ts', 'components/**/*.test.{ts,tsx}', 'tests/unit/**/*.test.{ts,tsx}'],
          environment: 'happy-dom',
          setupFiles: ['tests/unit/locale.ts'],
        },
      },
      {
        test: {
          name: 'server',
          include: ['server/**/*.test.ts', 'lib/wire.test.ts'],
          environment: 'node',
          env: { LOG_LEVEL: 'silent' },
        },
      },
      {
        test: {
          name: 'e2e',
          include: ['tests/e2e/**/*.test.ts'],
          environment: 'node',
          globalSetup: ['tests/e2e/global-setup.ts'],
          fileParallelism: false,
          testTimeout: 120_000,
          hookTimeout: 120_000,
        },
      },
    ],
  },
});
