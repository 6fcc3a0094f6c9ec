// Administration in real Chromium against the real server: sign in with the admin token, create a
// group, an agent in it and that agent's user through the forms (pt-BR validation on the way),
// then the new agent signs in and works a session of the new group.
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { ADMIN_TOKEN, describeViolations, login, PASSWORD, screenshot, seriousViolations, startHarness, waitForText, type Harness } from './harness';

describe('administration', () => {
  let h: Harness;

  beforeAll(async () => {
    h = await startHarness();
    await h.must('PUT', '/api/pause-reasons/almoco', { label: 'Almoço' });
    await h.must('PUT', '/api/units/centro', { name: 'Unidade Centro', timeZone: 'America/Sao_Paulo' });
    await h.must('PUT', '/api/hours/comercial', {
      name: 'Comercial (seg–sex 08h–18h)',
      timeZone: 'America/Sao_Paulo',
      weekly: [1, 2, 3, 4, 5].map((weekday) => ({ weekday, open: '08:00', close: '18:00' })),
      holidays: [{ date: '2026-04-21', name: 'Tiradentes' }],
    });
  });

  afterAll(async () => {
    await h?.close();
  });

  it('creates a group, an agent and its user, and that agent works a session in the group', { timeout: 90_000 }, async () => {
    const admin = await h.newPage();
    await admin.goto(`${h.base}/login`);
    await admin.getByRole('button', { name: 'Entrar com token de administrador' }).click();
    await admin.getByLabel('Token de administrador').fill(ADMIN_TOKEN);
    await admin.getByRole('button', { name: 'Entrar', exact: true }).click();
    await admin.waitForURL('**/admin');
    // An admin opens every screen.
    expect(await admin.getByRole('navigation', { name: 'Telas' }).getByRole('link').allTextContents()).toEqual(['Atendimento', 'Painel de supervisão', 'Administração']);

    // Groups: an empty form is refused in Portuguese, then the group is saved.
    await admin.getByRole('button', { name: 'Salvar grupo' }).click();
    await admin.getByText('Corrija os campos destacados.').waitFor();
    expect(await admin.locator('#grupo-nome-erro').textContent()).toBe('Campo obrigatório.');
    await admin.getByLabel('Meta de espera (s)').fill('-5');
    await admin.getByRole('button', { name: 'Salvar grupo' }).click();
    await admin.getByText('Informe um valor igual ou maior que zero.').waitFor();
    await screenshot(admin, 'admin-grupos-validacao');
    let violations = await seriousViolations(admin);
    expect(violations, describeViolations(violations)).toEqual([]);

    await admin.getByLabel('Nome', { exact: true }).fill('ITCD — Protocolo de Processos');
    expect(await admin.getByLabel('Identificador').inputValue()).toBe('itcd-protocolo-de-processos');
    await admin.getByLabel('Tema').fill('ITCD');
    await admin.getByLabel('Categoria').fill('Protocolo de Processos');
    await admin.getByLabel('Nível', { exact: true }).selectOption('1');
    await admin.getByLabel('Meta de espera (s)').fill('120');
    await admin.getByLabel('Pós-atendimento (s)').fill('15');
    await admin.getByLabel('Estratégia de distribuição').selectOption('longest-idle');
    await admin.getByLabel('Horário de atendimento').selectOption('');
    await admin.getByLabel('Unidade', { exact: true }).selectOption('centro');
    await admin.getByRole('button', { name: 'Salvar grupo' }).click();
    await admin.getByText('Grupo “ITCD — Protocolo de Processos” salvo.').waitFor();
    await admin.getByRole('row', { name: /ITCD — Protocolo de Processos/ }).waitFor();
    await screenshot(admin, 'admin-grupos');
    violations = await seriousViolations(admin);
    expect(violations, describeViolations(violations)).toEqual([]);
    const group = await h.must<{ level: number; slaSeconds: number; strategy: string; wrapUpSeconds: number; unitId?: string }>('GET', '/api/groups/itcd-protocolo-de-processos');
    expect(group).toMatchObject({ level: 1, slaSeconds: 120, strategy: 'longest-idle', wrapUpSeconds: 15, unitId: 'centro' });

    // Agents: member of the new group with proficiency 4, one chat at a time.
    await admin.getByRole('link', { name: 'Atendentes' }).click();
    await admin.getByRole('heading', { name: 'Novo atendente' }).waitFor();
    await admin.getByLabel('Nome', { exact: true }).fill('Bruno Lima');
    await admin.getByLabel('Grupo', { exact: true }).selectOption('itcd-protocolo-de-processos');
    await admin.getByLabel('Proficiência').selectOption('4');
    await admin.getByLabel('Chat').fill('1');
    await admin.getByRole('button', { name: 'Salvar atendente' }).click();
    await admin.getByText('Atendente “Bruno Lima” salvo.').waitFor();
    await screenshot(admin, 'admin-atendentes');
    violations = await seriousViolations(admin);
    expect(violations, describeViolations(violations)).toEqual([]);

    // Users: an agent user linked to Bruno (a short password is refused first).
    await admin.getByRole('link', { name: 'Usuários' }).click();
    await admin.getByLabel('Nome de usuário').fill('bruno');
    await admin.getByLabel('Senha inicial').fill('curta');
    await admin.getByRole('button', { name: 'Criar usuário' }).click();
    await admin.getByText('A senha precisa de pelo menos 8 caracteres.').waitFor();
    await admin.getByLabel('Senha inicial').fill(PASSWORD);
    await admin.getByLabel('Perfil').selectOption('agent');
    await admin.getByLabel('Atendente vinculado').selectOption('bruno-lima');
    await admin.getByRole('button', { name: 'Criar usuário' }).click();
    await admin.getByText('Usuário “bruno” criado.').waitFor();
    await screenshot(admin, 'admin-usuarios');
    violations = await seriousViolations(admin);
    expect(violations, describeViolations(violations)).toEqual([]);

    // The other sections render and pass axe too.
    for (const [link, heading, shot] of [
      ['Horários e feriados', 'Horários de atendimento', 'admin-horarios'],
      ['Motivos de pausa', 'Motivos de pausa', 'admin-pausas'],
      ['Unidades', 'Unidades', 'admin-unidades'],
    ] as const) {
      await admin.getByRole('link', { name: link }).click();
      await admin.getByRole('heading', { name: heading, exact: true }).waitFor();
      await screenshot(admin, shot);
      violations = await seriousViolations(admin);
      expect(violations, describeViolations(violations)).toEqual([]);
    }

    // Pause reasons: the id follows the reason as it is typed; after the save the form is clear
    // for the next one.
    await admin.getByRole('link', { name: 'Motivos de pausa' }).click();
    await admin.getByLabel('Motivo', { exact: true }).fill('Reunião de equipe');
    expect(await admin.getByLabel('Identificador').inputValue()).toBe('reuniao-de-equipe');
    await admin.getByRole('button', { name: 'Salvar motivo' }).click();
    await admin.getByText('Motivo “Reunião de equipe” salvo.').waitFor();
    await admin.getByRole('row', { name: /Reunião de equipe/ }).waitFor();
    expect(await admin.getByLabel('Motivo', { exact: true }).inputValue()).toBe('');
    const reasons = await h.must<{ id: string; label: string }[]>('GET', '/api/pause-reasons');
    expect(reasons).toContainEqual({ id: 'reuniao-de-equipe', label: 'Reunião de equipe' });

    // The new agent signs in and works a session of the new group.
    const agent = await h.newPage();
    await login(agent, h.base, 'bruno', '/atendente');
    await agent.getByText('Conectado', { exact: true }).waitFor();
    await agent.getByRole('button', { name: 'Disponível', exact: true }).click();
    await waitForText(agent, '[data-testid="estado-atual"]', 'Disponível');
    await h.must('POST', '/api/interactions', { id: 'e2e-admin-1', channel: 'chat', groupId: 'itcd-protocolo-de-processos', data: { contact: { name: 'Carlos Pereira' } } });
    await agent.getByTestId('oferta').waitFor();
    await agent.getByRole('button', { name: /Aceitar/ }).click();
    await agent.getByRole('tab', { name: /Carlos Pereira/ }).waitFor();
    await waitForText(agent, '[data-testid="estado-atual"]', 'Em atendimento');
    await agent.getByRole('button', { name: /Encerrar/ }).click();
    if ((await agent.getByLabel('Tema').inputValue()) === '') {
      await agent.getByLabel('Tema').fill('ITCD');
      await agent.getByLabel('Categoria').fill('Protocolo de Processos');
    }
    await agent.getByLabel('Desfecho').selectOption('Informação prestada');
    await agent.getByRole('button', { name: 'Encerrar atendimento' }).click();
    await agent.getByTestId('pos-atendimento').waitFor();
    await agent.getByRole('button', { name: 'Concluir e ficar livre' }).click();
    await agent.getByText('Nenhum atendimento aberto').waitFor();
    const ended = await h.must<{ state: string; agentId: string; tabulation?: Record<string, string> }>('GET', '/api/interactions/e2e-admin-1');
    expect(ended).toMatchObject({ state: 'ended', agentId: 'bruno-lima', tabulation: { outcome: 'Informação prestada' } });
    await admin.close();
    await agent.close();
  });

  it('keeps an agent out of the board and the administration', async () => {
    const page = await h.newPage();
    await login(page, h.base, 'bruno', '/atendente');
    await page.goto(`${h.base}/admin`);
    await page.waitForURL('**/atendente');
    await page.goto(`${h.base}/supervisor`);
    await page.waitForURL('**/atendente');
    expect(await page.getByRole('link', { name: 'Administração' }).count()).toBe(0);
    await page.close();
  });
});
