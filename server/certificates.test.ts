import { SignJWT, decodeJwt, errors, importJWK, jwtVerify } from 'jose';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { CERTIFICATE_TTL_S } from '../lib/wire';
import { issueCertificate } from './identity/certificates';
import { loadOrCreateServiceKey } from './identity/service-key';
import { openSqliteStore } from './store/sqlite-store';
import { TestDevice } from './test-support/device';
import { startTestService, tempDataDir } from './test-support/test-service';
import type { RunningService } from './service';

let service: RunningService;
beforeAll(async () => {
  service = await startTestService();
});
afterAll(() => service.close());

describe('certificates', () => {
  it('are signed by the service key and say who the device is', async () => {
    const device = await TestDevice.create();
    const registered = await device.connect(service, 'alice');
    const key = await importJWK(registered.serviceKey, 'ES256');
    const { payload, protectedHeader } = await jwtVerify(registered.certificate!, key);
    expect(protectedHeader.alg).toBe('ES256');
    expect(payload).toMatchObject({ handle: 'alice', verified: false, device: registered.deviceId });
    expect(payload.exp! - payload.iat!).toBe(CERTIFICATE_TTL_S);
    expect(Math.abs(payload.iat! - Date.now() / 1000)).toBeLessThan(5);
  });

  it('are null without an identity', async () => {
    const device = await TestDevice.create();
    expect((await device.connect(service)).certificate).toBeNull();
  });

  it('fail when tampered with', async () => {
    const device = await TestDevice.create();
    const registered = await device.connect(service, 'bob');
    const [header, , signature] = registered.certificate!.split('.');
    const claims = { ...decodeJwt(registered.certificate!), handle: 'carol' };
    const tampered = `${header}.${Buffer.from(JSON.stringify(claims)).toString('base64url')}.${signature}`;
    await expect(jwtVerify(tampered, await importJWK(registered.serviceKey, 'ES256'))).rejects.toBeInstanceOf(errors.JWSSignatureVerificationFailed);
    const otherKey = await new SignJWT(claims)
      .setProtectedHeader({ alg: 'ES256' })
      .sign((await loadOrCreateServiceKey(openSqliteStore(tempDataDir()))).privateKey);
    await expect(jwtVerify(otherKey, await importJWK(registered.serviceKey, 'ES256'))).rejects.toBeInstanceOf(errors.JWSSignatureVerificationFailed);
  });

  it('fail once expired', async () => {
    const store = openSqliteStore(tempDataDir());
    const key = await loadOrCreateServiceKey(store);
    const longAgo = Date.now() - (CERTIFICATE_TTL_S + 60) * 1000;
    const certificate = await issueCertificate(key, { handle: 'alice' as never, verified: true }, 'device', longAgo);
    await expect(jwtVerify(certificate, await importJWK(key.publicJwk, 'ES256'))).rejects.toBeInstanceOf(errors.JWTExpired);
    await store.close();
  });
});
