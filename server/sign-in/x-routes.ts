/** The browser side of Sign in with X: /auth/x/start sends the user to X, /auth/x/callback comes back. */
import type { FastifyInstance, FastifyReply } from 'fastify';
import type { XConfig } from '../config';
import { codeChallenge, type Tickets } from './tickets';
import { fetchXUser, XApiError } from './x-api';
import { randomToken } from '../random';

interface XRoutesDeps {
  x: XConfig | null;
  tickets: Tickets;
  publicUrl: () => string;
}

export function registerXRoutes(app: FastifyInstance, { x, tickets, publicUrl }: XRoutesDeps): void {
  const callbackUrl = () => `${publicUrl()}auth/x/callback`;

  app.get<{ Querystring: { ticket?: string } }>('/auth/x/start', async (request, reply) => {
    const ticket = typeof request.query.ticket === 'string' ? tickets.get(request.query.ticket) : undefined;
    if (!x) return page(reply, 404, 'Sign in with X is not configured on this Birdcall service.');
    if (!ticket || ticket.outcome) return page(reply, 400, 'Sign-in link expired; start again from Birdcall.');
    const authorize = new URL(x.authorizeUrl);
    authorize.search = new URLSearchParams({
      response_type: 'code',
      client_id: x.clientId,
      redirect_uri: callbackUrl(),
      scope: 'users.read tweet.read',
      state: ticket.state,
      code_challenge: codeChallenge(ticket.verifier),
      code_challenge_method: 'S256',
    }).toString();
    return reply.redirect(authorize.toString(), 302);
  });

  app.get<{ Querystring: { code?: string; state?: string; error?: string } }>('/auth/x/callback', async (request, reply) => {
    const { code, state, error } = request.query;
    const ticket = x && typeof state === 'string' ? tickets.awaitingCallback(state) : undefined;
    if (!x || !ticket) return page(reply, 400, 'Sign-in link expired; start again from Birdcall.');
    const back = new URL(ticket.redirectUri);
    back.searchParams.set('ticket', ticket.id);
    if (typeof error === 'string' || typeof code !== 'string') {
      tickets.delete(ticket);
      back.searchParams.set('error', typeof error === 'string' && /^[a-z_]{1,64}$/.test(error) ? error : 'access_denied');
      return reply.redirect(back.toString(), 302);
    }
    try {
      const user = await fetchXUser(x, code, callbackUrl(), ticket.verifier);
      ticket.outcome = { user, secret: randomToken() };
    } catch (failure) {
      tickets.delete(ticket);
      if (!(failure instanceof XApiError)) request.log.error({ err: failure }, 'X sign-in failed');
      const why = failure instanceof XApiError ? failure.message : 'something went wrong';
      return page(reply, 502, `Signing in with X failed: ${why}. Start again from Birdcall.`);
    }
    back.searchParams.set('result', ticket.outcome.secret);
    return reply.redirect(back.toString(), 302);
  });
}

function page(reply: FastifyReply, status: number, message: string): FastifyReply {
  const escaped = message.replace(/[&<>"']/g, (c) => `&#${c.charCodeAt(0)};`);
  return reply.code(status).type('text/html; charset=utf-8').send(`<!doctype html><meta charset="utf-8"><title>Birdcall</title><p>${escaped}</p>`);
}
