// Who is calling and what they may do: the admin token, or a user (agent, supervisor, admin)
// from a signed login token. Agents act only as themselves; the admin acts as anyone.
import { forbidden, unauthorized, ApiError } from '../http/errors.js';
import { KnownSecret, type Role, type TokenSigner } from './tokens.js';

export type Principal =
  | { kind: 'admin-token'; role: 'admin' }
  | { kind: 'user'; role: Role; userId: string; username: string; agentId?: string };

/** The principal the server uses for its own work (demo simulation, scripts in-process). */
export const SYSTEM: Principal = { kind: 'admin-token', role: 'admin' };

export class Authenticator {
  private readonly adminToken: KnownSecret;

  constructor(
    adminToken: string,
    private readonly signer: TokenSigner,
    private readonly clock: () => number,
  ) {
    this.adminToken = new KnownSecret(adminToken);
  }

  /** From an "Authorization: Bearer …" header or a bare token (WebSocket query); throws 401. */
  authenticate(credential: string | undefined | null): Principal {
    const token = bearer(credential);
    if (!token) throw unauthorized('Token ausente.');
    if (this.adminToken.matches(token)) return SYSTEM;
    const claims = this.signer.verify(token, this.clock());
    if (!claims) throw unauthorized('Token inválido ou expirado.');
    return {
      kind: 'user',
      role: claims.role,
      userId: claims.sub,
      username: claims.usr,
      ...(claims.agt !== undefined ? { agentId: claims.agt } : {}),
    };
  }
}

function bearer(credential: string | undefined | null): string | undefined {
  if (!credential) return undefined;
  const match = /^Bearer\s+(.+)$/i.exec(credential.trim());
  return (match ? match[1]! : credential).trim() || undefined;
}

export function requireRole(principal: Principal, ...roles: Role[]): void {
  if (!roles.includes(principal.role)) throw forbidden();
}

/** Admin configures and acts for anyone; supervisors read; agents read only their own things. */
export const canRead = (principal: Principal): boolean => principal.role === 'admin' || principal.role === 'supervisor';

/**
 * The agent a command acts as: an agent user is always itself (naming another is 403); the admin
 * names one, or the fallback (e.g. the agent holding the offer) is used.
 */
export function actingAgent(principal: Principal, requested: string | undefined, fallback?: () => string | undefined): string {
  if (principal.role === 'agent') {
    if (principal.kind !== 'user' || principal.agentId === undefined) throw forbidden('Usuário sem atendente vinculado.');
    if (requested !== undefined && requested !== principal.agentId) throw forbidden('Um atendente só age em seu próprio nome.');
    return principal.agentId;
  }
  if (principal.role !== 'admin') throw forbidden();
  const agentId = requested ?? fallback?.();
  if (agentId === undefined) throw new ApiError(400, 'invalid_request', 'Informe agentId.', { fields: [{ path: 'agentId', message: 'required' }] });
  return agentId;
}

/** For commands the core checks ownership of: the agent's own id, or none for the admin. */
export function ownerCheck(principal: Principal): string | undefined {
  if (principal.role === 'admin') return undefined;
  return actingAgent(principal, undefined);
}
