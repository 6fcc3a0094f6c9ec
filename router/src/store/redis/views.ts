// Read-only views of a tenant's routing state in Redis, in the shapes of the core's views
// (interactionView, agentView, queueFigures, fairness) so boards read either engine alike.

import { gini, type AgentView, type Fairness, type InteractionView, type QueueFigures } from '../../core/views.js';
import { CHANNELS, type AgentConfig, type Channel, type InteractionState, type Presence } from '../../core/types.js';
import { LAYOUTS, decodeRecord } from './layout.js';
import type { RedisClient } from './script.js';

/** A packed session, agent or group record, decoded (layout.ts), with its id (its key's, not stored in it). */
type Rec = Record<string, unknown>;

const session = (buf: Buffer, id: string): Rec => decodeRecord(LAYOUTS.session, buf, id);
const agentRecord = (buf: Buffer, id: string): Rec => decodeRecord(LAYOUTS.agent, buf, id);
const groupRecord = (buf: Buffer, id: string): Rec => decodeRecord(LAYOUTS.group, buf, id);

function perChannel(values: unknown): Record<Channel, number> {
  const list = values as number[];
  return Object.fromEntries(CHANNELS.map((ch, c) => [ch, list[c]!])) as Record<Channel, number>;
}

/** Sessions today per group ({} when none: an empty map packs as [] too). */
function todayByGroup(r: Rec): Record<string, number> {
  const map = JSON.parse(r.tg as string) as Record<string, number> | [];
  return Array.isArray(map) ? {} : map;
}

/** A session's record with its history (P:h:<session>: JSON objects each preceded by a comma). */
export function interactionFromRecord(m: Rec, history: string | null): InteractionView {
  const state = m.st as InteractionState;
  const v: InteractionView = {
    id: m.id as string,
    channel: CHANNELS[m.ch as number]!,
    groupId: m.g as string,
    state,
    priority: m.pri as number,
    legalPriority: m.legal === 1,
    waitingSince: m.ws as number,
    queuedAt: m.qAt as number,
    minProficiency: m.minp as number,
    overflowed: m.ofd === 1,
    history: history ? (JSON.parse(`[${history.slice(1)}]`) as InteractionView['history']) : [],
  };
  if (m.ag !== undefined) v.agentId = m.ag as string;
  if (m.offAt !== undefined) v.offeredAt = m.offAt as number;
  if (state === 'offered') v.offerExpiresAt = m.exp as number;
  if (m.accAt !== undefined) v.acceptedAt = m.accAt as number;
  if (state === 'wrapup') v.wrapUpUntil = m.wrap as number;
  if (m.tgt !== undefined) v.targetAgentId = m.tgt as string;
  return v;
}

/**
 * held: the agent's sessions offered, active or in wrap-up (the record keeps them in one list);
 * offered: those offered, by the sessions' states.
 */
export function agentFromRecord(m: Rec, configJson: string, offered: (sessionId: string) => boolean): AgentView {
  const config = JSON.parse(configJson) as AgentConfig;
  // mem: the membership groups; mp: their proficiencies, one digit each.
  const proficiencies = (m.mp as string | undefined) ?? '';
  const memberships = (JSON.parse(m.mem as string) as string[]).map((groupId, i) => [groupId, Number(proficiencies[i])] as const);
  const today = todayByGroup(m);
  const held = JSON.parse(m.held as string) as string[];
  const v: AgentView = {
    id: m.id as string,
    name: config.name,
    presence: m.pres as Presence,
    presenceSince: m.since as number,
    load: perChannel(m.load),
    capacity: perChannel(m.cap),
    sessionsToday: m.today as number,
    idleSince: m.idle as number,
    misses: m.misses as number,
    offers: held.filter(offered).sort(),
    sessions: held.filter((id) => !offered(id)).sort(),
    groups: memberships.map(([groupId, proficiency]) => ({ groupId, proficiency, sessionsToday: today[groupId] ?? 0 })),
  };
  if (m.reason !== undefined) v.reason = m.reason as string;
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
    const [buf, history] = await all<Buffer | null>(this.client, (p) => p.getBuffer(`${this.key}:s:${id}`).getBuffer(`${this.key}:h:${id}`));
    return buf ? interactionFromRecord(session(buf, id), history ? history.toString('utf8') : null) : undefined;
  }

  async interactions(): Promise<InteractionView[]> {
    return this.liveSessions();
  }

  async agent(id: string): Promise<AgentView | undefined> {
    const [buf, config] = await all<Buffer | null>(this.client, (p) => p.getBuffer(`${this.key}:a:${id}`).getBuffer(`${this.key}:ac:${id}`));
    if (!buf || !config) return undefined;
    const m = agentRecord(buf, id);
    return agentFromRecord(m, config.toString('utf8'), await this.offered([m]));
  }

  async agents(): Promise<AgentView[]> {
    const ids = await this.client.lrange(`${this.key}:agents`, 0, -1);
    const rows = await all<Buffer>(this.client, (p) => ids.forEach((id) => p.getBuffer(`${this.key}:a:${id}`).getBuffer(`${this.key}:ac:${id}`)));
    const records = ids.map((id, i) => agentRecord(rows[2 * i]!, id));
    const offered = await this.offered(records);
    return records.map((m, i) => agentFromRecord(m, rows[2 * i + 1]!.toString('utf8'), offered));
  }

  /** Which of the agents' held sessions are offered (their records' states). */
  private async offered(agents: Rec[]): Promise<(sessionId: string) => boolean> {
    const ids = agents.flatMap((m) => JSON.parse(m.held as string) as string[]);
    const rows = await all<Buffer | null>(this.client, (p) => ids.forEach((id) => p.getBuffer(`${this.key}:s:${id}`)));
    const offers = new Set(ids.filter((id, i) => rows[i] && session(rows[i]!, id).st === 'offered'));
    return (id) => offers.has(id);
  }

  /** Sessions that ended and were abandoned since the tenant's state began. */
  async totals(): Promise<{ ended: number; abandoned: number }> {
    const buf = await this.client.getBuffer(`${this.key}:meta`);
    const meta = buf ? decodeRecord(LAYOUTS.meta, buf) : {};
    return { ended: (meta.ended as number | undefined) ?? 0, abandoned: (meta.aband as number | undefined) ?? 0 };
  }

  /** The core's queueFigures over the Redis state (a board read: it scans the tenant's live sessions). */
  async queues(groupIds?: Set<string>): Promise<QueueFigures[]> {
    const now = this.clock();
    const ids = await this.client.lrange(`${this.key}:groups`, 0, -1);
    const groups = (await all<Buffer>(this.client, (p) => ids.forEach((id) => p.getBuffer(`${this.key}:g:${id}`)))).map((buf, i) => groupRecord(buf, ids[i]!));
    const members = await all<string[]>(this.client, (p) => ids.forEach((id) => p.smembers(`${this.key}:gm:${id}`)));
    const agents = new Map((await this.agentRecords()).map((m) => [m.id as string, m]));
    const sessions = await this.liveSessions();
    const oldest = new Map<string, number>();
    for (const s of sessions) {
      if (s.state !== 'queued' && s.state !== 'offered') continue;
      const k = `${s.groupId}\u0000${CHANNELS.indexOf(s.channel)}`;
      oldest.set(k, Math.min(oldest.get(k) ?? Infinity, s.queuedAt));
    }
    const result: QueueFigures[] = [];
    ids.forEach((gid, gi) => {
      if (groupIds && !groupIds.has(gid)) return;
      const stats = groups[gi]!.st as number[][];
      for (let c = 0; c < CHANNELS.length; c++) {
        const [waiting, answered, answeredWithinSla, waitMsTotal, handled, handleMsTotal, abandoned] = stats[c]!;
        const counts = { available: 0, busy: 0, paused: 0, offline: 0 };
        for (const aid of members[gi]!) {
          const a = agents.get(aid)!;
          if ((a.cap as number[])[c] === 0) continue;
          if (a.pres === 'offline') counts.offline++;
          else if (a.pres === 'paused') counts.paused++;
          else if ((a.load as number[])[c]! > 0) counts.busy++;
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
    const rows = await all<Buffer>(this.client, (p) => ids.forEach((id) => p.getBuffer(`${this.key}:a:${id}`)));
    const sessionsPerAgent: Record<string, number> = {};
    const counts = ids.map((id, i) => (sessionsPerAgent[id] = todayByGroup(agentRecord(rows[i]!, id))[groupId] ?? 0));
    const max = counts.length ? Math.max(...counts) : 0;
    const min = counts.length ? Math.min(...counts) : 0;
    return { groupId, sessionsPerAgent, max, min, spread: max - min, gini: gini(counts) };
  }

  private async liveSessions(): Promise<InteractionView[]> {
    const ids = await this.client.smembers(`${this.key}:live`);
    const rows = await all<Buffer | null>(this.client, (p) => ids.forEach((id) => p.getBuffer(`${this.key}:s:${id}`).getBuffer(`${this.key}:h:${id}`)));
    return ids.map((id, i) => interactionFromRecord(session(rows[2 * i]!, id), rows[2 * i + 1]?.toString('utf8') ?? null));
  }

  private async agentRecords(): Promise<Rec[]> {
    const ids = await this.client.lrange(`${this.key}:agents`, 0, -1);
    return (await all<Buffer>(this.client, (p) => ids.forEach((id) => p.getBuffer(`${this.key}:a:${id}`)))).map((buf, i) => agentRecord(buf, ids[i]!));
  }
}
