import { accessSync, constants } from 'node:fs';

export const DEBIAN_CHROMIUM = '/usr/lib/chromium/chromium';

/**
 * The Chromium binary for the e2e tests: $CHROME_PATH, else Debian's chromium. Not the
 * /usr/bin/chromium wrapper, which prints shell noise and adds its own flags.
 */
export function findChromium(): string {
  const fromEnv = process.env.CHROME_PATH;
  if (fromEnv) {
    if (!isExecutable(fromEnv)) {
      throw new Error(`CHROME_PATH=${fromEnv} is not an executable file. Point it at a Chromium/Chrome binary.`);
    }
    return fromEnv;
  }
  if (isExecutable(DEBIAN_CHROMIUM)) return DEBIAN_CHROMIUM;
  throw new Error(
    `No Chromium found for the e2e tests (looked at $CHROME_PATH and ${DEBIAN_CHROMIUM}). ` +
      'Install it with `apt-get install -y chromium` (Debian/Ubuntu), or set CHROME_PATH to a Chromium or Chrome binary.',
  );
}

function isExecutable(path: string): boolean {
  try {
    accessSync(path, constants.X_OK);
    return true;
  } catch {
    return false;
  }
}
