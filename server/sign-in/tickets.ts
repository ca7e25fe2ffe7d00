/**
 * Sign-in tickets: one X OAuth attempt by one device, single use, short lived. In memory only:
 * a restart in the middle of a sign-in just means starting again.
 */
import { createHash } from 'node:crypto';
import type { Handle } from '../../lib/handle';
import { randomToken, sameSecret } from '../random';

export interface XUser {
  id: string;
  username: Handle;
}

interface Ticket {
  id: string;
  /** OAuth `state`: how the callback finds the ticket. */
  state: string;
  deviceId: string;
  redirectUri: string;
  /** PKCE code_verifier: 43 base64url characters. */
  verifier: string;
  expiresAt: number;
  /** Set once X said who signed in; `secret` is the one-time result handed to the device. */
  outcome: { user: XUser; secret: string } | null;
}

export const TICKET_TTL_MS = 10 * 60_000;
/** Older tickets of a device are dropped beyond this, so sign-in-start cannot pile up memory. */
const TICKETS_PER_DEVICE = 3;

export class Tickets {
  private readonly byId = new Map<string, Ticket>();

  constructor(
    private readonly now: () => number,
    private readonly ttlMs: number,
  ) {}

  create(deviceId: string, redirectUri: string): Ticket {
    this.sweep();
    const mine = [...this.byId.values()].filter((t) => t.deviceId === deviceId);
    for (const old of mine.slice(0, Math.max(0, mine.length - TICKETS_PER_DEVICE + 1))) this.byId.delete(old.id);
    const ticket: Ticket = {
      id: randomToken(),
      state: randomToken(),
      deviceId,
      redirectUri,
      verifier: randomToken(32),
      expiresAt: this.now() + this.ttlMs,
      outcome: null,
    };
    this.byId.set(ticket.id, ticket);
    return ticket;
  }

  /** A live ticket by id, or undefined for unknown or expired ones. */
  get(id: string): Ticket | undefined {
    const ticket = this.byId.get(id);
    return ticket && ticket.expiresAt > this.now() ? ticket : undefined;
  }

  /** The live ticket still waiting for X's callback with this state. */
  awaitingCallback(state: string): Ticket | undefined {
    for (const ticket of this.byId.values()) {
      if (!ticket.outcome && ticket.expiresAt > this.now() && sameSecret(ticket.state, state)) return ticket;
    }
    return undefined;
  }

  delete(ticket: Ticket): void {
    this.byId.delete(ticket.id);
  }

  sweep(): void {
    for (const ticket of this.byId.values()) if (ticket.expiresAt <= this.now()) this.byId.delete(ticket.id);
  }
}

/** PKCE S256: base64url(SHA-256(verifier)). */
export function codeChallenge(verifier: string): string {
  return createHash('sha256').update(verifier).digest('base64url');
}
