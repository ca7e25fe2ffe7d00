/**
 * `npm run turn`: a local coturn matching the service's TURN settings, until SIGTERM or SIGINT.
 * TURN_SECRET (default: a new one, printed) and TURN_PORT (default 3478). coturn's log goes to
 * stderr; stdout carries only these two lines, to paste into the service's environment:
 *   BIRDCALL_TURN_URLS=turn:127.0.0.1:<port>?transport=udp,turn:127.0.0.1:<port>?transport=tcp
 *   BIRDCALL_TURN_SECRET=<secret>
 */
import { newTurnSecret, startCoturn } from './coturn';

const secret = process.env.TURN_SECRET || newTurnSecret();
const port = Number(process.env.TURN_PORT || 3478);
if (!Number.isInteger(port) || port < 1 || port > 65535) {
  process.stderr.write(`TURN_PORT: "${process.env.TURN_PORT}" is not a port number\n`);
  process.exit(1);
}

let coturn;
try {
  coturn = await startCoturn({ secret, port, onLog: (line) => process.stderr.write(`coturn: ${line}\n`) });
} catch (error) {
  process.stderr.write(`${(error as Error).message}\n`);
  process.exit(1);
}
process.stdout.write(`BIRDCALL_TURN_URLS=${coturn.urls.join(',')}\nBIRDCALL_TURN_SECRET=${secret}\n`);

let stopping = false;
const stop = async () => {
  if (stopping) return;
  stopping = true;
  await coturn.close();
  process.exit(0);
};
process.on('SIGTERM', stop);
process.on('SIGINT', stop);
