/**
 * Against a real coturn (Debian's `coturn` package; CI installs it): credentials the service hands
 * a registered device allocate a relay and carry data through it; wrong or expired ones are refused.
 * Loopback only.
 */
import { spawn } from 'node:child_process';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import type { RunningService } from '../service';
import { TestDevice } from '../test-support/device';
import { startTestService } from '../test-support/test-service';
import { newTurnSecret, startCoturn, stunBindingAnswers, type RunningCoturn } from './coturn';

interface UclientResult {
  code: number | null;
  output: string;
}

/** turnutils_uclient -y: two clients on loopback allocate relays and send each other data through them. */
function uclient(port: number, username: string, password: string, extra: string[] = []): Promise<UclientResult> {
  return new Promise((resolve, reject) => {
    const child = spawn('turnutils_uclient', [...extra, '-y', '-n', '3', '-m', '1', '-p', String(port), '-u', username, '-w', password, '127.0.0.1'], {
      stdio: ['ignore', 'pipe', 'pipe'],
    });
    let output = '';
    child.stdout.on('data', (chunk) => (output += chunk));
    child.stderr.on('data', (chunk) => (output += chunk));
    const timer = setTimeout(() => child.kill('SIGKILL'), 30_000);
    child.once('error', (error) => {
      clearTimeout(timer);
      reject((error as NodeJS.ErrnoException).code === 'ENOENT' ? new Error('turnutils_uclient is not installed: apt-get install coturn') : error);
    });
    child.once('exit', (code) => {
      clearTimeout(timer);
      resolve({ code, output });
    });
  });
}

/** Messages relayed end to end, from uclient's last progress line; 0 when allocation failed. */
const relayed = (result: UclientResult) => Number([...result.output.matchAll(/tot_recv_msgs=(\d+)/g)].at(-1)?.[1] ?? 0);
const refused = (result: UclientResult) => result.code !== 0 && /Cannot complete Allocation/.test(result.output) && relayed(result) === 0;

let coturn: RunningCoturn;
let service: RunningService;
const secret = newTurnSecret();

beforeAll(async () => {
  coturn = await startCoturn({ secret });
  service = await startTestService({ turn: { urls: coturn.urls, secret, ttlS: 3600 } });
}, 30_000);
afterAll(async () => {
  await service?.close();
  await coturn?.close();
});

describe('real coturn', () => {
  it('listens on loopback with the URLs npm run turn prints', async () => {
    expect(coturn.urls).toEqual([`turn:127.0.0.1:${coturn.port}?transport=udp`, `turn:127.0.0.1:${coturn.port}?transport=tcp`]);
    expect(await stunBindingAnswers(coturn.port, 1000)).toBe(true);
  });

  it('listens and relays on another local address when given a host', async () => {
    const other = await startCoturn({ secret, host: '127.0.0.2' });
    try {
      expect(other.host).toBe('127.0.0.2');
      expect(other.urls).toEqual([`turn:127.0.0.2:${other.port}?transport=udp`, `turn:127.0.0.2:${other.port}?transport=tcp`]);
      expect(await stunBindingAnswers(other.port, 1000, '127.0.0.2')).toBe(true);
    } finally {
      await other.close();
    }
  });

  it('says how to install coturn when turnserver is missing', async () => {
    const path = process.env.PATH;
    process.env.PATH = '/nonexistent';
    try {
      await expect(startCoturn({ secret })).rejects.toThrow('apt-get install coturn');
    } finally {
      process.env.PATH = path;
    }
  });

  it('relays for the credentials the service issued, over UDP and TCP', async () => {
    const device = await TestDevice.create();
    const { iceServers } = await device.connect(service, 'alice');
    expect(iceServers).toHaveLength(1);
    const { urls, username, credential } = iceServers[0];
    expect(urls).toEqual(coturn.urls);

    const udp = await uclient(coturn.port, username!, credential!);
    expect(udp.code, udp.output).toBe(0);
    expect(relayed(udp), udp.output).toBeGreaterThan(0);
    const tcp = await uclient(coturn.port, username!, credential!, ['-t']);
    expect(tcp.code, tcp.output).toBe(0);
    expect(relayed(tcp), tcp.output).toBeGreaterThan(0);
    await device.close();
  }, 60_000);

  it('refuses a wrong credential, another secret, and credentials the service issued that have expired', async () => {
    const device = await TestDevice.create();
    const { iceServers } = await device.connect(service, 'bob');
    const { username, credential } = iceServers[0];

    const wrongPassword = await uclient(coturn.port, username!, `x${credential!.slice(1)}`);
    expect(refused(wrongPassword), wrongPassword.output).toBe(true);
    const tamperedUser = await uclient(
      coturn.port,
      username!.replace(/^\d+/, (s) => String(Number(s) + 1)),
      credential!,
    );
    expect(refused(tamperedUser), tamperedUser.output).toBe(true);

    const otherSecret = await startTestService({ turn: { urls: coturn.urls, secret: newTurnSecret(), ttlS: 3600 } });
    const expired = await startTestService({ turn: { urls: coturn.urls, secret, ttlS: 60 }, now: () => Date.now() - 2 * 3600_000 });
    try {
      const foreign = (await (await TestDevice.create()).connect(otherSecret, 'carol')).iceServers[0];
      const foreignResult = await uclient(coturn.port, foreign.username!, foreign.credential!);
      expect(refused(foreignResult), foreignResult.output).toBe(true);

      const old = (await (await TestDevice.create()).connect(expired, 'dave')).iceServers[0];
      expect(Number(old.username!.split(':')[0])).toBeLessThan(Date.now() / 1000);
      const oldResult = await uclient(coturn.port, old.username!, old.credential!);
      expect(refused(oldResult), oldResult.output).toBe(true);
      // coturn itself says why: the timestamp in the username is past.
      expect(coturn.log().join('\n')).toContain(`Cannot find credentials of user <${old.username}>`);
    } finally {
      await otherSecret.close();
      await expired.close();
    }
    await device.close();
  }, 90_000);
});
