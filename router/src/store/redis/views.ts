// Read-only views of a tenant's routing state in Redis, in the shapes of the core's views
// (interactionView, agentView, queueFigures, fairness) so boards read either engine alike.

import { gini, type AgentView, type Fairness, type InteractionView, type QueueFigures } from '../../core/views.js';
import { CHANNELS, type AgentConfig, type Channel, type InteractionState, type Presence } from '../../core/types.js';
import type { RedisClient } from './script.js';

type Fields = Record<string, string>;

const num = (v: string | undefined): number => Number(v);

function perChannel(m: Fields, prefix: string): Record<Channel, number> {
  return Object.fromEntries(CHANNELS.map((ch, c) => [ch, num(m[`${prefix}${c}`])])) as Record<Channel, number>;
}

export function interactionFromFields(m: Fields): InteractionView {
  const state = m.st as InteractionState;
  const v: InteractionView = {
    id: m.id!,
    channel: CHANNELS[num(m.ch)]!,
    groupId: m.g!,
    state,
    priority: num(m.pri),
    legalPriority: m.legal === '1',
    waitingSince: num(m.ws),
    queuedAt: num(m.qAt),
    minProficiency: num(m.minp),
    overflowed: m.ofd === '1',
    // h: the history entries' JSON joined by commas (the array without its brackets).
    history: m.h ? (JSON.parse(`[${m.h}]`) as InteractionView['history']) : [],
  };
  if (m.ag !== undefined) v.agentId = m.ag;
  if (m.offAt !== undefined) v.offeredAt = num(m.offAt);
  if (state === 'offered') v.offerExpiresAt = num(m.exp);
  if (m.accAt !== undefined) v.acceptedAt = num(m.accAt);
  if (state === 'wrapup') v.wrapUpUntil = num(m.wrap);
  if (m.tgt !== undefined) v.targetAgentId = m.tgt;
  return v;
}

export function agentFromFields(m: Fields): AgentView {
  const config = JSON.parse(m.cfg!) as AgentConfig;
  const memberships = JSON.parse(m.mem!) as [string, number][];
  const v: AgentView = {
    id: m.id!,
    name: config.name,
    presence: m.pres as Presence,
    presenceSince: num(m.since),
    load: perChannel(m, 'l'),
    capacity: perChannel(m, 'c'),
    sessionsToday: num(m.today),
    idleSince: num(m.idle),
    misses: num(m.misses),
    offers: (JSON.parse(m.offers!) as string[]).sort(),
    sessions: (JSON.parse(m.sess!) as string[]).sort(),
    groups: memberships.map(([groupId, proficiency]) => ({ groupId, proficiency, sessionsToday: num(m[`tg:${groupId}`] ?? '0') })),
  };
  if (m.reason !== undefined) v.reason = m.reason;
  return v;
}

/** Results of a pipeline, failing on the first error. */
async function all<T>(client: RedisClient, build: (p: ReturnType<RedisClient['pipeline']>) => void): Promise<T[]> {
  const pipeline = client.pipeline();
  build(pipeline);
  const results = (await pipeline.exec()) ?? [];
  return results.map(([err, value]) => {
    if (err) throw err;
    return value as T;
  });
}

export class StateReader {
  constructor(
    private readonly client: RedisClient,
    private readonly key: string,
    private readonly clock: () => number,
  ) {}

  async interaction(id: string): Promise<InteractionView | undefined> {
    const m = await this.client.hgetall(`${this.key}:s:${id}`);
    return Object.keys(m).length > 0 ? interactionFromFields(m) : undefined;
  }

  async interactions(): Promise<InteractionView[]> {
    const ids = await this.client.smembers(`${this.key}:live`);
    const rows = await all<Fields>(this.client, (p) => ids.forEach((id) => p.hgetall(`${this.key}:s:${id}`)));
    return rows.map((m) => interactionFromFields(m));
  }

  async agent(id: string): Promise<AgentView | undefined> {
    const m = await this.client.hgetall(`${this.key}:a:${id}`);
    return Object.keys(m).length > 0 ? agentFromFields(m) : undefined;
  }

  async agents(): Promise<AgentView[]> {
    return (await this.agentFields()).map(agentFromFields);
  }

  /** Sessions that ended and were abandoned since the tenant's state began. */
  async totals(): Promise<{ ended: number; abandoned: number }> {
    const [ended, abandoned] = await this.client.hmget(`${this.key}:meta`, 'ended', 'aband');
    return { ended: Number(ended ?? 0), abandoned: Number(abandoned ?? 0) };
  }

  /** The core's queueFigures over the Redis state (a board read: it scans the tenant's live sessions). */
  async queues(groupIds?: Set<string>): Promise<QueueFigures[]> {
    const now = this.clock();
    const ids = await this.client.lrange(`${this.key}:groups`, 0, -1);
    const groups = await all<Fields>(this.client, (p) => ids.forEach((id) => p.hgetall(`${this.key}:g:${id}`)));
    const members = await all<string[]>(this.client, (p) => ids.forEach((id) => p.smembers(`${this.key}:gm:${id}`)));
    const agents = new Map((await this.agentFields()).map((m) => [m.id!, m]));
    const live = await this.client.smembers(`${this.key}:live`);
    const sessions = await all<Fields>(this.client, (p) => live.forEach((id) => p.hgetall(`${this.key}:s:${id}`)));
    const oldest = new Map<string, number>();
    for (const s of sessions) {
      if (s.st !== 'queued' && s.st !== 'offered') continue;
      const k = `${s.g}\u0000${s.ch}`;
      oldest.set(k, Math.min(oldest.get(k) ?? Infinity, num(s.qAt)));
    }
    const result: QueueFigures[] = [];
    ids.forEach((gid, gi) => {
      if (groupIds && !groupIds.has(gid)) return;
      const g = groups[gi]!;
      for (let c = 0; c < CHANNELS.length; c++) {
        const [waiting, answered, answeredWithinSla, waitMsTotal, handled, handleMsTotal, abandoned] = JSON.parse(g[`st${c}`]!) as number[];
        const counts = { available: 0, busy: 0, paused: 0, offline: 0 };
        for (const aid of members[gi]!) {
          const a = agents.get(aid)!;
          if (num(a[`c${c}`]) === 0) continue;
          if (a.pres === 'offline') counts.offline++;
          else if (a.pres === 'paused') counts.paused++;
          else if (num(a[`l${c}`]) > 0) counts.busy++;
          else counts.available++;
        }
        const staffed = counts.available + counts.busy + counts.paused + counts.offline > 0;
        if (!staffed && waiting === 0 && answered === 0 && abandoned === 0) continue;
        const first = oldest.get(`${gid}\u0000${c}`);
        const closedOut = answered! + abandoned!;
        result.push({
          groupId: gid,
          channel: CHANNELS[c]!,
          waiting: waiting!,
          longestWaitSeconds: first === undefined ? 0 : Math.max(0, Math.floor((now - first) / 1000)),
          slaPercent: closedOut === 0 ? null : Math.round((1000 * answeredWithinSla!) / closedOut) / 10,
          answered: answered!,
          answeredWithinSla: answeredWithinSla!,
          abandoned: abandoned!,
          handled: handled!,
          averageWaitSeconds: answered === 0 ? null : waitMsTotal! / answered! / 1000,
          averageHandleSeconds: handled === 0 ? null : handleMsTotal! / handled! / 1000,
          agents: counts,
        });
      }
    });
    return result;
  }

  async fairness(groupId: string): Promise<Fairness | undefined> {
    if ((await this.client.exists(`${this.key}:g:${groupId}`)) === 0) return undefined;
    const ids = await this.client.smembers(`${this.key}:gm:${groupId}`);
    const rows = await all<string | null>(this.client, (p) => ids.forEach((id) => p.hget(`${this.key}:a:${id}`, `tg:${groupId}`)));
    const sessionsPerAgent: Record<string, number> = {};
    const counts = ids.map((id, i) => (sessionsPerAgent[id] = Number(rows[i] ?? 0)));
    const max = counts.length ? Math.max(...counts) : 0;
    const min = counts.length ? Math.min(...counts) : 0;
    return { groupId, sessionsPerAgent, max, min, spread: max - min, gini: gini(counts) };
  }

  private async agentFields(): Promise<Fields[]> {
    const ids = await this.client.lrange(`${this.key}:agents`, 0, -1);
    return all<Fields>(this.client, (p) => ids.forEach((id) => p.hgetall(`${this.key}:a:${id}`)));
  }
}
