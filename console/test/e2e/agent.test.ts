// The agent's day in real Chromium against the real server: log in, go available, receive an
// offer, accept it with the keyboard, tabulate and end it, finish wrap-up — while the supervisor
// board counts the session as handled. Every screen passes axe and is photographed.
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { describeViolations, login, screenshot, seedAgency, seriousViolations, startHarness, waitForText, type Harness } from './harness';

const handledCell = 'tr[data-group="ipva-n1"][data-channel="chat"] [data-testid="atendidos"]';

describe('agent workspace', () => {
  let h: Harness;

  beforeAll(async () => {
    h = await startHarness();
    await seedAgency(h, { wrapUpSeconds: 20 });
  });

  afterAll(async () => {
    await h?.close();
  });

  it('shows the login page accessibly and refuses a wrong password in Portuguese', async () => {
    const page = await h.newPage();
    await page.goto(`${h.base}/atendente`);
    await page.waitForURL('**/login?voltar=%2Fatendente');
    await page.getByRole('button', { name: 'Entrar', exact: true }).click();
    await page.getByText('Informe o usuário.').waitFor();
    await page.getByLabel('Usuário').fill('ana');
    await page.getByLabel('Senha').fill('errada-123');
    await page.getByRole('button', { name: 'Entrar', exact: true }).click();
    await page.getByText('Usuário ou senha inválidos.').waitFor();
    await screenshot(page, 'login');
    const violations = await seriousViolations(page);
    expect(violations, describeViolations(violations)).toEqual([]);
    await page.close();
  });

  it('takes a session from offer to wrap-up, and the board counts it as handled', async () => {
    const board = await h.newPage();
    await login(board, h.base, 'supervisora', '/supervisor');
    await waitForText(board, handledCell, '0');

    const agent = await h.newPage();
    await login(agent, h.base, 'ana', '/atendente');
    await agent.getByText('Conectado', { exact: true }).waitFor();
    await waitForText(agent, '[data-testid="estado-atual"]', 'Offline');

    // Pausing asks for a reason first.
    await agent.getByRole('button', { name: 'Pausa', exact: true }).click();
    await agent.getByText('Escolha o motivo da pausa.').waitFor();
    await agent.getByLabel('Motivo da pausa').selectOption('Almoço');
    await agent.getByRole('button', { name: 'Pausa', exact: true }).click();
    await waitForText(agent, '[data-testid="estado-atual"]', 'Em pausa — Almoço');

    await agent.getByRole('button', { name: 'Disponível', exact: true }).click();
    await waitForText(agent, '[data-testid="estado-atual"]', 'Disponível');
    await agent.getByText('Aguardando ofertas…').waitFor();
    await screenshot(agent, 'atendente-disponivel');

    await h.must('POST', '/api/interactions', {
      id: 'e2e-agent-1',
      channel: 'chat',
      groupId: 'ipva-n1',
      contact: { name: 'Maria da Silva', cpf: '12345678909', email: 'maria@example.org' },
      // The contact is also in the data: the session JSON carries only the contact's id today.
      data: { contact: { name: 'Maria da Silva', cpf: '12345678909', email: 'maria@example.org' }, assunto: 'Segunda via do IPVA' },
    });
    const offer = agent.getByTestId('oferta');
    await offer.waitFor();
    // Agents may not read GET /api/groups yet (403): the card then names the group by its id.
    await offer.getByText(/IPVA — Pagamento|ipva-n1/).waitFor();
    await offer.getByText('123.456.789-09').waitFor();
    await screenshot(agent, 'atendente-oferta');
    let violations = await seriousViolations(agent);
    expect(violations, describeViolations(violations)).toEqual([]);

    // Keyboard: A accepts the offer.
    await agent.locator('body').click({ position: { x: 5, y: 700 } });
    await agent.keyboard.press('a');
    await agent.getByRole('tab', { name: /Maria da Silva/ }).waitFor();
    await offer.waitFor({ state: 'detached' });
    await agent.getByText('Segunda via do IPVA').waitFor();

    // Shortcuts do not fire while typing: an "e" in the notes is just a letter.
    const notes = agent.getByLabel('Anotações');
    await notes.fill('Segunda via enviada por e-mail ao contribuint');
    await notes.press('e');
    expect(await agent.getByRole('heading', { name: 'Tabulação do atendimento' }).count()).toBe(0);
    await screenshot(agent, 'atendente-sessao');
    violations = await seriousViolations(agent);
    expect(violations, describeViolations(violations)).toEqual([]);

    // Outside the field, E starts ending: tabulação first.
    await agent.getByRole('heading', { name: 'Conversa' }).click();
    await agent.keyboard.press('e');
    await agent.getByRole('heading', { name: 'Tabulação do atendimento' }).waitFor();
    // Prefilled from the group when the agent may read it; typed otherwise.
    if ((await agent.getByLabel('Tema').inputValue()) === '') {
      await agent.getByLabel('Tema').fill('IPVA');
      await agent.getByLabel('Categoria').fill('Pagamento');
    }
    await agent.getByRole('button', { name: 'Encerrar atendimento' }).click();
    await agent.getByText('Escolha o desfecho do atendimento.').waitFor();
    await agent.getByLabel('Desfecho').selectOption('Resolvido');
    await screenshot(agent, 'atendente-tabulacao');
    violations = await seriousViolations(agent);
    expect(violations, describeViolations(violations)).toEqual([]);
    await agent.getByRole('button', { name: 'Encerrar atendimento' }).click();

    // Wrap-up counts down; the agent finishes it early.
    const wrapup = agent.getByTestId('pos-atendimento');
    await wrapup.waitFor();
    await wrapup.getByText(/Você fica livre em 0:(1\d|20)/).waitFor();
    await screenshot(agent, 'atendente-pos-atendimento');
    await agent.getByRole('button', { name: 'Concluir e ficar livre' }).click();
    await agent.getByText('Nenhum atendimento aberto').waitFor();

    const ended = await h.must<{ state: string; tabulation?: Record<string, string> }>('GET', '/api/interactions/e2e-agent-1');
    expect(ended.state).toBe('ended');
    expect(ended.tabulation).toMatchObject({ tema: 'IPVA', categoria: 'Pagamento', outcome: 'Resolvido', notes: 'Segunda via enviada por e-mail ao contribuinte' });

    // The board's figures moved: one handled in IPVA — Pagamento / Chat.
    await waitForText(board, handledCell, '1', 3000);
    await waitForText(board, '[data-testid="total-atendidos"]', '1');
    await screenshot(board, 'supervisor-apos-atendimento');
    await board.close();
    await agent.close();
  });

  it('lets an agent reject an offer with R and the session goes back to the queue', async () => {
    const agent = await h.newPage();
    await login(agent, h.base, 'ana', '/atendente');
    await waitForText(agent, '[data-testid="estado-atual"]', 'Disponível');
    await h.must('POST', '/api/interactions', { id: 'e2e-agent-2', channel: 'chat', groupId: 'ipva-n1', contact: { name: 'José' } });
    await agent.getByTestId('oferta').waitFor();
    await agent.keyboard.press('r');
    await agent.getByTestId('oferta').waitFor({ state: 'detached' });
    const session = await h.must<{ state: string; agentId?: string }>('GET', '/api/interactions/e2e-agent-2');
    expect(['queued', 'offered']).toContain(session.state);
    await agent.close();
  });
});
