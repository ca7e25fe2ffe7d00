import { describe, expect, it } from 'vitest';
import { loadConfig, loadTurnConfig } from '../config';
import { parseTurnUrls } from './urls';

const URLS = 'turn:127.0.0.1:3478?transport=udp, turn:127.0.0.1:3478?transport=tcp,turns:turn.example.com:5349';

describe('TURN config', () => {
  it('is off when nothing is set', () => {
    expect(loadTurnConfig({})).toBeNull();
    expect(loadConfig({}, []).turn).toBeNull();
  });

  it('reads TURN_URLS, TURN_SECRET and TURN_TTL_S (default 3600)', () => {
    expect(loadConfig({ TURN_URLS: URLS, TURN_SECRET: 's' }, []).turn).toEqual({
      urls: ['turn:127.0.0.1:3478?transport=udp', 'turn:127.0.0.1:3478?transport=tcp', 'turns:turn.example.com:5349'],
      secret: 's',
      ttlS: 3600,
    });
    expect(loadTurnConfig({ TURN_URLS: 'turn:[::1]', TURN_SECRET: 's', TURN_TTL_S: '600' })).toEqual({ urls: ['turn:[::1]'], secret: 's', ttlS: 600 });
  });

  it('needs the secret with the URLs, and the URLs with the secret', () => {
    expect(() => loadConfig({ TURN_URLS: URLS }, [])).toThrow('TURN_URLS is set but TURN_SECRET is not');
    expect(() => loadConfig({ TURN_SECRET: 's' }, [])).toThrow('TURN_SECRET is set but TURN_URLS is not');
    expect(() => loadConfig({ TURN_TTL_S: '600' }, [])).toThrow(/TURN_TTL_S is set/);
  });

  it('refuses a TTL that is not whole seconds from 60 to 86400', () => {
    for (const ttl of ['0', '59', '86401', '1.5', '-60', 'hour', '']) {
      expect(() => loadTurnConfig({ TURN_URLS: URLS, TURN_SECRET: 's', TURN_TTL_S: ttl }), ttl).toThrow(/TURN_TTL_S/);
    }
  });

  it('refuses URLs that are not turn: or turns:, naming each', () => {
    for (const bad of [
      'stun:127.0.0.1:3478',
      'http://turn.example',
      'turn://turn.example:3478',
      'turn:',
      'turn:host:0',
      'turn:host:70000',
      'turn:host?transport=sctp',
      'turn:user@host',
      'turn:ho st',
    ]) {
      expect(() => parseTurnUrls(bad), bad).toThrow(`TURN_URLS: "${bad}"`);
    }
    expect(() => loadConfig({ TURN_URLS: 'turn:ok.example,stun:bad.example', TURN_SECRET: 's' }, [])).toThrow(/"stun:bad\.example" is not turn:/);
    expect(() => parseTurnUrls(' , ')).toThrow('TURN_URLS: no URL given');
    expect(() => parseTurnUrls(Array(9).fill('turn:a.example').join(','))).toThrow('at most 8');
  });
});
