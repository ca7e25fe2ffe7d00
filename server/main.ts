/** `npm run signal`: runs the service from the environment (see config.ts) until SIGTERM or SIGINT. */
import { loadConfig } from './config';
import { startService } from './service';

/** A bad setting or a taken port: one clear line, no stack trace, a failing exit code. */
async function start() {
  try {
    return await startService(loadConfig());
  } catch (error) {
    process.stderr.write(`birdcall service: ${error instanceof Error ? error.message : String(error)}\n`);
    process.exit(1);
  }
}

const service = await start();
// The test harness reads this exact line to find the service.
process.stdout.write(`BIRDCALL_SERVICE_URL=${service.url}\n`);

let stopping = false;
const stop = async () => {
  if (stopping) return;
  stopping = true;
  await service.close();
  process.exit(0);
};
process.on('SIGTERM', stop);
process.on('SIGINT', stop);
