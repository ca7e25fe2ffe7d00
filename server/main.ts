/** `npm run signal`: runs the service from the environment (see config.ts) until SIGTERM or SIGINT. */
import { loadConfig } from './config';
import { startService } from './service';

const config = loadConfig();
const service = await startService(config);
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
