// REST routes of people: POST /api/login, GET /api/me, and user administration.
import type { Accounts } from '../auth/accounts.js';
import type { Authenticator } from '../auth/principal.js';
import { json, type HttpRoutes } from '../http/app.js';

export function accountRoutes(http: HttpRoutes, auth: Authenticator, accounts: Accounts): void {
  http
    .route('POST', '/api/login', async (req) => json(200, await accounts.login(req.body)))
    .route('GET', '/api/me', (req) => json(200, accounts.me(auth.authenticate(req.authorization))))
    .route('GET', '/api/users', async (req) => json(200, await accounts.list(auth.authenticate(req.authorization))))
    .route('POST', '/api/users', async (req) => json(201, await accounts.create(auth.authenticate(req.authorization), req.body)))
    .route('DELETE', '/api/users/:id', async (req) => {
      await accounts.remove(auth.authenticate(req.authorization), req.params.id!);
      return { status: 204 };
    });
}
