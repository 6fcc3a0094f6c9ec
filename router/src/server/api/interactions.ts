// REST routes of sessions: POST/GET /api/interactions, GET …/:id, and the commands accept, reject,
// end, wrapup, abandon, transfer. The conversation (…/:id/messages) is mounted by the channels.
import { z } from 'zod';
import type { Authenticator } from '../auth/principal.js';
import { json, type HttpRoutes } from '../http/app.js';
import { parse, queryObject } from '../http/validation.js';
import { listQuerySchema, tabulationSchema, type Sessions } from '../routing/sessions.js';

const actAsSchema = z.object({ agentId: z.string().min(1).optional() }).default({});
const finishSchema = z.object({ tabulation: tabulationSchema.optional() }).default({});
/** The wrap-up body is the tabulation itself ({ tema, categoria, outcome }) or { tabulation }. */
const wrapupSchema = z.union([z.object({ tabulation: tabulationSchema }), tabulationSchema]).optional();

export function interactionRoutes(http: HttpRoutes, auth: Authenticator, sessions: Sessions): void {
  http
    .route('POST', '/api/interactions', async (req) => {
      const result = await sessions.create(auth.authenticate(req.authorization), req.body);
      return json(result.created ? 201 : 200, result.interaction);
    })
    .route('GET', '/api/interactions', async (req) => {
      const principal = auth.authenticate(req.authorization);
      return json(200, await sessions.list(principal, parse(listQuerySchema, queryObject(req.query), 'query')));
    })
    .route('GET', '/api/interactions/:id', async (req) => json(200, await sessions.get(auth.authenticate(req.authorization), req.params.id!)))
    .route('POST', '/api/interactions/:id/accept', async (req) => {
      const principal = auth.authenticate(req.authorization);
      const { agentId } = parse(actAsSchema, req.body);
      return json(200, await sessions.accept(principal, req.params.id!, agentId));
    })
    .route('POST', '/api/interactions/:id/reject', async (req) => {
      const principal = auth.authenticate(req.authorization);
      const { agentId } = parse(actAsSchema, req.body);
      return json(200, await sessions.reject(principal, req.params.id!, agentId));
    })
    .route('POST', '/api/interactions/:id/end', async (req) => {
      const principal = auth.authenticate(req.authorization);
      const { tabulation } = parse(finishSchema, req.body);
      return json(200, await sessions.end(principal, req.params.id!, tabulation));
    })
    .route('POST', '/api/interactions/:id/wrapup', async (req) => {
      const principal = auth.authenticate(req.authorization);
      const body = parse(wrapupSchema, req.body);
      const tabulation = body === undefined ? undefined : 'tabulation' in body ? body.tabulation : body;
      return json(200, await sessions.wrapup(principal, req.params.id!, tabulation && Object.keys(tabulation).length > 0 ? tabulation : undefined));
    })
    .route('POST', '/api/interactions/:id/abandon', async (req) => json(200, await sessions.abandon(auth.authenticate(req.authorization), req.params.id!)))
    .route('POST', '/api/interactions/:id/transfer', async (req) =>
      json(200, await sessions.transfer(auth.authenticate(req.authorization), req.params.id!, req.body)),
    );
}
