import { webcrypto } from 'node:crypto';
import { describe, expect, it, vi } from 'vitest';
import { WebSocket } from 'ws';
import type { Session } from '../control/session';
import { iceServersFor, renewalDelayMs, turnCredential } from './credentials';
import { IceRenewals } from './renewal';

const turn = { urls: ['turn:turn.example:3478?transport=udp', 'turns:turn.example:5349'], secret: 'the secret', ttlS: 3600 };

describe('TURN REST credentials', () => {
  it('match a vector computed outside Node (openssl dgst -sha1 -hmac ... -binary | base64)', () => {
    // echo -n "1700000000:AbC-_x" | openssl dgst -sha1 -hmac "the secret" -binary | base64
    expect(turnCredential('the secret', 'AbC-_x', 1_700_000_000)).toEqual({ username: '1700000000:AbC-_x', credential: 'PgpNYQdakk7FMdDYMm7dos4+v6g=' });
    // echo -n "1796180268:dev1" | openssl dgst -sha1 -hmac s3cret -binary | base64
    expect(turnCredential('s3cret', 'dev1', 1_796_180_268).credential).toBe('kUWzk0NChS0hjCwyj3InBXwX3N4=');
  });

  it('are HMAC-SHA1 over the username, as WebCrypto computes it', async () => {
    const { username, credential } = turnCredential('another secret', 'device-id_1', 1_234_567_890);
    const key = await webcrypto.subtle.importKey('raw', new TextEncoder().encode('another secret'), { name: 'HMAC', hash: 'SHA-1' }, false, ['sign']);
    const mac = await webcrypto.subtle.sign('HMAC', key, new TextEncoder().encode(username));
    expect(username).toBe('1234567890:device-id_1');
    expect(credential).toBe(Buffer.from(mac).toString('base64'));
  });

  it('expire TTL seconds after the clock, and are empty without TURN', () => {
    const servers = iceServersFor(turn, 'dev', 1_700_000_000_999);
    expect(servers).toEqual([{ urls: turn.urls, username: '1700003600:dev', credential: turnCredential('the secret', 'dev', 1_700_003_600).credential }]);
    expect(iceServersFor(null, 'dev', Date.now())).toEqual([]);
    expect(renewalDelayMs(turn)).toBe(2_880_000);
  });
});

describe('IceRenewals', () => {
  const fakeSession = (deviceId: string) => {
    const sent: string[] = [];
    const socket = { readyState: WebSocket.OPEN, OPEN: WebSocket.OPEN, send: (text: string) => sent.push(text) };
    return { session: { socket, deviceId, peerId: `bc${deviceId}`, identity: { handle: deviceId, verified: false } } as unknown as Session, sent };
  };

  it('keeps one timer per session, renews at 80% of the TTL with the moved clock, and stops', () => {
    vi.useFakeTimers();
    try {
      let clock = 1_000_000_000_000;
      const renewals = new IceRenewals({ ...turn, ttlS: 100 }, () => clock);
      const a = fakeSession('a');
      const b = fakeSession('b');
      renewals.schedule(a.session);
      renewals.schedule(a.session);
      renewals.schedule(b.session);
      expect(renewals.size).toBe(2);
      clock += 80_000;
      vi.advanceTimersByTime(79_999);
      expect(a.sent).toEqual([]);
      vi.advanceTimersByTime(1);
      expect(a.sent.map((t) => JSON.parse(t))).toEqual([{ v: 1, type: 'ice-servers', iceServers: iceServersFor({ ...turn, ttlS: 100 }, 'a', clock) }]);
      expect(JSON.parse(a.sent[0]).iceServers[0].username).toBe(`${1_000_000_000 + 80 + 100}:a`);
      renewals.stop(a.session);
      expect(renewals.size).toBe(1);
      vi.advanceTimersByTime(80_000);
      expect(a.sent).toHaveLength(1);
      expect(b.sent).toHaveLength(2);
      renewals.close();
      expect(renewals.size).toBe(0);
      vi.advanceTimersByTime(1_000_000);
      expect(b.sent).toHaveLength(2);
    } finally {
      vi.useRealTimers();
    }
  });

  it('does nothing without TURN', () => {
    const renewals = new IceRenewals(null, Date.now);
    const { session } = fakeSession('a');
    renewals.schedule(session);
    expect(renewals.size).toBe(0);
    expect(renewals.iceServers(session)).toEqual([]);
  });
});
