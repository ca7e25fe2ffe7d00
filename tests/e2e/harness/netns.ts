/**
 * A small network lab for e2e tests (Linux, root): a bridge in the root namespace, network
 * namespaces hanging off it through veth pairs (each with its own address), a NAT router
 * namespace with a private LAN behind it, and tcpdump on the bridge to see what crosses it.
 *
 *   const lab = createLab();                       // bridge bc<pid>br, 10.<x>.0.1/24
 *   const a = lab.namespace('a');                  // bc<pid>a, 10.<x>.0.11
 *   const nat = lab.natRouter('r', { onlyTo: [lab.bridgeAddress] });
 *   const c = nat.namespace('c');                  // bc<pid>c, 192.168.<y>.11, behind 10.<x>.0.254
 *   const capture = await lab.capture('udp');
 *   ...
 *   await lab.close();
 *
 * Only private addresses in namespaces the lab made; the root namespace does not forward
 * (net.ipv4.ip_forward is left alone), so nothing from a namespace reaches beyond the bridge.
 * Every name starts with bc<pid>; createLab() first removes what a dead process left behind.
 */
import { spawn, spawnSync, type ChildProcess } from 'node:child_process';

export const LAB_PREFIX = 'bc';

/** ip, iptables and tcpdump live in /usr/sbin on Debian, which a non-login PATH may lack. */
const env = { ...process.env, PATH: [process.env.PATH, '/usr/sbin', '/sbin'].filter(Boolean).join(':') };

export interface NetNs {
  /** The namespace's name (ip netns), e.g. "bc1234a"; pass it to launchBrowser({ netns }). */
  name: string;
  /** Its IPv4 address now (without the prefix length). */
  address: string;
  /** Its default gateway. */
  gateway: string;
  /** The interface inside the namespace ("eth0"). */
  iface: string;
  /** Runs a command inside the namespace and returns its stdout; throws with stderr on failure. */
  exec(command: string[]): string;
  /** Starts a command inside the namespace (ip netns exec); the caller ends it. */
  spawn(command: string[]): ChildProcess;
  /** Takes the namespace's link down (as a lost network) or back up (restoring its default route). */
  setLink(up: boolean): void;
  /** Replaces the namespace's address with `address` (same subnet), keeping the default route. */
  setAddress(address: string): void;
}

export interface NatRouter {
  /** The router namespace itself; its WAN interface is "wan", its LAN interface "lan". */
  router: NetNs;
  /** The router's address on the bridge: what the far side sees the LAN's traffic come from. */
  wanAddress: string;
  /** The LAN's router address, e.g. 192.168.<y>.1. */
  lanAddress: string;
  /** A namespace on the LAN behind the router (192.168.<y>.11, .12, ...). */
  namespace(label: string): NetNs;
}

export interface NatOptions {
  /**
   * When given, the router forwards LAN traffic only to these addresses (e.g. the service and
   * coturn on the bridge address), as a firewall that lets only the relay through. Without it,
   * any outbound traffic is NATed.
   */
  onlyTo?: string[];
}

export interface CapturedPacket {
  /** Date.now() when tcpdump printed the line. */
  at: number;
  src: string;
  srcPort: number | null;
  dst: string;
  dstPort: number | null;
  /** "UDP", "tcp", "ICMP"... as tcpdump -q says it. */
  proto: string;
  line: string;
}

export interface Capture {
  packets(): CapturedPacket[];
  /** Packets between the two addresses, either direction, optionally seen at or after `since`. */
  between(a: string, b: string, since?: number): CapturedPacket[];
  /** Packets with `address` on one end and `port` on either end (e.g. a browser and coturn). */
  withPort(address: string, port: number, since?: number): CapturedPacket[];
  /** What tcpdump said on stderr (for failure messages). */
  stderr(): string;
  /** Stops tcpdump; resolves once it has exited. */
  stop(): Promise<void>;
}

export interface Lab {
  /** bc<pid>: every namespace and link of this lab starts with it. */
  prefix: string;
  /** The bridge in the root namespace, e.g. "bc1234br". */
  bridge: string;
  /** The bridge's address, e.g. 10.<x>.0.1: where the service and coturn listen. */
  bridgeAddress: string;
  /** e.g. "10.<x>.0" */
  subnet: string;
  /** A namespace on the bridge at the next address (10.<x>.0.11, .12, ...). `label`: a-z, 1-3 letters. */
  namespace(label: string): NetNs;
  /** A NAT router (MASQUERADE --random-fully, only established/related back in) on the bridge. */
  natRouter(label: string, options?: NatOptions): NatRouter;
  /** tcpdump on the bridge with `filter` (default "ip"). */
  capture(filter?: string): Promise<Capture>;
  /** Removes every namespace and link the lab made; stops its captures. */
  close(): Promise<void>;
}

function run(command: string, args: string[]): string {
  const result = spawnSync(command, args, { encoding: 'utf8', env });
  if (result.error) throw new Error(`${command} ${args.join(' ')}: ${result.error.message}`);
  if (result.status !== 0) {
    throw new Error(`${command} ${args.join(' ')} exited ${result.status}: ${(result.stderr || result.stdout).trim()}`);
  }
  return result.stdout;
}

const ip = (...args: string[]) => run('ip', args);
const quiet = (fn: () => unknown) => {
  try {
    fn();
  } catch {
    // already gone
  }
};

/**
 * Throws one clear error naming what is missing: root, `ip` (iproute2), `iptables`, `tcpdump`,
 * `turnserver` (coturn). The e2e suite needs them; CI (.ci/run) installs them.
 */
export function requireLabTools(tools: string[] = ['ip', 'iptables', 'tcpdump', 'turnserver']): void {
  const problems: string[] = [];
  if (process.platform !== 'linux') problems.push(`network namespaces need Linux (this is ${process.platform})`);
  if (process.getuid?.() !== 0) problems.push(`must run as root (uid ${process.getuid?.()}) to create network namespaces`);
  const packages: Record<string, string> = { ip: 'iproute2', iptables: 'iptables', tcpdump: 'tcpdump', turnserver: 'coturn' };
  const missing = tools.filter((tool) => spawnSync('sh', ['-c', `command -v ${tool}`], { env }).status !== 0);
  if (missing.length) {
    problems.push(`missing ${missing.join(', ')}: apt-get install -y ${missing.map((tool) => packages[tool] ?? tool).join(' ')}`);
  }
  if (problems.length) throw new Error(`The network namespace e2e tests cannot run: ${problems.join('; ')}`);
}

function pidAlive(pid: number): boolean {
  try {
    process.kill(pid, 0);
    return true;
  } catch (error) {
    return (error as NodeJS.ErrnoException).code === 'EPERM';
  }
}

/** Names bc<pid>... whose pid is dead: left behind by a crashed run. */
function stale(name: string): boolean {
  const match = /^bc(\d+)[a-z]+\d*$/.exec(name);
  return !!match && Number(match[1]) !== process.pid && !pidAlive(Number(match[1]));
}

/** Removes namespaces and links named bc<pid>... of processes that no longer run. */
export function cleanStaleLabs(): string[] {
  const removed: string[] = [];
  const namespaces = ip('netns', 'list')
    .split('\n')
    .map((line) => line.trim().split(/\s+/)[0])
    .filter(Boolean);
  for (const ns of namespaces.filter(stale)) {
    quiet(() => ip('netns', 'delete', ns));
    removed.push(ns);
  }
  const links = ip('-o', 'link', 'show')
    .split('\n')
    .map((line) => /^\d+:\s+([^:@\s]+)/.exec(line)?.[1])
    .filter((name): name is string => !!name);
  for (const link of links.filter(stale)) {
    quiet(() => ip('link', 'delete', link));
    removed.push(link);
  }
  return removed;
}

/** Second octets of 10.x.0.0/24 and third of 192.168.y.0/24 not routed anywhere now. */
function freeSubnets(): { x: number; y: number } {
  const routes = run('ip', ['-4', 'route', 'show', 'table', 'all']);
  const start = process.pid % 150;
  let x = -1;
  let y = -1;
  for (let i = 0; i < 150 && x < 0; i++) {
    const candidate = 100 + ((start + i) % 150);
    if (!routes.includes(`10.${candidate}.`)) x = candidate;
  }
  for (let i = 0; i < 150 && y < 0; i++) {
    const candidate = 100 + ((start + i) % 150);
    if (!routes.includes(`192.168.${candidate}.`)) y = candidate;
  }
  if (x < 0 || y < 0) throw new Error('no free 10.x.0.0/24 or 192.168.y.0/24 subnet for the network lab');
  return { x, y };
}

function makeNetNs(name: string, iface: string, address: string, gateway: string): NetNs {
  const ns: NetNs = {
    name,
    address,
    gateway,
    iface,
    exec: (command) => run('ip', ['netns', 'exec', name, ...command]),
    spawn: (command) => spawn('ip', ['netns', 'exec', name, ...command], { stdio: ['ignore', 'pipe', 'pipe'], env }),
    setLink(up) {
      ip('-n', name, 'link', 'set', iface, up ? 'up' : 'down');
      if (up) ip('-n', name, 'route', 'replace', 'default', 'via', ns.gateway);
    },
    setAddress(next) {
      ip('-n', name, 'addr', 'flush', 'dev', iface);
      ip('-n', name, 'addr', 'add', `${next}/24`, 'dev', iface);
      ip('-n', name, 'route', 'replace', 'default', 'via', ns.gateway);
      ns.address = next;
    },
  };
  return ns;
}

/** Makes namespace `name` with `iface` (already moved in) at address/24, lo up, IPv6 off. */
function setUpInside(name: string, iface: string, address: string, gateway: string | null): void {
  run('ip', ['netns', 'exec', name, 'sysctl', '-q', '-w', 'net.ipv6.conf.all.disable_ipv6=1']);
  ip('-n', name, 'link', 'set', 'lo', 'up');
  ip('-n', name, 'addr', 'add', `${address}/24`, 'dev', iface);
  ip('-n', name, 'link', 'set', iface, 'up');
  if (gateway) ip('-n', name, 'route', 'add', 'default', 'via', gateway);
}

export function createLab(): Lab {
  requireLabTools(['ip']);
  cleanStaleLabs();
  const prefix = `${LAB_PREFIX}${process.pid}`;
  const { x, y } = freeSubnets();
  const subnet = `10.${x}.0`;
  const bridge = `${prefix}br`;
  const bridgeAddress = `${subnet}.1`;
  const namespaces: string[] = [];
  const links: string[] = [];
  const captures = new Set<Capture>();
  let nextHost = 11;
  let nextRouter = 254;
  let nextLan = 11;
  let closed = false;

  const removeAll = () => {
    for (const ns of namespaces.splice(0)) quiet(() => ip('netns', 'delete', ns));
    for (const link of links.splice(0)) quiet(() => ip('link', 'delete', link));
  };
  const onExit = () => removeAll();
  process.once('exit', onExit);

  ip('link', 'add', bridge, 'type', 'bridge');
  links.push(bridge);
  quiet(() => run('sysctl', ['-q', '-w', `net.ipv6.conf.${bridge}.disable_ipv6=1`]));
  ip('addr', 'add', `${bridgeAddress}/24`, 'dev', bridge);
  ip('link', 'set', bridge, 'up');

  const checkLabel = (label: string) => {
    if (!/^[a-z]{1,3}$/.test(label)) throw new Error(`namespace label "${label}": 1-3 letters a-z`);
    const name = `${prefix}${label}`;
    if (namespaces.includes(name)) throw new Error(`namespace ${name} exists already`);
    return name;
  };

  /** A namespace whose veth's outer end is on the bridge; `iface` is the inner end's name. */
  const onBridge = (label: string, iface: string, hostPart: number): { name: string; address: string } => {
    const name = checkLabel(label);
    const address = `${subnet}.${hostPart}`;
    ip('netns', 'add', name);
    namespaces.push(name);
    const outer = `${name}0`;
    ip('link', 'add', outer, 'type', 'veth', 'peer', 'name', iface, 'netns', name);
    links.push(outer);
    ip('link', 'set', outer, 'master', bridge);
    ip('link', 'set', outer, 'up');
    setUpInside(name, iface, address, bridgeAddress);
    return { name, address };
  };

  return {
    prefix,
    bridge,
    bridgeAddress,
    subnet,
    namespace(label) {
      const { name, address } = onBridge(label, 'eth0', nextHost++);
      return makeNetNs(name, 'eth0', address, bridgeAddress);
    },
    natRouter(label, options = {}) {
      const { name: routerName, address: wanAddress } = onBridge(label, 'wan', nextRouter--);
      const router = makeNetNs(routerName, 'wan', wanAddress, bridgeAddress);
      const lanSubnet = `192.168.${y}`;
      const lanAddress = `${lanSubnet}.1`;
      const inRouter = (...args: string[]) => router.exec(args);
      inRouter('sysctl', '-q', '-w', 'net.ipv4.ip_forward=1');
      // Symmetric mapping: a new random outside port per destination, so hole punching fails.
      inRouter('iptables', '-t', 'nat', '-A', 'POSTROUTING', '-o', 'wan', '-j', 'MASQUERADE', '--random-fully');
      // Port-restricted filtering: only replies to what went out come back in.
      inRouter('iptables', '-A', 'FORWARD', '-i', 'wan', '-m', 'conntrack', '--ctstate', 'ESTABLISHED,RELATED', '-j', 'ACCEPT');
      inRouter('iptables', '-A', 'FORWARD', '-i', 'wan', '-j', 'DROP');
      if (options.onlyTo) {
        for (const allowed of options.onlyTo) inRouter('iptables', '-A', 'FORWARD', '-i', 'lan', '-d', allowed, '-j', 'ACCEPT');
        inRouter('iptables', '-A', 'FORWARD', '-i', 'lan', '-j', 'DROP');
      }
      let lanUp = false;
      return {
        router,
        wanAddress,
        lanAddress,
        namespace(hostLabel) {
          const name = checkLabel(hostLabel);
          const address = `${lanSubnet}.${nextLan++}`;
          ip('netns', 'add', name);
          namespaces.push(name);
          const temp = `${name}0`;
          if (!lanUp) {
            // The router's LAN end, made in the root namespace and moved in as "lan".
            ip('link', 'add', temp, 'type', 'veth', 'peer', 'name', 'eth0', 'netns', name);
            ip('link', 'set', temp, 'netns', routerName, 'name', 'lan');
            ip('-n', routerName, 'addr', 'add', `${lanAddress}/24`, 'dev', 'lan');
            ip('-n', routerName, 'link', 'set', 'lan', 'up');
            lanUp = true;
          } else {
            throw new Error('this NAT router has one LAN host; make another router for more');
          }
          setUpInside(name, 'eth0', address, lanAddress);
          return makeNetNs(name, 'eth0', address, lanAddress);
        },
      };
    },
    async capture(filter = 'ip') {
      const capture = await startCapture(bridge, filter);
      captures.add(capture);
      return capture;
    },
    async close() {
      if (closed) return;
      closed = true;
      await Promise.all([...captures].map((c) => c.stop()));
      removeAll();
      process.off('exit', onExit);
    },
  };
}

const PACKET = /^\S+\s+IP\s+(\d+\.\d+\.\d+\.\d+)(?:\.(\d+))?\s+>\s+(\d+\.\d+\.\d+\.\d+)(?:\.(\d+))?:\s*(\S+?)[,\s]/;

/** Parses one line of `tcpdump -nn -q` ("12:00:00.000000 IP 10.1.0.11.5000 > 10.1.0.12.6000: UDP, length 100"). */
export function parseTcpdumpLine(line: string, at = Date.now()): CapturedPacket | null {
  const match = PACKET.exec(line);
  if (!match) return null;
  return {
    at,
    src: match[1],
    srcPort: match[2] ? Number(match[2]) : null,
    dst: match[3],
    dstPort: match[4] ? Number(match[4]) : null,
    proto: match[5],
    line,
  };
}

/**
 * `tcpdump -i <iface> -nn -l -q <filter>`, collecting each packet with the time its line arrived.
 * Resolves once tcpdump says it is listening.
 */
export async function startCapture(iface: string, filter = 'ip'): Promise<Capture> {
  const child = spawn('tcpdump', ['-i', iface, '-nn', '-l', '-q', ...filter.split(/\s+/).filter(Boolean)], {
    stdio: ['ignore', 'pipe', 'pipe'],
    env,
  });
  const packets: CapturedPacket[] = [];
  let stderr = '';
  let buffered = '';
  child.stdout.on('data', (chunk: Buffer) => {
    const now = Date.now();
    buffered += chunk.toString();
    const lines = buffered.split('\n');
    buffered = lines.pop() ?? '';
    for (const line of lines) {
      const packet = parseTcpdumpLine(line, now);
      if (packet) packets.push(packet);
    }
  });
  const exited = new Promise<void>((resolve) => child.once('exit', () => resolve()));
  const killOnExit = () => child.kill('SIGKILL');
  process.on('exit', killOnExit);
  await new Promise<void>((resolve, reject) => {
    const timer = setTimeout(() => reject(new Error(`tcpdump on ${iface} did not start within 5 s: ${stderr}`)), 5000);
    child.stderr.on('data', (chunk: Buffer) => {
      stderr += chunk.toString();
      if (/listening on/.test(stderr)) {
        clearTimeout(timer);
        resolve();
      }
    });
    child.once('error', (error) => {
      clearTimeout(timer);
      reject(new Error(`tcpdump: ${error.message}`));
    });
    child.once('exit', (code) => {
      clearTimeout(timer);
      reject(new Error(`tcpdump on ${iface} exited ${code}: ${stderr}`));
    });
  });
  const after = (since?: number) => (packet: CapturedPacket) => since === undefined || packet.at >= since;
  let stopping: Promise<void> | null = null;
  return {
    packets: () => [...packets],
    between: (a, b, since) => packets.filter((p) => ((p.src === a && p.dst === b) || (p.src === b && p.dst === a)) && after(since)(p)),
    withPort: (address, port, since) =>
      packets.filter((p) => ((p.src === address && p.dstPort === port) || (p.dst === address && p.srcPort === port)) && after(since)(p)),
    stderr: () => stderr,
    stop: () =>
      (stopping ??= (async () => {
        process.off('exit', killOnExit);
        if (child.exitCode === null && child.signalCode === null) {
          child.kill('SIGINT'); // flushes what it buffered
          const timer = setTimeout(() => child.kill('SIGKILL'), 2000);
          await exited;
          clearTimeout(timer);
        }
      })()),
  };
}
