// REST routes of agency configuration and presence: groups, agents (+ state), business hours,
// units and pause reasons.
import type { Authenticator } from '../auth/principal.js';
import { json, type HttpRoutes } from '../http/app.js';
import type { Configuration } from '../routing/configuration.js';

export function configurationRoutes(http: HttpRoutes, auth: Authenticator, configuration: Configuration): void {
  const who = (authorization: string) => auth.authenticate(authorization);
  http
    .route('GET', '/api/groups', async (req) => json(200, await configuration.groups(who(req.authorization))))
    .route('GET', '/api/groups/:id', async (req) => json(200, await configuration.group(who(req.authorization), req.params.id!)))
    .route('PUT', '/api/groups/:id', async (req) => json(200, await configuration.putGroup(who(req.authorization), req.params.id!, req.body)))
    .route('GET', '/api/agents', async (req) => json(200, await configuration.agents(who(req.authorization))))
    .route('GET', '/api/agents/:id', (req) => json(200, configuration.agent(who(req.authorization), req.params.id!)))
    .route('PUT', '/api/agents/:id', async (req) => json(200, await configuration.putAgent(who(req.authorization), req.params.id!, req.body)))
    .route('PUT', '/api/agents/:id/state', async (req) =>
      json(200, await configuration.setAgentState(who(req.authorization), req.params.id!, req.body)),
    )
    .route('GET', '/api/hours', async (req) => json(200, await configuration.hours(who(req.authorization))))
    .route('PUT', '/api/hours/:id', async (req) => json(200, await configuration.putHours(who(req.authorization), req.params.id!, req.body)))
    .route('GET', '/api/units', async (req) => json(200, await configuration.units(who(req.authorization))))
    .route('PUT', '/api/units/:id', async (req) => json(200, await configuration.putUnit(who(req.authorization), req.params.id!, req.body)))
    .route('GET', '/api/pause-reasons', async (req) => {
      who(req.authorization);
      return json(200, await configuration.pauseReasons());
    })
    .route('PUT', '/api/pause-reasons/:id', async (req) =>
      json(200, await configuration.putPauseReason(who(req.authorization), req.params.id!, req.body)),
    );
}
