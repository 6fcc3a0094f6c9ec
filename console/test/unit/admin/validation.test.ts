import { describe, expect, it } from 'vitest';
import {
  MESSAGES,
  slugify,
  translateServerFields,
  validateAgent,
  validateGroup,
  validateHours,
  validatePauseReason,
  validateUnit,
  validateUser,
  validDate,
  type GroupForm,
} from '$lib/admin/validation';

const group: GroupForm = {
  id: 'ipva-n1',
  name: 'IPVA — Pagamento',
  tema: 'IPVA',
  categoria: 'Pagamento',
  level: '1',
  slaSeconds: '60',
  strategy: 'equal',
  wrapUpSeconds: '30',
  overflowAfterSeconds: '',
  overflowGroupId: '',
};

describe('validateGroup', () => {
  it('accepts a complete group', () => {
    expect(validateGroup(group)).toEqual({});
  });

  it('asks for the name, a usable id, a level and a non-negative SLA target, in Portuguese', () => {
    expect(validateGroup({ ...group, name: ' ', id: 'com espaço', level: '4', slaSeconds: '-1' })).toEqual({
      name: MESSAGES.required,
      id: MESSAGES.id,
      level: MESSAGES.level,
      slaSeconds: MESSAGES.nonNegative,
    });
    expect(validateGroup({ ...group, slaSeconds: '' }).slaSeconds).toBe('Campo obrigatório.');
    expect(validateGroup({ ...group, slaSeconds: 'abc' }).slaSeconds).toBe(MESSAGES.number);
  });

  it('wants both halves of an overflow, a positive time and another group', () => {
    expect(validateGroup({ ...group, overflowAfterSeconds: '120' }).overflowGroupId).toBe(MESSAGES.overflowBoth);
    expect(validateGroup({ ...group, overflowGroupId: 'itcd-n1' }).overflowAfterSeconds).toBe(MESSAGES.overflowBoth);
    expect(validateGroup({ ...group, overflowAfterSeconds: '0', overflowGroupId: 'itcd-n1' }).overflowAfterSeconds).toBe(MESSAGES.positive);
    expect(validateGroup({ ...group, overflowAfterSeconds: '60', overflowGroupId: 'ipva-n1' }).overflowGroupId).toBe(MESSAGES.overflowSelf);
    expect(validateGroup({ ...group, overflowAfterSeconds: '60', overflowGroupId: 'itcd-n1' })).toEqual({});
  });
});

describe('validateAgent', () => {
  const agent = { id: 'ana', name: 'Ana', groups: [{ groupId: 'ipva-n1', proficiency: '4' }], capacity: { chat: '2' } };

  it('accepts an agent with a group and some capacity', () => {
    expect(validateAgent(agent)).toEqual({});
  });

  it('checks each membership: a group, once, with proficiency 1 to 5', () => {
    const problems = validateAgent({
      ...agent,
      groups: [
        { groupId: 'ipva-n1', proficiency: '6' },
        { groupId: 'ipva-n1', proficiency: '3' },
        { groupId: '', proficiency: '3' },
      ],
    });
    expect(problems).toEqual({
      'groups.0.proficiency': MESSAGES.proficiency,
      'groups.1.groupId': MESSAGES.duplicateGroup,
      'groups.2.groupId': MESSAGES.required,
    });
  });

  it('wants whole capacities from 0 to 1000 and at least one channel', () => {
    expect(validateAgent({ ...agent, capacity: { chat: '1.5' } })['capacity.chat']).toBe(MESSAGES.integer);
    expect(validateAgent({ ...agent, capacity: { phone: '1001' } })['capacity.phone']).toBe(MESSAGES.capacity);
    expect(validateAgent({ ...agent, capacity: { chat: '0', phone: '' } }).capacity).toBe(MESSAGES.anyCapacity);
  });
});

describe('validateHours', () => {
  const hours = { id: 'comercial', name: 'Comercial', timeZone: 'America/Sao_Paulo', weekly: [{ weekday: '1', open: '08:00', close: '18:00' }], holidays: [{ date: '2026-04-21', name: 'Tiradentes' }] };

  it('accepts valid hours and holidays', () => {
    expect(validateHours(hours)).toEqual({});
  });

  it('checks time format, order, time zone and holiday dates', () => {
    const problems = validateHours({
      ...hours,
      timeZone: 'America/Atlantida',
      weekly: [
        { weekday: '1', open: '8h', close: '18:00' },
        { weekday: '2', open: '18:00', close: '08:00' },
        { weekday: '9', open: '08:00', close: '24:00' },
      ],
      holidays: [{ date: '2026-02-30', name: '' }],
    });
    expect(problems).toEqual({
      timeZone: MESSAGES.timeZone,
      'weekly.0.open': MESSAGES.time,
      'weekly.1.close': MESSAGES.openBeforeClose,
      'weekly.2.weekday': MESSAGES.weekday,
      'holidays.0.date': MESSAGES.date,
      'holidays.0.name': MESSAGES.required,
    });
  });

  it('knows real calendar dates', () => {
    expect(validDate('2028-02-29')).toBe(true);
    expect(validDate('2026-02-29')).toBe(false);
    expect(validDate('29/02/2028')).toBe(false);
  });
});

describe('validateUser', () => {
  it('checks username, password length, role and the agent of an agent user', () => {
    expect(validateUser({ username: 'ana.souza', password: 'senha-forte', role: 'agent', agentId: 'ana' })).toEqual({});
    expect(validateUser({ username: 'Ana', password: 'curta', role: 'agent', agentId: '' })).toEqual({
      username: MESSAGES.username,
      password: MESSAGES.password,
      agentId: MESSAGES.agentForAgentRole,
    });
    expect(validateUser({ username: 'sup', password: '', role: 'chefe', agentId: '' })).toEqual({ password: MESSAGES.required, role: MESSAGES.role });
  });
});

describe('small forms', () => {
  it('checks pause reasons and units', () => {
    expect(validatePauseReason({ id: 'almoco', label: '' })).toEqual({ label: MESSAGES.required });
    expect(validateUnit({ id: 'centro', name: 'Centro', timeZone: 'America/Manaus' })).toEqual({});
  });
});

describe('translateServerFields', () => {
  it("keeps the server's Portuguese and translates the schema library's English", () => {
    expect(
      translateServerFields([
        { path: 'agentId', message: 'um usuário atendente precisa de agentId' },
        { path: 'name', message: 'Too small: expected string to have >=1 characters' },
        { path: 'level', message: 'Invalid input' },
        { path: 'slaSeconds', message: 'Too small: expected number to be >=0' },
        { path: 'strategy', message: 'Invalid option: expected one of "equal"|"round-robin"' },
        { path: 'capacity.chat', message: 'Invalid input: expected number, received string' },
        { path: '', message: 'Something else' },
      ]),
    ).toEqual({
      agentId: 'um usuário atendente precisa de agentId',
      name: MESSAGES.required,
      level: 'Valor inválido.',
      slaSeconds: 'Valor abaixo do mínimo permitido.',
      strategy: 'Opção inválida.',
      'capacity.chat': MESSAGES.number,
      form: 'Valor inválido.',
    });
  });
});

describe('slugify', () => {
  it('suggests an identifier from a Portuguese name', () => {
    expect(slugify('IPVA — Pagamento')).toBe('ipva-pagamento');
    expect(slugify('  Pagamentos e Restituição: Contestação de Débito ')).toBe('pagamentos-e-restituicao-contestacao-de-debito');
  });
});
