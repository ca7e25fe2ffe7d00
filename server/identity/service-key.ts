/** The service's ES256 key: generated on first start, kept in the store so certificates survive restarts. */
import { exportJWK, generateKeyPair, importJWK, type CryptoKey } from 'jose';
import type { PublicJwk } from '../../lib/wire';
import type { Store } from '../store/store';

export interface ServiceKey {
  privateKey: CryptoKey;
  publicJwk: PublicJwk;
}

export async function loadOrCreateServiceKey(store: Store): Promise<ServiceKey> {
  let jwk = await store.getServiceKey();
  if (!jwk) {
    const { privateKey } = await generateKeyPair('ES256', { extractable: true });
    jwk = (await exportJWK(privateKey)) as JsonWebKey;
    await store.saveServiceKey(jwk);
  }
  const privateKey = (await importJWK(jwk as Parameters<typeof importJWK>[0], 'ES256')) as CryptoKey;
  const { x, y } = jwk;
  if (!x || !y) throw new Error('stored service key is not an EC key');
  return { privateKey, publicJwk: { kty: 'EC', crv: 'P-256', x, y } };
}
