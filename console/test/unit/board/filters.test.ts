import { describe, expect, it } from 'vitest';
import { CHANNELS } from '$lib/api/types';
import { agentMatches, filterFromQuery, NO_FILTER, rowMatches, withQuery } from '$lib/board/filters';

const groups = new Map([
  ['ipva-n1', { unitId: 'centro' }],
  ['itcd-n1', { unitId: 'norte' }],
]);

describe('rowMatches', () => {
  it('keeps every row without a filter', () => {
    expect(rowMatches({ groupId: 'ipva-n1', channel: 'chat' }, NO_FILTER, groups)).toBe(true);
  });

  it('filters by group, channel and the unit of the group', () => {
    expect(rowMatches({ groupId: 'ipva-n1', channel: 'chat' }, { ...NO_FILTER, groupId: 'itcd-n1' }, groups)).toBe(false);
    expect(rowMatches({ groupId: 'ipva-n1', channel: 'chat' }, { ...NO_FILTER, channel: 'phone' }, groups)).toBe(false);
    expect(rowMatches({ groupId: 'ipva-n1', channel: 'chat' }, { ...NO_FILTER, unitId: 'centro' }, groups)).toBe(true);
    expect(rowMatches({ groupId: 'itcd-n1', channel: 'chat' }, { ...NO_FILTER, unitId: 'centro' }, groups)).toBe(false);
  });
});

describe('agentMatches', () => {
  const agent = { unitId: 'centro', groups: [{ groupId: 'ipva-n1', proficiency: 3 }], capacity: { chat: 2, phone: 0 } };

  it('keeps agents of the unit, members of the group, and with capacity on the channel', () => {
    expect(agentMatches(agent, { unitId: 'centro', groupId: 'ipva-n1', channel: 'chat' })).toBe(true);
    expect(agentMatches(agent, { ...NO_FILTER, unitId: 'norte' })).toBe(false);
    expect(agentMatches(agent, { ...NO_FILTER, groupId: 'itcd-n1' })).toBe(false);
    expect(agentMatches(agent, { ...NO_FILTER, channel: 'phone' })).toBe(false);
  });
});

describe('filterFromQuery', () => {
  it('reads the filter of a wall-TV URL and ignores an unknown channel', () => {
    expect(filterFromQuery(new URLSearchParams('unidade=centro&grupo=ipva-n1&canal=whatsapp'), CHANNELS)).toEqual({
      unitId: 'centro',
      groupId: 'ipva-n1',
      channel: 'whatsapp',
    });
    expect(filterFromQuery(new URLSearchParams('canal=fax'), CHANNELS).channel).toBe('');
  });
});

describe('withQuery', () => {
  it('sets, replaces and removes keys, keeping the others', () => {
    const current = new URLSearchParams('tv=1&grupo=ipva-n1');
    expect(withQuery(current, { grupo: 'itcd-n1', canal: 'chat' })).toBe('?tv=1&grupo=itcd-n1&canal=chat');
    expect(withQuery(current, { tv: undefined, grupo: '' })).toBe('');
  });
});
