// REST routes for supervisors and operations: queue figures, fairness, health and metrics.
import { z } from 'zod';
import { canRead, type Authenticator } from '../auth/principal.js';
import type { ServerContext } from '../context.js';
import { forbidden, notFound } from '../http/errors.js';
import { json, type HttpRoutes } from '../http/app.js';
import { parse, queryObject } from '../http/validation.js';

const groupQuerySchema = z.object({ groupId: z.string().min(1).optional() });

export function supervisionRoutes(http: HttpRoutes, auth: Authenticator, ctx: ServerContext, health: () => { ok: boolean; status: string }): void {
  const reader = (authorization: string) => {
    if (!canRead(auth.authenticate(authorization))) throw forbidden();
  };
  http
    .route('GET', '/api/queues', (req) => {
      reader(req.authorization);
      const { groupId } = parse(groupQuerySchema, queryObject(req.query), 'query');
      if (groupId !== undefined && !ctx.reader.groupConfig(groupId)) throw notFound('group', { groupId });
      return json(200, ctx.engine.queues(groupId === undefined ? undefined : new Set([groupId])));
    })
    .route('GET', '/api/fairness', (req) => {
      reader(req.authorization);
      const { groupId } = parse(groupQuerySchema, queryObject(req.query), 'query');
      if (groupId === undefined) return json(200, ctx.reader.groupConfigs().map((g) => ctx.engine.fairness(g.id)));
      const fairness = ctx.engine.fairness(groupId);
      if (!fairness) throw notFound('group', { groupId });
      return json(200, fairness);
    })
    .route('GET', '/health', () => {
      const state = health();
      return json(state.ok ? 200 : 503, { status: state.status });
    })
    .route('GET', '/metrics', async () => ({ status: 200, text: await ctx.metrics.text(), contentType: ctx.metrics.contentType }));
}
