// Webchat end to end in real Chromium, both sides on screen: a citizen opens /chat, identifies
// (name, e-mail, CPF), picks a theme, gets the knowledge-base bot's answer and asks for a human; the
// agent, in the console, accepts the offer, reads the bot transcript, answers; typing and read
// receipts travel both ways; files go both ways (and the console refuses what the server would).
// The channel modules are the real ones (@atende/channels) mounted in the real server.
import { mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { createChannels } from '@atende/channels';
import type { Page } from 'playwright-core';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { describeViolations, login, screenshot, seedAgency, seriousViolations, startHarness, waitForText, type Harness } from './harness';

// A real 1×1 PNG and a minimal PDF: the server checks types by their content.
const PNG = Buffer.from('iVBORw0KGgoAAAANSUhEUgAAAAEAAAABCAQAAAC1HAwCAAAAC0lEQVR42mNkYAAAAAYAAjCB0C8AAAAASUVORK5CYII=', 'base64');
const PDF = Buffer.from('%PDF-1.7\n1 0 obj << /Type /Catalog >> endobj\ntrailer << /Root 1 0 R >>\n%%EOF\n');
const BOT_ANSWER = 'Acesse o portal da SEFAZ, menu "IPVA"';

describe('chat between a citizen and an agent', () => {
  let h: Harness;
  let attachmentsDir: string;

  beforeAll(async () => {
    attachmentsDir = mkdtempSync(join(tmpdir(), 'atende-e2e-chat-'));
    const channels = createChannels({
      // No Graph API in this test: WhatsApp stays unconfigured (it only warns, in a silent log).
      whatsapp: { graphUrl: 'http://127.0.0.1:9', graphVersion: 'v21.0' },
      hub: { attachmentsDir, seedDemoKnowledge: true, sweepIntervalMs: 1000 },
    });
    h = await startHarness({}, { channels });
    await seedAgency(h);
  });

  afterAll(async () => {
    await h?.close();
    if (attachmentsDir) rmSync(attachmentsDir, { recursive: true, force: true });
  });

  it('hands the bot conversation to the agent, who answers live with typing, receipts and files', async () => {
    const agent = await h.newPage();
    const errors: string[] = [];
    agent.on('pageerror', (err) => errors.push(err.message));
    await login(agent, h.base, 'ana', '/atendente');
    await agent.getByText('Conectado', { exact: true }).waitFor();
    await agent.getByRole('button', { name: 'Disponível', exact: true }).click();
    await agent.getByText('Aguardando ofertas…').waitFor();

    // The citizen: identify, theme, a question the bot answers, then a human.
    const citizen = await h.newPage();
    citizen.on('pageerror', (err) => errors.push(err.message));
    await citizen.goto(`${h.base}/chat`);
    await citizen.getByLabel('Nome completo').fill('Maria Souza');
    await citizen.getByLabel('E-mail').fill('maria.souza@example.com');
    await citizen.getByLabel('CPF').fill('52998224725');
    await citizen.getByRole('button', { name: 'Iniciar atendimento' }).click();
    await citizen.getByText('Olá, Maria! Sou o assistente virtual').waitFor();
    await citizen.getByRole('button', { name: /^IPVA/ }).click();
    await citizen.getByText('Escreva sua dúvida').waitFor();
    await say(citizen, 'como emitir a segunda via da guia?');
    await citizen.getByText(BOT_ANSWER).waitFor();
    await say(citizen, 'falar com atendente');
    await citizen.getByText('Você entrou na fila').waitFor();

    // The agent accepts the offer: the session shows who the citizen is and the bot transcript, set apart.
    const offer = agent.getByTestId('oferta');
    await offer.waitFor();
    await offer.getByText('Maria Souza').waitFor();
    await offer.getByRole('button', { name: /Aceitar/ }).click();
    await agent.getByRole('tab', { name: /Maria Souza/ }).waitFor();
    const view = agent.getByTestId('chat-view');
    const transcript = view.getByTestId('transcricao-bot');
    await transcript.getByText('como emitir a segunda via da guia?').waitFor();
    await transcript.getByText(BOT_ANSWER).waitFor();
    await transcript.getByRole('heading', { name: /Antes do atendimento humano/ }).waitFor();
    const human = view.getByTestId('atendimento-humano');
    await human.getByText('Você entrou na fila').waitFor();
    expect(await transcript.getByText('Você entrou na fila').count()).toBe(0);
    await agent.getByText('529.982.247-25').waitFor();
    await citizen.getByText('Você está sendo atendido(a) por Ana Souza.').waitFor();

    // The agent types (the citizen sees it), then Shift+Enter breaks the line and Enter sends.
    const box = view.getByLabel('Mensagem para o cidadão');
    await box.pressSequentially('Olá, Maria!', { delay: 15 });
    await citizen.getByText('Atendente digitando…').waitFor();
    await box.press('Shift+Enter');
    await box.pressSequentially('Emiti a segunda via da guia para você.');
    expect(await box.inputValue()).toBe('Olá, Maria!\nEmiti a segunda via da guia para você.');
    await box.press('Enter');
    // The draft clears once the server has stored the message (the POST answered).
    await expect.poll(() => box.inputValue(), { timeout: 5_000 }).toBe('');
    await citizen.locator('.atende-msg--agent').getByText('Emiti a segunda via da guia para você.').waitFor();
    // The widget acknowledged and read it: the agent's message shows "Lida".
    const mine = human.locator('li[data-author="agent"]').last();
    await mine.getByText('Emiti a segunda via da guia para você.').waitFor();
    await mine.locator('[data-testid="marca-entrega"][data-status="read"]').waitFor({ timeout: 10_000 });
    expect((await mine.getByTestId('marca-entrega').textContent())?.trim()).toBe('✓✓ Lida');

    // The citizen types (the agent sees it) and answers; the agent, looking at the thread, reads it.
    // The widget sends typing at most every 3 s and sent one with the last question: keep typing past that.
    await Promise.all([
      waitForText(agent, '[data-testid="digitando"]', 'Maria Souza está digitando…', 10_000),
      citizen.getByLabel('Mensagem').pressSequentially('Obrigada! Era isso.', { delay: 250 }),
    ]);
    await citizen.getByRole('button', { name: 'Enviar' }).click();
    await human.locator('li[data-author="citizen"]').getByText('Obrigada! Era isso.').waitFor();
    await waitForText(agent, '[data-testid="digitando"]', '');
    await citizen.locator('.atende-msg--citizen').filter({ hasText: 'Obrigada! Era isso.' }).getByText('✓✓ lida').waitFor();

    // Files: the agent's PDF reaches the citizen; the citizen's image shows in the console.
    const file = view.locator('input[type="file"]');
    await file.setInputFiles({ name: 'guia-ipva.pdf', mimeType: 'application/pdf', buffer: PDF });
    await human.locator('li[data-author="agent"]').getByRole('button', { name: /guia-ipva\.pdf/ }).waitFor();
    await citizen.getByRole('link', { name: /guia-ipva\.pdf/ }).waitFor();
    await citizen.locator('input[type="file"]').setInputFiles({ name: 'comprovante.png', mimeType: 'image/png', buffer: PNG });
    const image = human.locator('li[data-author="citizen"]').getByRole('img', { name: 'comprovante.png' });
    await image.waitFor();
    expect(await image.evaluate((img: HTMLImageElement) => img.complete && img.naturalWidth)).toBe(1);

    // What the server refuses is said in Portuguese; over 20 MB is refused before uploading.
    await file.setInputFiles({ name: 'programa.pdf', mimeType: 'application/pdf', buffer: Buffer.concat([Buffer.from('MZ'), Buffer.alloc(200)]) });
    await view.getByRole('alert').getByText(/Tipo de arquivo não permitido/).waitFor();
    await file.setInputFiles({ name: 'video.mp4', mimeType: 'video/mp4', buffer: Buffer.alloc(20 * 1024 * 1024 + 1) });
    await view.getByRole('alert').getByText('O arquivo “video.mp4” tem 20 MB: o limite é 20 MB.').waitFor();
    await view.getByText('anexos até 20 MB', { exact: false }).waitFor();

    const violations = await seriousViolations(agent);
    expect(violations, describeViolations(violations)).toEqual([]);
    await view.getByRole('button', { name: 'Fechar aviso' }).click();
    await screenshot(agent, 'atendente-chat');
    await view.getByRole('log').evaluate((log) => (log.scrollTop = 0));
    await screenshot(agent, 'atendente-chat-transcricao');
    await screenshot(citizen, 'cidadao-chat');

    // A reload keeps the whole thread: transcript, answers, files and marks come from the server.
    await agent.reload();
    await agent.getByTestId('transcricao-bot').getByText(BOT_ANSWER).waitFor();
    await agent.getByTestId('atendimento-humano').getByText('Obrigada! Era isso.').waitFor();
    await agent.locator('li[data-author="agent"] [data-status="read"]').first().waitFor();

    // Ending: in wrap-up the thread stays on screen, read-only; the citizen is told.
    await agent.getByRole('button', { name: /Encerrar/ }).first().click();
    if ((await agent.getByLabel('Tema').inputValue()) === '') {
      await agent.getByLabel('Tema').fill('IPVA');
      await agent.getByLabel('Categoria').fill('Pagamento');
    }
    await agent.getByLabel('Desfecho').selectOption('Resolvido');
    await agent.getByRole('button', { name: 'Encerrar atendimento' }).click();
    await agent.getByTestId('pos-atendimento').waitFor();
    await agent.getByText('O atendimento não está mais ativo: a conversa fica disponível só para leitura.').waitFor();
    await agent.getByTestId('atendimento-humano').getByText('Obrigada! Era isso.').waitFor();
    expect(await agent.getByLabel('Mensagem para o cidadão').count()).toBe(0);
    await citizen.getByText('Atendimento encerrado', { exact: false }).first().waitFor();
    expect(errors).toEqual([]);
    await citizen.close();
    await agent.close();
  });
});

async function say(citizen: Page, text: string): Promise<void> {
  await citizen.getByLabel('Mensagem').fill(text);
  await citizen.getByRole('button', { name: 'Enviar' }).click();
}
