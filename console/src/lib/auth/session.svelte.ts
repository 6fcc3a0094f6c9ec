// The signed-in user: login with username and password (or the admin token), kept in
// localStorage so a reload stays signed in; a 401 from the server signs out.
import { ApiClient } from '../api/client';
import type { Me, Role } from '../api/types';

export interface SignedIn {
  token: string;
  role: Role;
  kind: 'user' | 'admin-token';
  username: string;
  agentId?: string;
  expiresAt?: string;
}

interface LoginAnswer {
  token: string;
  expiresAt?: string;
  role?: Role;
  agentId?: string;
  user?: { username: string; role: Role; agentId?: string };
}

const STORAGE_KEY = 'atende.session';

function load(): SignedIn | undefined {
  if (typeof localStorage === 'undefined') return undefined;
  try {
    const raw = localStorage.getItem(STORAGE_KEY);
    const parsed = raw ? (JSON.parse(raw) as SignedIn) : undefined;
    if (!parsed?.token || !parsed.role) return undefined;
    if (parsed.expiresAt && Date.parse(parsed.expiresAt) <= Date.now()) return undefined;
    return parsed;
  } catch {
    return undefined;
  }
}

class Session {
  current = $state<SignedIn | undefined>(load());
  /** Why the user was sent back to the login page, shown there once. */
  notice = $state<string | undefined>(undefined);

  get token(): string | undefined {
    return this.current?.token;
  }

  async login(username: string, password: string): Promise<SignedIn> {
    const answer = await api.post<LoginAnswer>('/api/login', { username, password });
    const role = answer.user?.role ?? answer.role;
    if (!role) throw new Error('Resposta de login sem perfil.');
    return this.keep({
      token: answer.token,
      role,
      kind: 'user',
      username: answer.user?.username ?? username,
      agentId: answer.user?.agentId ?? answer.agentId,
      expiresAt: answer.expiresAt,
    });
  }

  /** Signs in with a raw token (the ATENDE_ADMIN_TOKEN printed at start, or a script's token). */
  async loginWithToken(token: string): Promise<SignedIn> {
    const me = await api.request<Me>('GET', '/api/me', undefined, token);
    return this.keep({
      token,
      role: me.role,
      kind: me.kind,
      username: me.username ?? (me.kind === 'admin-token' ? 'token de administrador' : 'usuário'),
      agentId: me.agentId,
    });
  }

  logout(notice?: string): void {
    this.current = undefined;
    this.notice = notice;
    if (typeof localStorage !== 'undefined') localStorage.removeItem(STORAGE_KEY);
  }

  private keep(signedIn: SignedIn): SignedIn {
    this.current = signedIn;
    this.notice = undefined;
    if (typeof localStorage !== 'undefined') localStorage.setItem(STORAGE_KEY, JSON.stringify(signedIn));
    return signedIn;
  }
}

export const session = new Session();

export const api = new ApiClient({
  token: () => session.token,
  onUnauthorized: () => session.logout('Sua sessão expirou. Entre novamente.'),
});
