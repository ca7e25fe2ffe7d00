import { describe, expect, it } from 'vitest';
import { loadConfig } from './config';

describe('config', () => {
  it('has defaults for everything but X', () => {
    expect(loadConfig({}, [])).toEqual({ host: '127.0.0.1', port: 9000, dataDir: '.birdcall/', publicUrl: null, x: null, logLevel: 'info', turn: null });
  });

  it('reads the environment, and flags win over it', () => {
    const env = {
      HOST: '0.0.0.0',
      PORT: '8000',
      BIRDCALL_PUBLIC_URL: 'https://call.example',
      X_CLIENT_ID: 'id',
      X_API_URL: 'http://x.test/',
      LOG_LEVEL: 'silent',
    };
    expect(loadConfig(env, ['--port', '0', '--host=::1'])).toEqual({
      host: '::1',
      port: 0,
      dataDir: '.birdcall/',
      publicUrl: 'https://call.example/',
      x: { clientId: 'id', clientSecret: null, authorizeUrl: 'https://x.com/i/oauth2/authorize', apiUrl: 'http://x.test' },
      logLevel: 'silent',
      turn: null,
    });
  });

  it('refuses a port that is not one', () => {
    expect(() => loadConfig({ PORT: 'http' }, [])).toThrow(/PORT/);
    expect(() => loadConfig({}, ['--port', '70000'])).toThrow(/PORT/);
  });
});
