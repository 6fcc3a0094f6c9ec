// The demo agency: seeded through the API's operations, idempotently, with working logins, and
// a simulation that makes sessions arrive and agents answer.
import { pino } from 'pino';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { fakeCpf, seedAgency, startDemo } from '../../src/demo/index.js';
import { AGENTS, GROUPS } from '../../src/demo/agency.js';
import { startTestServer, type TestServer } from '../server/helpers.js';

describe('the demo agency', () => {
  let t: TestServer;

  beforeAll(async () => {
    t = await startTestServer();
  });
  afterAll(() => t?.close());

  it('seeds groups on three levels, two units and agents on every channel, and seeding again adds no event', async () => {
    const credentials = await seedAgency(t.server.services);
    const groups = (await t.api('GET', '/api/groups')).body;
    expect(groups.map((g: { name: string }) => g.name)).toEqual(expect.arrayContaining(['IPVA — Pagamento', 'ITCD — Protocolo de Processos', 'Pagamentos e Restituição — Contestação de Débito']));
    expect(new Set(groups.map((g: { level: number }) => g.level))).toEqual(new Set([1, 2, 3]));
    expect((await t.api('GET', '/api/units')).body).toHaveLength(2);
    const agents = (await t.api('GET', '/api/agents')).body;
    expect(agents).toHaveLength(AGENTS.length);
    for (const channel of ['chat', 'whatsapp', 'phone', 'video', 'presencial']) {
      expect(agents.some((a: { capacity: Record<string, number> }) => a.capacity[channel]! > 0), channel).toBe(true);
    }

    const log = t.server.services.context.eventLog;
    const seq = await log.lastSeq();
    const again = await seedAgency(t.server.services);
    expect(await log.lastSeq()).toBe(seq);
    expect(again.map((c) => c.username)).toEqual(credentials.map((c) => c.username));

    const admin = again.find((c) => c.role === 'admin')!;
    const login = await t.api('POST', '/api/login', { body: { username: admin.username, password: admin.password }, token: null });
    expect(login.status).toBe(200);
    // Passwords are new at every start: the previous run's no longer work.
    const old = credentials.find((c) => c.role === 'admin')!;
    expect((await t.api('POST', '/api/login', { body: { username: old.username, password: old.password }, token: null })).status).toBe(401);
  });

  it('simulates citizens arriving and agents accepting and ending sessions', async () => {
    const engine = t.server.services.context.engine;
    const seen = new Set<string>();
    const done = new Promise<void>((resolve) => {
      const off = engine.subscribe((events) => {
        for (const e of events) seen.add(e.type);
        if (seen.has('interaction.queued') && seen.has('interaction.accepted') && seen.has('interaction.ended')) {
          off();
          resolve();
        }
      });
    });
    const demo = await startDemo(t.server.services, pino({ level: 'silent' }), { arrivalEveryMs: 100, speed: 20 });
    try {
      await done;
      const queues = (await t.api('GET', '/api/queues')).body;
      expect(queues.some((q: { answered: number }) => q.answered > 0)).toBe(true);
      expect(GROUPS.some((g) => queues.some((q: { groupId: string }) => q.groupId === g.id))).toBe(true);
    } finally {
      await demo.stop();
    }
  }, 180_000);

  it('makes CPFs with valid check digits', () => {
    for (let i = 0; i < 20; i++) {
      const cpf = fakeCpf();
      expect(cpf).toMatch(/^\d{11}$/);
      const d = cpf.split('').map(Number);
      const check = (n: number) => ((d.slice(0, n).reduce((s, x, j) => s + x * (n + 1 - j), 0) * 10) % 11) % 10;
      expect([check(9), check(10)]).toEqual([d[9], d[10]]);
    }
  });
});
