// The supervisor's filters (unit, group, channel) applied to queue rows and agents.
import type { Agent, Channel, Group, QueueRow } from '../api/types';

export interface BoardFilter {
  unitId: string;
  groupId: string;
  channel: '' | Channel;
}

export const NO_FILTER: BoardFilter = { unitId: '', groupId: '', channel: '' };

export function rowMatches(row: Pick<QueueRow, 'groupId' | 'channel'>, filter: BoardFilter, groups: ReadonlyMap<string, Pick<Group, 'unitId'>>): boolean {
  if (filter.groupId && row.groupId !== filter.groupId) return false;
  if (filter.channel && row.channel !== filter.channel) return false;
  if (filter.unitId && groups.get(row.groupId)?.unitId !== filter.unitId) return false;
  return true;
}

export function agentMatches(agent: Pick<Agent, 'groups' | 'capacity' | 'unitId'>, filter: BoardFilter): boolean {
  if (filter.unitId && agent.unitId !== filter.unitId) return false;
  if (filter.groupId && !agent.groups.some((g) => g.groupId === filter.groupId)) return false;
  if (filter.channel && !((agent.capacity[filter.channel] ?? 0) > 0)) return false;
  return true;
}

/** Filters from a URL query (?unidade=&grupo=&canal=), so a wall TV can be pointed at one view. */
export function filterFromQuery(query: URLSearchParams, channels: readonly string[]): BoardFilter {
  const channel = query.get('canal') ?? '';
  return {
    unitId: query.get('unidade') ?? '',
    groupId: query.get('grupo') ?? '',
    channel: channels.includes(channel) ? (channel as Channel) : '',
  };
}

/** The query string after applying changes to the current one ('' or undefined removes a key). */
export function withQuery(current: URLSearchParams, changes: Record<string, string | undefined>): string {
  const params = new URLSearchParams(current);
  for (const [key, value] of Object.entries(changes)) {
    if (value) params.set(key, value);
    else params.delete(key);
  }
  const query = params.toString();
  return query ? `?${query}` : '';
}
