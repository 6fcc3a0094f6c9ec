// The widget in real Chromium (Debian's, driven by playwright-core): a citizen opens /chat, is refused
// a CPF with wrong check digits, identifies, picks a theme, gets the bot's answer, asks for a human,
// and reads the agent's reply; the agent works through the API. Screenshots go to test-results/.
import { existsSync, mkdirSync } from 'node:fs';
import { fileURLToPath } from 'node:url';
import { chromium, type Browser } from 'playwright-core';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { configureAgency, eventually, setAvailable, startChannelServer, type ChannelTestServer } from '../helpers.js';

const CHROMIUM = process.env.CHROMIUM_PATH ?? '/usr/bin/chromium';
const RESULTS = fileURLToPath(new URL('../../test-results/', import.meta.url));

describe.skipIf(!existsSync(CHROMIUM))('webchat widget in Chromium', () => {
  let t: ChannelTestServer;
  let browser: Browser;

  beforeAll(async () => {
    mkdirSync(RESULTS, { recursive: true });
    t = await startChannelServer();
    await configureAgency(t, { agents: 1 });
    await setAvailable(t, 'ag-1');
    browser = await chromium.launch({ executablePath: CHROMIUM, args: ['--headless', '--no-sandbox', '--disable-gpu', '--no-first-run'], headless: true });
  });
  afterAll(async () => {
    await browser?.close();
    await t?.close();
  });

  it('lets a citizen talk to the bot and then to an agent', async () => {
    const page = await browser.newPage({ viewport: { width: 480, height: 800 }, locale: 'pt-BR' });
    const errors: string[] = [];
    page.on('pageerror', (err) => errors.push(err.message));
    page.on('console', (m) => m.type() === 'error' && errors.push(m.text()));
    await page.goto(`${t.base}/chat`);
    await page.getByLabel('Nome completo').fill('Maria Souza');
    await page.getByLabel('E-mail').fill('maria.souza@example.com');
    await page.getByLabel('CPF').fill('52998224724');
    await page.getByRole('button', { name: 'Iniciar atendimento' }).click();
    await page.getByText('CPF inválido').waitFor();
    await page.getByLabel('CPF').fill('52998224725');
    expect(await page.getByLabel('CPF').inputValue()).toBe('529.982.247-25');
    await page.getByRole('button', { name: 'Iniciar atendimento' }).click();

    await page.getByText('Olá, Maria! Sou o assistente virtual').waitFor();
    await page.getByRole('button', { name: /^IPVA/ }).click();
    await page.getByText('Escreva sua dúvida').waitFor();
    await page.getByLabel('Mensagem').fill('como emitir a segunda via da guia?');
    await page.getByRole('button', { name: 'Enviar' }).click();
    await page.getByText('Acesse o portal da SEFAZ, menu "IPVA"').waitFor();
    await page.screenshot({ path: `${RESULTS}webchat-bot.png` });

    await page.getByRole('button', { name: 'Falar com atendente' }).last().click();
    await page.getByText('Você entrou na fila').waitFor();
    const session = await eventually(async () => (await t.api('GET', '/api/interactions?channel=chat&state=offered')).body.items[0], 10_000, 'offer');
    expect((await t.api('POST', `/api/interactions/${session.id}/accept`, { body: {} })).status).toBe(200);
    await page.getByText('Você está sendo atendido(a) por Atendente 1.').waitFor();
    await t.api('POST', `/api/interactions/${session.id}/typing`);
    await page.getByText('Atendente digitando…').waitFor();
    await t.api('POST', `/api/interactions/${session.id}/messages`, { body: { text: 'Olá, Maria! Já emiti a guia para você.' } });
    await page.getByText('Olá, Maria! Já emiti a guia para você.').waitFor();
    // The widget acknowledged receipt and, being in front, reading.
    await eventually(async () => {
      const items = (await t.api('GET', `/api/interactions/${session.id}/messages`)).body.items as any[];
      return items.find((m) => m.author === 'agent')?.status === 'read';
    }, 10_000, 'agent message read');
    await page.screenshot({ path: `${RESULTS}webchat-agent.png` });
    expect(errors).toEqual([]);

    // A reload resumes the same conversation from the token kept in the browser.
    await page.reload();
    await page.getByText('Olá, Maria! Já emiti a guia para você.').waitFor();
    expect(await page.getByLabel('Nome completo').isVisible()).toBe(false);
    await page.close();
  });
});
