/**
 * coturn's REST-API credentials (`use-auth-secret` + `static-auth-secret`): the service and coturn
 * share one secret and nothing else. A username is `<unix expiry>:<deviceId>`; its password is
 * base64(HMAC-SHA1(secret, username)). coturn recomputes it and refuses it after the expiry.
 */
import { createHmac } from 'node:crypto';
import type { IceServer } from '../../lib/wire';
import type { TurnConfig } from '../config';

interface TurnCredential {
  username: string;
  credential: string;
}

export function turnCredential(secret: string, deviceId: string, expiresAtS: number): TurnCredential {
  const username = `${expiresAtS}:${deviceId}`;
  return { username, credential: createHmac('sha1', secret).update(username).digest('base64') };
}

/** What a device gets in `registered` and `ice-servers`: nothing without TURN (host candidates only). */
export function iceServersFor(turn: TurnConfig | null, deviceId: string, nowMs: number): IceServer[] {
  if (!turn) return [];
  const expiresAtS = Math.floor(nowMs / 1000) + turn.ttlS;
  return [{ urls: [...turn.urls], ...turnCredential(turn.secret, deviceId, expiresAtS) }];
}

/** Fresh credentials go out at this share of their lifetime, well before coturn refuses them. */
export const RENEW_AT = 0.8;

export function renewalDelayMs(turn: TurnConfig): number {
  return Math.max(1, Math.floor(turn.ttlS * 1000 * RENEW_AT));
}
