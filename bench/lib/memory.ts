/**
 * Memory of the extension in one browser: the JS heaps of the offscreen document and the service
 * worker (CDP), and the resident memory of the extension's renderer process(es) from /proc (the
 * processes under this browser started with --extension-process; the offscreen document, the
 * service worker and the call window share one).
 */
import { readdirSync, readFileSync } from 'node:fs';
import type { BirdcallBrowser } from '../../tests/e2e/harness';

export interface MemorySample {
  offscreenHeapBytes: number;
  workerHeapBytes: number;
  /** Sum of VmRSS over the extension renderer processes. */
  rssBytes: number;
  /** Sum of Pss (proportional set size: shared pages split between sharers). */
  pssBytes: number;
  processes: number;
}

function childrenByParent(): Map<number, number[]> {
  const children = new Map<number, number[]>();
  for (const name of readdirSync('/proc')) {
    if (!/^\d+$/.test(name)) continue;
    try {
      const stat = readFileSync(`/proc/${name}/stat`, 'utf8');
      const ppid = Number(stat.slice(stat.lastIndexOf(')') + 2).split(' ')[1]);
      const list = children.get(ppid) ?? [];
      list.push(Number(name));
      children.set(ppid, list);
    } catch {
      // gone
    }
  }
  return children;
}

function descendants(pid: number): number[] {
  const children = childrenByParent();
  const out: number[] = [];
  const stack = [pid];
  while (stack.length) {
    const next = stack.pop()!;
    for (const child of children.get(next) ?? []) {
      out.push(child);
      stack.push(child);
    }
  }
  return out;
}

const kb = (text: string, field: string) => Number(new RegExp(`^${field}:\\s+(\\d+) kB`, 'm').exec(text)?.[1] ?? NaN) * 1024;

export function extensionProcesses(person: BirdcallBrowser): { rssBytes: number; pssBytes: number; processes: number } {
  const pid = person.browser.process()?.pid;
  let rssBytes = 0;
  let pssBytes = 0;
  let processes = 0;
  if (!pid || process.platform !== 'linux') return { rssBytes: NaN, pssBytes: NaN, processes: 0 };
  for (const child of descendants(pid)) {
    try {
      if (!readFileSync(`/proc/${child}/cmdline`, 'utf8').includes('--extension-process')) continue;
      rssBytes += kb(readFileSync(`/proc/${child}/status`, 'utf8'), 'VmRSS');
      pssBytes += kb(readFileSync(`/proc/${child}/smaps_rollup`, 'utf8'), 'Pss');
      processes++;
    } catch {
      // gone or unreadable
    }
  }
  return { rssBytes, pssBytes, processes };
}

export async function sampleMemory(person: BirdcallBrowser): Promise<MemorySample> {
  const offscreen = await person.offscreenPage();
  const metrics = await offscreen.metrics();
  const worker = await person.serviceWorker();
  const heap = (await worker.client.send('Runtime.getHeapUsage')) as { usedSize: number };
  return { offscreenHeapBytes: metrics.JSHeapUsedSize ?? NaN, workerHeapBytes: heap.usedSize, ...extensionProcesses(person) };
}
