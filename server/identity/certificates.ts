/** Certificates: a JWS by the service saying "this device key is @handle here", checked by the other side of a call. */
import { SignJWT } from 'jose';
import { CERTIFICATE_TTL_S, type Identity } from '../../lib/wire';
import type { ServiceKey } from './service-key';

export function issueCertificate(key: ServiceKey, identity: Identity, deviceId: string, nowMs: number): Promise<string> {
  const iat = Math.floor(nowMs / 1000);
  return new SignJWT({ handle: identity.handle, verified: identity.verified, device: deviceId })
    .setProtectedHeader({ alg: 'ES256' })
    .setIssuedAt(iat)
    .setExpirationTime(iat + CERTIFICATE_TTL_S)
    .sign(key.privateKey);
}
