/** Registration: a verified hello becomes a session with an identity, a certificate and a PeerJS pair. */
import type { WebSocket } from 'ws';
import type { ClientMessage, Identity, ServerMessage } from '../../lib/wire';
import { issueCertificate } from '../identity/certificates';
import { verifyHello } from '../identity/hello';
import { newPeerId, randomToken } from '../random';
import type { DeviceRecord } from '../store/store';
import type { ControlDeps } from './control-socket';
import { send, type Session } from './session';

type Hello = Extract<ClientMessage, { type: 'hello' }>;

/** The session, or null when the signature is bad or the socket went away meanwhile. */
export async function register(ws: WebSocket, nonce: string, hello: Hello, deps: ControlDeps): Promise<Session | null> {
  const deviceId = await verifyHello(hello.publicKey, hello.signature, nonce);
  if (!deviceId) return null;
  let device = await deps.store.touchDevice(deviceId, hello.publicKey, deps.now());
  let handleTaken: string | null = null;
  if (!deps.x && !device.openHandle && hello.claim) {
    if ((await deps.store.claimOpenHandle(deviceId, hello.claim)) === 'taken') handleTaken = hello.claim;
    device = (await deps.store.getDevice(deviceId)) ?? device;
  }
  const identity = await identityOf(device, deps);
  const certificate = identity ? await issueCertificate(deps.serviceKey, identity, deviceId, deps.now()) : null;
  if (ws.readyState !== ws.OPEN) return null;
  const session: Session = {
    socket: ws,
    deviceId,
    xUserId: device.xUserId,
    identity,
    certificate,
    peerId: newPeerId(),
    peerToken: randomToken(),
    relay: null,
  };
  deps.sessions.add(session);
  send(session, registeredFrame(session, deps));
  deps.ice.schedule(session);
  if (handleTaken) send(session, { v: 1, type: 'refused', reason: 'handle-taken', detail: `@${handleTaken} is in use on another device` });
  // The same device back on a new socket: its accepted call (if any) moves to this session.
  deps.calls.deviceRegistered(session);
  return session;
}

/** Re-reads a session's device from the store and sends it a fresh `registered` (after an X binding changed). */
export async function refreshIdentity(session: Session, deps: ControlDeps): Promise<void> {
  const device = await deps.store.getDevice(session.deviceId);
  if (!device) return;
  session.xUserId = device.xUserId;
  session.identity = await identityOf(device, deps);
  session.certificate = session.identity ? await issueCertificate(deps.serviceKey, session.identity, session.deviceId, deps.now()) : null;
  send(session, registeredFrame(session, deps));
  if (deps.sessions.byPeer(session.peerId) === session) deps.ice.schedule(session);
}

/** X mode: the bound X user's current username, verified. Open mode: the device's first-come handle. */
async function identityOf(device: DeviceRecord, deps: ControlDeps): Promise<Identity | null> {
  if (!deps.x) return device.openHandle ? { handle: device.openHandle, verified: false } : null;
  if (!device.xUserId) return null;
  const user = await deps.store.getXUser(device.xUserId);
  return user?.username ? { handle: user.username, verified: true } : null;
}

function registeredFrame(session: Session, deps: ControlDeps): ServerMessage {
  return {
    v: 1,
    type: 'registered',
    deviceId: session.deviceId,
    identity: session.identity,
    certificate: session.certificate,
    serviceKey: deps.serviceKey.publicJwk,
    peerId: session.peerId,
    peerToken: session.peerToken,
    /** TURN credentials only ever go to a signed-in device whose hello was verified (this frame). */
    iceServers: deps.ice.iceServers(session),
    signIn: deps.x !== null,
  };
}
