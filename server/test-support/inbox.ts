/** Frames a test socket received, awaited by type in arrival order. */
import type { WebSocket } from 'ws';

export class Inbox<T extends { type: string }> {
  private readonly frames: T[] = [];
  private waiters: (() => void)[] = [];
  closed: { code: number; reason: string } | null = null;

  constructor(ws: WebSocket) {
    ws.on('message', (data) => {
      this.frames.push(JSON.parse(data.toString()) as T);
      this.wake();
    });
    ws.on('close', (code, reason) => {
      this.closed = { code, reason: reason.toString() };
      this.wake();
    });
  }

  /** The first unread frame of this type (and matching `where`), waiting up to timeoutMs. */
  async next<K extends T['type']>(
    type: K,
    where: (frame: Extract<T, { type: K }>) => boolean = () => true,
    timeoutMs = 3000,
  ): Promise<Extract<T, { type: K }>> {
    const deadline = Date.now() + timeoutMs;
    for (;;) {
      const index = this.frames.findIndex((f) => f.type === type && where(f as Extract<T, { type: K }>));
      if (index >= 0) return this.frames.splice(index, 1)[0] as Extract<T, { type: K }>;
      if (this.closed) throw new Error(`socket closed (${this.closed.code} ${this.closed.reason}) before a ${type} frame`);
      const left = deadline - Date.now();
      if (left <= 0) throw new Error(`no ${type} frame within ${timeoutMs} ms; unread: ${JSON.stringify(this.frames)}`);
      await new Promise<void>((resolve) => {
        const timer = setTimeout(resolve, left);
        this.waiters.push(() => {
          clearTimeout(timer);
          resolve();
        });
      });
    }
  }

  /** Frames received and not yet read. */
  unread(): T[] {
    return [...this.frames];
  }

  async whenClosed(timeoutMs = 3000): Promise<{ code: number; reason: string }> {
    const deadline = Date.now() + timeoutMs;
    while (!this.closed) {
      if (Date.now() > deadline) throw new Error('socket still open');
      await new Promise<void>((resolve) => {
        const timer = setTimeout(resolve, 50);
        this.waiters.push(() => {
          clearTimeout(timer);
          resolve();
        });
      });
    }
    return this.closed;
  }

  private wake(): void {
    const waiters = this.waiters;
    this.waiters = [];
    for (const wake of waiters) wake();
  }
}

/** Time enough for frames that must not come to have arrived, before a test checks they did not. */
export const quiet = (ms = 150) => new Promise((resolve) => setTimeout(resolve, ms));
