/** A test device's PeerJS relay socket (`/peerjs`), opened with a session peer id and token. */
import { WebSocket } from 'ws';
import type { RunningService } from '../service';
import type { TestDevice } from './device';
import { Inbox } from './inbox';
import { wsUrl } from './test-service';

/** A PeerJS frame as the relay sends it (the service sets `src`). */
export interface PeerJsFrame {
  type: string;
  src?: string;
  dst?: string;
  payload?: unknown;
}

/** A relay socket as PeerJS 1.5.5 opens it, whatever the id and token; not yet open. */
export function relaySocket(service: RunningService, peerId: string, token: string) {
  const ws = new WebSocket(wsUrl(service, `/peerjs?key=peerjs&id=${encodeURIComponent(peerId)}&token=${encodeURIComponent(token)}&version=1.5.5`));
  return { ws, inbox: new Inbox<PeerJsFrame>(ws), send: (frame: PeerJsFrame) => ws.send(JSON.stringify(frame)) };
}

/** The device's own relay socket; resolves once the relay said OPEN. */
export async function openRelay(service: RunningService, device: TestDevice) {
  const relay = relaySocket(service, device.peerId, device.registered.peerToken);
  await relay.inbox.next('OPEN');
  return relay;
}
