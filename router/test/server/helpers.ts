// Test servers started in-process on a free port (PGlite in memory unless told otherwise), a
// small fetch-based client and the fixtures most suites configure.
import { startServer, type RunningServer, type ServerConfigInput, type ServerHooks } from '../../src/server/index.js';

export const ADMIN = 'test-admin-token-0123456789abcdef';

export interface ApiAnswer<T = any> {
  status: number;
  body: T;
  headers: Headers;
}

export interface TestServer {
  server: RunningServer;
  base: string;
  ws: string;
  api<T = any>(method: string, path: string, options?: { body?: unknown; token?: string | null; raw?: string; headers?: Record<string, string> }): Promise<ApiAnswer<T>>;
  close(): Promise<void>;
}

export async function startTestServer(config: ServerConfigInput = {}, hooks: ServerHooks = {}): Promise<TestServer> {
  const server = await startServer(
    { port: 0, host: '127.0.0.1', dataDir: 'memory://', logLevel: 'silent', adminToken: ADMIN, boardIntervalMs: 200, checkpointIntervalMs: 3_600_000, ...config },
    hooks,
  );
  const base = `http://127.0.0.1:${server.port}`;
  return {
    server,
    base,
    ws: `ws://127.0.0.1:${server.port}`,
    async api(method, path, options = {}) {
      const headers: Record<string, string> = { ...options.headers };
      const token = options.token === undefined ? ADMIN : options.token;
      if (token !== null) headers.authorization = `Bearer ${token}`;
      let payload: string | undefined = options.raw;
      if (options.body !== undefined) {
        payload = JSON.stringify(options.body);
        headers['content-type'] = 'application/json';
      }
      const response = await fetch(`${base}${path}`, { method, headers, body: payload });
      const text = await response.text();
      let body: unknown = text;
      if ((response.headers.get('content-type') ?? '').includes('application/json') && text !== '') body = JSON.parse(text);
      return { status: response.status, body: body as any, headers: response.headers };
    },
    close: () => server.close(),
  };
}

/** Two N1 groups and an N2 above the first; two chat agents, one phone agent. All offline. */
export async function configureBasics(t: TestServer, options: { wrapUpSeconds?: number } = {}): Promise<void> {
  const wrap = options.wrapUpSeconds ?? 0;
  const put = async (path: string, body: unknown) => {
    const answer = await t.api('PUT', path, { body });
    if (answer.status !== 200) throw new Error(`${path}: ${answer.status} ${JSON.stringify(answer.body)}`);
  };
  await put('/api/groups/ipva-n1', { name: 'IPVA — Pagamento', tema: 'IPVA', categoria: 'Pagamento', level: 1, slaSeconds: 60, wrapUpSeconds: wrap });
  await put('/api/groups/ipva-n2', { name: 'IPVA — Pagamento (N2)', tema: 'IPVA', categoria: 'Pagamento', level: 2, slaSeconds: 120, wrapUpSeconds: wrap });
  await put('/api/groups/itcd-n1', { name: 'ITCD — Protocolo de Processos', tema: 'ITCD', categoria: 'Protocolo de Processos', level: 1, slaSeconds: 60 });
  await put('/api/agents/ana', { name: 'Ana Souza', groups: [{ groupId: 'ipva-n1', proficiency: 4 }, { groupId: 'itcd-n1', proficiency: 3 }], capacity: { chat: 2 } });
  await put('/api/agents/bruno', { name: 'Bruno Lima', groups: [{ groupId: 'ipva-n1', proficiency: 3 }, { groupId: 'ipva-n2', proficiency: 5 }], capacity: { chat: 1 } });
  await put('/api/agents/carla', { name: 'Carla Menezes', groups: [{ groupId: 'ipva-n1', proficiency: 3 }], capacity: { phone: 1 } });
}

/** Creates a user through the API and logs in; returns its token. */
export async function loginAs(t: TestServer, username: string, role: 'agent' | 'supervisor' | 'admin', agentId?: string): Promise<string> {
  const password = 'senha-segura-123';
  const created = await t.api('POST', '/api/users', { body: { username, password, role, ...(agentId ? { agentId } : {}) } });
  if (created.status !== 201) throw new Error(`create user: ${created.status} ${JSON.stringify(created.body)}`);
  const login = await t.api('POST', '/api/login', { body: { username, password }, token: null });
  if (login.status !== 200) throw new Error(`login: ${login.status}`);
  return login.body.token as string;
}

export async function setAvailable(t: TestServer, agentId: string): Promise<void> {
  const answer = await t.api('PUT', `/api/agents/${agentId}/state`, { body: { state: 'available' } });
  if (answer.status !== 200) throw new Error(`state: ${answer.status} ${JSON.stringify(answer.body)}`);
}
