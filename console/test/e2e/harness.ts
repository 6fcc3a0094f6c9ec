// End-to-end harness: the real router started in-process (PGlite in memory, serving the built
// console), Debian's Chromium driven by playwright-core, axe-core injected into pages, and
// screenshots at 1366×768 under console/test-results/.
import { existsSync, mkdirSync, readFileSync } from 'node:fs';
import { createRequire } from 'node:module';
import { createServer, connect, type Server, type Socket } from 'node:net';
import { fileURLToPath } from 'node:url';
import { startServer, type RunningServer, type ServerConfigInput, type ServerHooks } from '@atende/router/server';
import { chromium, type Browser, type BrowserContext, type Page } from 'playwright-core';

export const ADMIN_TOKEN = 'e2e-admin-token-0123456789abcdef';
export const PASSWORD = 'senha-segura-123';
export const VIEWPORT = { width: 1366, height: 768 };
export const RESULTS_DIR = fileURLToPath(new URL('../../test-results/', import.meta.url));

const CHROMIUM = process.env.CHROMIUM_PATH ?? '/usr/bin/chromium';
const CHROMIUM_ARGS = ['--headless', '--no-sandbox', '--disable-gpu', '--disable-background-networking', '--disable-component-update', '--no-first-run'];
const AXE_SOURCE = readFileSync(createRequire(import.meta.url).resolve('axe-core/axe.min.js'), 'utf8');

export interface Harness {
  server: RunningServer;
  base: string;
  browser: Browser;
  api<T = unknown>(method: string, path: string, body?: unknown, token?: string): Promise<{ status: number; body: T }>;
  /** PUT/POST that must succeed (setup steps). */
  must<T = unknown>(method: string, path: string, body?: unknown, token?: string): Promise<T>;
  newPage(): Promise<Page>;
  close(): Promise<void>;
}

/** `hooks.channels`: the channel modules to mount (the chat test mounts webchat and WhatsApp). */
export async function startHarness(config: ServerConfigInput = {}, hooks: ServerHooks = {}): Promise<Harness> {
  mkdirSync(RESULTS_DIR, { recursive: true });
  if (!existsSync(CHROMIUM)) throw new Error(`Chromium not found at ${CHROMIUM}: apt-get install -y chromium (or set CHROMIUM_PATH)`);
  const defaults: ServerConfigInput = {
    port: 0,
    host: '127.0.0.1',
    dataDir: 'memory://',
    logLevel: 'silent',
    adminToken: ADMIN_TOKEN,
    checkpointIntervalMs: 3_600_000,
    router: { offerTimeoutSeconds: 60 },
  };
  const server = await startServer({ ...defaults, ...config }, hooks);
  const base = `http://127.0.0.1:${server.port}`;
  const browser = await chromium.launch({ executablePath: CHROMIUM, args: CHROMIUM_ARGS, headless: true });
  const contexts: BrowserContext[] = [];

  async function api<T>(method: string, path: string, body?: unknown, token = ADMIN_TOKEN): Promise<{ status: number; body: T }> {
    // harness.base: a test that restarts the server points it at the new one.
    const response = await fetch(`${harness.base}${path}`, {
      method,
      headers: { authorization: `Bearer ${token}`, ...(body === undefined ? {} : { 'content-type': 'application/json' }) },
      body: body === undefined ? undefined : JSON.stringify(body),
    });
    const text = await response.text();
    return { status: response.status, body: (text ? JSON.parse(text) : undefined) as T };
  }

  const harness: Harness = {
    server,
    base,
    browser,
    api,
    async must<T>(method: string, path: string, body?: unknown, token?: string): Promise<T> {
      const answer = await api<T>(method, path, body, token);
      if (answer.status >= 300) throw new Error(`${method} ${path}: ${answer.status} ${JSON.stringify(answer.body)}`);
      return answer.body;
    },
    async newPage() {
      // Reduced motion: screenshots and axe see cards at rest, not mid-animation.
      const context = await browser.newContext({ viewport: VIEWPORT, locale: 'pt-BR', timezoneId: 'America/Sao_Paulo', reducedMotion: 'reduce' });
      contexts.push(context);
      const page = await context.newPage();
      page.on('pageerror', (err) => console.error(`[browser] ${err.message}`));
      return page;
    },
    async close() {
      for (const c of contexts) await c.close().catch(() => undefined);
      await browser.close().catch(() => undefined);
      // The test may have restarted the server: close whichever is current.
      await harness.server.close();
    },
  };
  return harness;
}

/** Signs in through the login page and waits for the role's screen. */
export async function login(page: Page, base: string, username: string, landing: string): Promise<void> {
  await page.goto(`${base}/login`);
  await page.getByLabel('Usuário').fill(username);
  await page.getByLabel('Senha').fill(PASSWORD);
  await page.getByRole('button', { name: 'Entrar', exact: true }).click();
  await page.waitForURL(`**${landing}*`);
}

export interface AxeViolation {
  id: string;
  impact: string | null;
  help: string;
  nodes: { target: unknown[]; failureSummary?: string }[];
}

/** Runs axe-core in the page; returns the serious and critical violations (WCAG A/AA rules and best practices). */
export async function seriousViolations(page: Page): Promise<AxeViolation[]> {
  if (!(await page.evaluate(() => 'axe' in window))) await page.addScriptTag({ content: AXE_SOURCE });
  const violations = await page.evaluate(async () => {
    const axe = (window as unknown as { axe: { run: (ctx: Document, options: object) => Promise<{ violations: AxeViolation[] }> } }).axe;
    const result = await axe.run(document, { resultTypes: ['violations'] });
    return result.violations.map((v) => ({ id: v.id, impact: v.impact, help: v.help, nodes: v.nodes.map((n) => ({ target: n.target, failureSummary: n.failureSummary })) }));
  });
  return violations.filter((v) => v.impact === 'serious' || v.impact === 'critical');
}

export const describeViolations = (violations: AxeViolation[]): string =>
  violations.map((v) => `${v.impact} ${v.id}: ${v.help}\n${v.nodes.map((n) => `  ${JSON.stringify(n.target)} ${n.failureSummary ?? ''}`).join('\n')}`).join('\n');

export async function screenshot(page: Page, name: string): Promise<void> {
  await page.screenshot({ path: `${RESULTS_DIR}${name}.png` });
}

/** Polls the page until the text of `selector` is `expected` (or the timeout passes). */
export async function waitForText(page: Page, selector: string, expected: string, timeoutMs = 5000): Promise<void> {
  await page.waitForFunction(
    ([sel, want]) => document.querySelector(sel!)?.textContent?.trim() === want,
    [selector, expected] as const,
    { timeout: timeoutMs, polling: 25 },
  );
}

/** An agency with one group, one chat agent and its user, a supervisor and a pause reason. */
export async function seedAgency(h: Harness, options: { wrapUpSeconds?: number } = {}): Promise<void> {
  await h.must('PUT', '/api/pause-reasons/almoco', { label: 'Almoço' });
  await h.must('PUT', '/api/pause-reasons/treinamento', { label: 'Treinamento' });
  await h.must('PUT', '/api/groups/ipva-n1', {
    name: 'IPVA — Pagamento',
    tema: 'IPVA',
    categoria: 'Pagamento',
    level: 1,
    slaSeconds: 60,
    wrapUpSeconds: options.wrapUpSeconds ?? 10,
  });
  await h.must('PUT', '/api/groups/ipva-n2', { name: 'IPVA — Pagamento (N2)', tema: 'IPVA', categoria: 'Pagamento', level: 2, slaSeconds: 120 });
  await h.must('PUT', '/api/agents/ana', { name: 'Ana Souza', groups: [{ groupId: 'ipva-n1', proficiency: 4 }], capacity: { chat: 1 } });
  await h.must('PUT', '/api/agents/carla', { name: 'Carla Menezes', groups: [{ groupId: 'ipva-n1', proficiency: 3 }, { groupId: 'ipva-n2', proficiency: 5 }], capacity: { phone: 1 } });
  await h.must('POST', '/api/users', { username: 'ana', password: PASSWORD, role: 'agent', agentId: 'ana' });
  await h.must('POST', '/api/users', { username: 'supervisora', password: PASSWORD, role: 'supervisor' });
}

/**
 * A TCP relay standing for the network between the browser and the server, so a test can restart
 * the server on another port while the page keeps its origin. (Restarting on the same port is
 * refused for a minute: this uWS build's listen socket lacks SO_REUSEADDR, so TIME_WAIT blocks it.)
 */
export class Relay {
  private readonly sockets = new Set<Socket>();
  private server: Server | undefined;
  port = 0;

  constructor(private target: number) {}

  async listen(): Promise<void> {
    this.server = createServer((client) => {
      const upstream = connect(this.target, '127.0.0.1');
      for (const s of [client, upstream]) {
        this.sockets.add(s);
        s.on('close', () => this.sockets.delete(s));
        s.on('error', () => undefined);
      }
      client.pipe(upstream).pipe(client);
      client.on('close', () => upstream.destroy());
      upstream.on('close', () => client.destroy());
    });
    await new Promise<void>((resolve) => this.server!.listen(0, '127.0.0.1', resolve));
    this.port = (this.server!.address() as { port: number }).port;
  }

  /** Cuts every connection (as a dying server does) and sends new ones to `target`. */
  retarget(target: number): void {
    this.target = target;
    for (const s of this.sockets) s.destroy();
  }

  close(): Promise<void> {
    for (const s of this.sockets) s.destroy();
    return new Promise((resolve) => (this.server ? this.server.close(() => resolve()) : resolve()));
  }
}
