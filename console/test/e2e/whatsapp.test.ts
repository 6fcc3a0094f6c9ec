// A WhatsApp session in the console, in real Chromium: the citizen (driven through the channels'
// Graph API simulator, which signs webhooks as Meta does) last wrote 25 hours ago; the agent sees
// the masked number and the closed 24-hour window, is refused free text in Portuguese, sends an
// approved template instead, sees Meta's read status arrive, and writes freely once the citizen
// answers. The full number never reaches the page.
import { mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { createChannels } from '@atende/channels';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { GraphSimulator } from '../../../channels/test/whatsapp/graph-simulator';
import { describeViolations, login, screenshot, seedAgency, seriousViolations, startHarness, type Harness } from './harness';

const META = { accessToken: 'EAAG-e2e-token', phoneNumberId: '106540352242922', appSecret: 'segredo-e2e-meta', version: 'v21.0' };
const WA_ID = '5511987651234';

describe('WhatsApp session in the console', () => {
  let h: Harness;
  let sim: GraphSimulator;
  let attachmentsDir: string;

  beforeAll(async () => {
    sim = await GraphSimulator.start(META);
    attachmentsDir = mkdtempSync(join(tmpdir(), 'atende-e2e-whatsapp-'));
    const channels = createChannels({
      whatsapp: {
        verifyToken: 'verificacao-e2e',
        appSecret: META.appSecret,
        accessToken: META.accessToken,
        phoneNumberId: META.phoneNumberId,
        graphUrl: sim.url,
        graphVersion: META.version,
      },
      hub: { attachmentsDir, seedDemoKnowledge: true, sweepIntervalMs: 1000 },
    });
    h = await startHarness({}, { channels });
    sim.webhookUrl = `${h.base}/webhooks/whatsapp`;
    await seedAgency(h);
    await h.must('PUT', '/api/agents/ana', { name: 'Ana Souza', groups: [{ groupId: 'ipva-n1', proficiency: 4 }], capacity: { chat: 1, whatsapp: 1 } });
  });

  afterAll(async () => {
    await h?.close();
    await sim?.close();
    if (attachmentsDir) rmSync(attachmentsDir, { recursive: true, force: true });
  });

  const citizen = async (payload: unknown) => expect((await sim.deliver(payload)).status).toBe(200);

  it('masks the number and offers a template outside the 24-hour window', async () => {
    const agent = await h.newPage();
    const errors: string[] = [];
    agent.on('pageerror', (err) => errors.push(err.message));
    await login(agent, h.base, 'ana', '/atendente');
    await agent.getByRole('button', { name: 'Disponível', exact: true }).click();
    await agent.getByText('Aguardando ofertas…').waitFor();

    // Meta's timestamps say the citizen wrote 25 hours ago.
    sim.clockOffsetMs = -25 * 3600_000;
    await citizen(sim.replyPayload(WA_ID, { id: 'grupo:ipva-n1', title: 'IPVA' }, 'list').payload);
    await citizen(sim.textPayload(WA_ID, 'falar com atendente').payload);
    sim.clockOffsetMs = 0;

    const offer = agent.getByTestId('oferta');
    await offer.waitFor();
    await offer.getByRole('button', { name: /Aceitar/ }).click();
    const view = agent.getByTestId('chat-view');
    await view.getByTestId('transcricao-bot').getByText('falar com atendente').waitFor();
    await waitForTextIn(view.getByTestId('telefone-mascarado'), '+55 11 9****-1234');
    await view.getByTestId('janela-whatsapp').getByText(/Janela de 24 h encerrada/).waitFor();

    // Free text is refused with the reason, and the template form opens.
    const box = view.getByLabel('Mensagem para o cidadão');
    await box.fill('Bom dia, Maria! Retomando seu atendimento.');
    await box.press('Enter');
    await view.getByRole('alert').getByText(/Fora da janela de 24 horas do WhatsApp/).waitFor();
    expect(await box.inputValue()).toBe('Bom dia, Maria! Retomando seu atendimento.');
    expect(sim.sentTo(WA_ID).filter((m) => m.type === 'text' && m.body.text.body.startsWith('Bom dia'))).toHaveLength(0);

    const form = view.getByRole('form', { name: 'Enviar modelo (template) aprovado' });
    await form.getByLabel('Nome do modelo').fill('Retomada');
    await form.getByRole('button', { name: 'Enviar modelo' }).click();
    await form.getByText(/letras minúsculas/).waitFor();
    await form.getByLabel('Nome do modelo').fill('retomada_atendimento');
    await form.getByLabel('Parâmetros do corpo (um por linha)').fill('Maria');
    await form.getByLabel('Texto para o histórico (opcional)').fill('Olá, Maria! Podemos retomar seu atendimento?');
    await form.getByRole('button', { name: 'Enviar modelo' }).click();
    await form.waitFor({ state: 'detached' });
    const sent = await sim.waitForSend((m) => m.to === WA_ID && m.type === 'template');
    expect(sent.body.template).toEqual({
      name: 'retomada_atendimento',
      language: { code: 'pt_BR' },
      components: [{ type: 'body', parameters: [{ type: 'text', text: 'Maria' }] }],
    });
    const template = view.locator('li[data-author="agent"]').last();
    await template.getByText('Olá, Maria! Podemos retomar seu atendimento?').waitFor();
    await template.getByText('Modelo (template) “retomada_atendimento”').waitFor();

    // Meta reports the template read: the mark follows.
    await citizen(sim.statusPayload(sent.id, 'read', WA_ID));
    await template.locator('[data-status="read"]').waitFor();

    // The citizen answers: the window opens and free text goes through.
    const answer = sim.textPayload(WA_ID, 'Sim, pode falar.');
    await citizen(answer.payload);
    await view.getByTestId('atendimento-humano').getByText('Sim, pode falar.').waitFor();
    await view.getByTestId('janela-whatsapp').getByText(/Janela de 24 h aberta até/).waitFor();
    await box.press('Enter');
    await sim.waitForSend((m) => m.to === WA_ID && m.type === 'text' && m.body.text.body === 'Bom dia, Maria! Retomando seu atendimento.');
    await view.locator('li[data-author="agent"]').last().getByText('Bom dia, Maria! Retomando seu atendimento.').waitFor();
    // The agent had the thread open: Meta got the read receipt for the citizen's answer.
    await expect.poll(() => sim.reads.includes(answer.messageId), { timeout: 5000 }).toBe(true);

    expect(await agent.content()).not.toContain(WA_ID);
    const violations = await seriousViolations(agent);
    expect(violations, describeViolations(violations)).toEqual([]);
    await screenshot(agent, 'atendente-whatsapp');
    expect(errors).toEqual([]);
    await agent.close();
  });
});

async function waitForTextIn(locator: import('playwright-core').Locator, expected: string): Promise<void> {
  await locator.waitFor();
  await expect.poll(async () => (await locator.textContent())?.trim()).toBe(expected);
}
