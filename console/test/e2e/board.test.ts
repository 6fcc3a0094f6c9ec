// The supervisor board in real Chromium against the real server: a new session shows within a
// second, the page passes axe, and the board comes back by itself after a server restart.
import { mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { startServer } from '@atende/router/server';
import { ADMIN_TOKEN, describeViolations, Relay, login, screenshot, seedAgency, seriousViolations, startHarness, waitForText, type Harness } from './harness';

const waitingCell = 'tr[data-group="ipva-n1"][data-channel="chat"] [data-testid="em-espera"]';

describe('supervisor board', () => {
  let h: Harness;
  let dataDir: string;
  let relay: Relay;
  /** Where the browser goes: the relay in front of the server. */
  let site: string;

  beforeAll(async () => {
    // A data directory on disk so the server can be restarted with its state.
    dataDir = mkdtempSync(join(tmpdir(), 'atende-console-e2e-'));
    h = await startHarness({ dataDir });
    relay = new Relay(h.server.port);
    await relay.listen();
    site = `http://127.0.0.1:${relay.port}`;
    await seedAgency(h);
  });

  afterAll(async () => {
    await relay?.close();
    await h?.close();
    rmSync(dataDir, { recursive: true, force: true });
  });

  it('shows a session created through the API within one second', async () => {
    const page = await h.newPage();
    await login(page, site, 'supervisora', '/supervisor');
    await waitForText(page, '[data-testid="conexao"]', 'Ao vivo');
    await waitForText(page, waitingCell, '0');

    const started = Date.now();
    await h.must('POST', '/api/interactions', { id: 'board-1', channel: 'chat', groupId: 'ipva-n1', contact: { name: 'Maria da Silva' } });
    await waitForText(page, waitingCell, '1', 1000);
    const elapsed = Date.now() - started;
    expect(elapsed).toBeLessThan(1000);
    await waitForText(page, '[data-testid="total-espera"]', '1');

    // The longest wait ticks on in the browser between server updates.
    await page.waitForFunction(
      () => {
        const cell = document.querySelector('tr[data-group="ipva-n1"][data-channel="chat"] td:nth-child(4)');
        return cell !== null && /^0:0[2-9]$/.test(cell.textContent?.trim() ?? '');
      },
      null,
      { timeout: 5000 },
    );
    await screenshot(page, 'supervisor');
    const violations = await seriousViolations(page);
    expect(violations, describeViolations(violations)).toEqual([]);
    await page.close();
  });

  it('scales to a wall TV (1920×1080, modo TV) without horizontal scrolling', async () => {
    const page = await h.newPage();
    await page.setViewportSize({ width: 1920, height: 1080 });
    await login(page, site, 'supervisora', '/supervisor');
    await page.goto(`${site}/supervisor?tv=1`);
    await waitForText(page, '[data-testid="conexao"]', 'Ao vivo');
    await waitForText(page, waitingCell, '1');
    const fontSize = await page.evaluate(() => parseFloat(getComputedStyle(document.documentElement).fontSize));
    expect(fontSize).toBeGreaterThan(17);
    expect(await page.evaluate(() => document.documentElement.scrollWidth <= window.innerWidth)).toBe(true);
    await screenshot(page, 'supervisor-tv-1920');
    await page.close();
  });

  it('reconnects after a server restart and shows a fresh snapshot', { timeout: 60_000 }, async () => {
    await h.must('POST', '/api/interactions', { id: 'board-restart-1', channel: 'chat', groupId: 'ipva-n1' });
    const waiting = (await h.must<{ groupId: string; channel: string; waiting: number }[]>('GET', '/api/queues')).find(
      (q) => q.groupId === 'ipva-n1' && q.channel === 'chat',
    )!.waiting;
    const page = await h.newPage();
    await login(page, site, 'supervisora', '/supervisor');
    await waitForText(page, '[data-testid="conexao"]', 'Ao vivo');
    await waitForText(page, waitingCell, String(waiting));

    await h.server.close();
    relay.retarget(1); // nothing listens there: connections fail as they do while a server is down
    await page.waitForFunction(() => /Reconectando/.test(document.querySelector('[data-testid="conexao"]')?.textContent ?? ''), null, { timeout: 5000 });
    await screenshot(page, 'supervisor-reconectando');

    h.server = await startServer({ port: 0, host: '127.0.0.1', dataDir, logLevel: 'silent', adminToken: ADMIN_TOKEN, checkpointIntervalMs: 3_600_000 });
    h.base = `http://127.0.0.1:${h.server.port}`;
    relay.retarget(h.server.port);
    await waitForText(page, '[data-testid="conexao"]', 'Ao vivo', 20_000);
    // The waiting sessions survived the restart; a new one made afterwards shows too.
    await waitForText(page, waitingCell, String(waiting));
    await h.must('POST', '/api/interactions', { id: 'board-restart-2', channel: 'chat', groupId: 'ipva-n1' });
    await waitForText(page, waitingCell, String(waiting + 1), 2000);
    await page.close();
  });
});
