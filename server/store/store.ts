/**
 * What the service keeps across restarts. An interface, async, so another backend (Postgres)
 * can stand in for sqlite without touching the callers.
 */
import type { Handle } from '../../lib/handle';
import type { PublicJwk } from '../../lib/wire';

export interface DeviceRecord {
  deviceId: string;
  publicKey: PublicJwk;
  createdAt: number;
  lastSeenAt: number;
  xUserId: string | null;
  openHandle: Handle | null;
}

export interface XUserRecord {
  xUserId: string;
  username: Handle | null;
}

export interface Store {
  /** The service's signing key pair (private JWK), or null before the first start. */
  getServiceKey(): Promise<JsonWebKey | null>;
  saveServiceKey(privateJwk: JsonWebKey): Promise<void>;
  /** Inserts the device on first sight, else refreshes its last-seen time. */
  touchDevice(deviceId: string, publicKey: PublicJwk, now: number): Promise<DeviceRecord>;
  getDevice(deviceId: string): Promise<DeviceRecord | null>;
  /** Open mode: binds the handle to the device unless another device holds it. */
  claimOpenHandle(deviceId: string, handle: Handle): Promise<'bound' | 'taken'>;
  /**
   * Records that X says xUserId is called username now, and binds the device to it. Whoever held
   * that username before loses it (X moved the name); its id is returned so its devices can be told.
   */
  bindXUser(deviceId: string, xUserId: string, username: Handle): Promise<{ displacedXUserId: string | null }>;
  getXUser(xUserId: string): Promise<XUserRecord | null>;
  close(): Promise<void>;
}
