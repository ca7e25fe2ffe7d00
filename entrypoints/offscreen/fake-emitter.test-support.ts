/** The event surface PeerJS objects (Peer, MediaConnection) show, for the offscreen tests' fakes. */
type Listener = (...args: unknown[]) => void;

export class FakeEmitter {
  private listeners = new Map<string, Listener[]>();
  on(event: string, listener: Listener) {
    this.listeners.set(event, [...(this.listeners.get(event) ?? []), listener]);
    return this;
  }
  emit(event: string, ...args: unknown[]) {
    for (const listener of this.listeners.get(event) ?? []) listener(...args);
  }
}
