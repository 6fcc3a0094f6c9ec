// Checks of a finished scenario from the server's own data: its durable routing log replayed
// offer by offer, and its views (agents, fairness) sampled while the scenario runs and after.
import type { RoutingEvent } from '../../src/core/index.js';
import type { ApiClient } from './http.js';

export interface LogAudit {
  violations: string[];
  /** Sessions of the log and their last state. */
  states: Map<string, string>;
  offers: number;
  misses: Record<'rejected' | 'expired' | 'revoked', number>;
  /** Highest load the log ever gave each agent, per channel. */
  peakLoad: Map<string, Record<string, number>>;
  /** Sessions that found no free eligible agent when they arrived, and the longest first wait (ms). */
  waited: number;
  longestWaitMs: number;
  /**
   * Offers where the strategy chose among free agents (on arrival, or right after a miss), each
   * checked to go to one with the fewest sessions today; and offers made without a choice (an
   * agent freed up and took the next waiting session).
   */
  choices: number;
  forced: number;
}

export interface AuditOptions {
  /** The router's missCooldownSeconds: an agent who missed a session is not offered it again for this long. */
  missCooldownMs?: number;
  /** The router's time zone: "today" for the equal strategy. */
  timeZone?: string;
}

interface LoggedSession {
  queuedAt: number;
  /** When each agent last missed (rejected or let expire) this session. */
  missedAt: Map<string, number>;
  offeredOnce: boolean;
  groupId: string;
  channel: string;
  state: string;
  agentId?: string;
}

/**
 * Replays the routing log the way an auditor would, without the routing core: every offer must
 * go to a member of the session's group, to a session nobody else holds, within the agent's
 * capacity for the channel; each release must match a hold; and where the strategy had a choice,
 * the offer must go to a free eligible agent with the fewest sessions today (the equal strategy,
 * the only one the scenario configures). Scenario sessions never transfer, overflow or get
 * abandoned, so those events are violations here.
 */
export function auditLog(events: Iterable<RoutingEvent>, options: AuditOptions = {}): LogAudit {
  const missCooldownMs = options.missCooldownMs ?? 30_000;
  const dayOf = new Intl.DateTimeFormat('en-CA', { timeZone: options.timeZone ?? 'America/Sao_Paulo' });
  const violations: string[] = [];
  const flag = (text: string) => violations.length < 100 && violations.push(text);
  const capacity = new Map<string, Record<string, number>>();
  const members = new Map<string, Set<string>>();
  const load = new Map<string, Record<string, number>>();
  const peakLoad = new Map<string, Record<string, number>>();
  const sessions = new Map<string, LoggedSession>();
  const presence = new Map<string, string>();
  const today = new Map<string, number>();
  let day = '';
  let previous: RoutingEvent | undefined;
  let choices = 0;
  let forced = 0;
  const misses = { rejected: 0, expired: 0, revoked: 0 };
  let offers = 0;
  let waited = 0;
  let longestWaitMs = 0;

  const adjust = (agentId: string, channel: string, delta: number) => {
    const row = load.get(agentId) ?? {};
    row[channel] = (row[channel] ?? 0) + delta;
    load.set(agentId, row);
    if (row[channel]! < 0) flag(`${agentId}: ${channel} load below zero`);
    const peak = peakLoad.get(agentId) ?? {};
    peak[channel] = Math.max(peak[channel] ?? 0, row[channel]!);
    peakLoad.set(agentId, peak);
    const limit = capacity.get(agentId)?.[channel] ?? 0;
    if (row[channel]! > limit) flag(`${agentId}: ${row[channel]} ${channel} sessions held, capacity ${limit}`);
  };
  const held = (e: { interactionId: string; agentId: string; type: string }, state: string): LoggedSession | undefined => {
    const s = sessions.get(e.interactionId);
    if (!s) flag(`${e.type} of unknown ${e.interactionId}`);
    else if (s.state !== state || s.agentId !== e.agentId) flag(`${e.type} of ${e.interactionId} by ${e.agentId} while ${s.state} with ${s.agentId ?? 'nobody'}`);
    else return s;
    return undefined;
  };

  /** The equal strategy's rule: among free eligible agents, one with the fewest sessions today. */
  const judge = (e: { interactionId: string; agentId: string; at: number }, s: LoggedSession) => {
    const free = [...members].filter(([agentId, groups]) => {
      if (!groups.has(s.groupId) || presence.get(agentId) !== 'available') return false;
      if ((load.get(agentId)?.[s.channel] ?? 0) >= (capacity.get(agentId)?.[s.channel] ?? 0)) return false;
      const missed = s.missedAt.get(agentId);
      return missed === undefined || e.at >= missed + missCooldownMs;
    });
    const fewest = Math.min(...free.map(([agentId]) => today.get(agentId) ?? 0));
    const chosen = today.get(e.agentId) ?? 0;
    if (chosen > fewest) {
      const other = free.find(([agentId]) => (today.get(agentId) ?? 0) === fewest)![0];
      flag(`${e.interactionId} offered to ${e.agentId} with ${chosen} sessions today while ${other}, free, had ${fewest}`);
    }
  };

  for (const e of events) {
    const eventDay = dayOf.format(e.at);
    if (eventDay !== day) {
      day = eventDay;
      today.clear();
    }
    const prior = previous;
    previous = e;
    switch (e.type) {
      case 'agent.configured':
        capacity.set(e.agent.id, { ...e.agent.capacity });
        members.set(e.agent.id, new Set(e.agent.groups.map((g) => g.groupId)));
        if (!presence.has(e.agent.id)) presence.set(e.agent.id, 'offline');
        break;
      case 'agent.state_changed':
        presence.set(e.agentId, e.state);
        break;
      case 'agent.auto_paused':
        presence.set(e.agentId, 'paused');
        break;
      case 'interaction.queued':
        if (sessions.has(e.interaction.id)) flag(`${e.interaction.id} queued twice`);
        sessions.set(e.interaction.id, { queuedAt: e.at, missedAt: new Map(), offeredOnce: false, groupId: e.interaction.groupId, channel: e.interaction.channel, state: 'queued' });
        break;
      case 'interaction.offered': {
        offers++;
        const s = sessions.get(e.interactionId);
        if (!s) {
          flag(`offer of unknown ${e.interactionId}`);
          break;
        }
        if (s.state !== 'queued') flag(`${e.interactionId} offered to ${e.agentId} while ${s.state} with ${s.agentId}`);
        if (!members.get(e.agentId)?.has(s.groupId)) flag(`${e.interactionId} of ${s.groupId} offered to ${e.agentId}, not a member`);
        if (e.groupId !== s.groupId) flag(`${e.interactionId} of ${s.groupId} offered through ${e.groupId}`);
        const chose =
          prior !== undefined &&
          (prior.type === 'interaction.queued'
            ? prior.interaction.id === e.interactionId
            : (prior.type === 'interaction.rejected' || prior.type === 'interaction.expired') && prior.interactionId === e.interactionId);
        if (chose) {
          choices++;
          judge(e, s);
        } else {
          forced++;
        }
        today.set(e.agentId, (today.get(e.agentId) ?? 0) + 1);
        if (!s.offeredOnce && e.at > s.queuedAt) {
          waited++;
          longestWaitMs = Math.max(longestWaitMs, e.at - s.queuedAt);
        }
        s.offeredOnce = true;
        s.state = 'offered';
        s.agentId = e.agentId;
        adjust(e.agentId, s.channel, +1);
        break;
      }
      case 'interaction.accepted': {
        const s = held(e, 'offered');
        if (s) s.state = 'active';
        break;
      }
      case 'interaction.rejected':
      case 'interaction.expired':
      case 'interaction.revoked': {
        misses[e.type.slice('interaction.'.length) as keyof typeof misses]++;
        const s = held(e, 'offered');
        if (!s) break;
        // A miss gives the count back; a revoke (the agent paused) keeps nobody away from the session.
        today.set(e.agentId, Math.max(0, (today.get(e.agentId) ?? 0) - 1));
        if (e.type !== 'interaction.revoked') s.missedAt.set(e.agentId, e.at);
        s.state = 'queued';
        delete s.agentId;
        adjust(e.agentId, s.channel, -1);
        break;
      }
      case 'interaction.ended': {
        const s = held(e, 'active');
        if (!s) break;
        if (e.wrapUpUntil !== undefined) {
          s.state = 'wrapup';
          break;
        }
        s.state = 'ended';
        adjust(e.agentId, s.channel, -1);
        break;
      }
      case 'interaction.wrapped_up': {
        const s = held(e, 'wrapup');
        if (!s) break;
        s.state = 'ended';
        adjust(e.agentId, s.channel, -1);
        break;
      }
      case 'interaction.abandoned':
      case 'interaction.transferred':
      case 'interaction.overflowed':
        flag(`unexpected ${e.type} of ${e.interactionId}`);
        break;
      default:
        break;
    }
  }
  return { violations, states: new Map([...sessions].map(([id, s]) => [id, s.state])), offers, misses, peakLoad, waited, longestWaitMs, choices, forced };
}

/**
 * Samples GET /api/agents while the scenario runs: no agent's load may pass its capacity on any
 * channel, and its offers and sessions must add up to its load. Tolerates an absent server.
 */
export class AgentViewSampler {
  readonly violations: string[] = [];
  samples = 0;
  private timer: NodeJS.Timeout | undefined;
  private inFlight: Promise<void> | undefined;

  constructor(
    private readonly api: ApiClient,
    private readonly intervalMs = 200,
  ) {}

  start(): void {
    this.timer = setInterval(() => {
      this.inFlight ??= this.sample().finally(() => (this.inFlight = undefined));
    }, this.intervalMs);
  }

  async stop(): Promise<void> {
    clearInterval(this.timer);
    await this.inFlight;
    await this.sample();
  }

  private async sample(): Promise<void> {
    let answer;
    try {
      answer = await this.api.request('GET', '/api/agents');
    } catch {
      return; // the server is down (crash test): nothing to sample
    }
    if (answer.status !== 200) return;
    this.samples++;
    for (const a of answer.body as any[]) {
      let total = 0;
      for (const [channel, n] of Object.entries(a.load as Record<string, number>)) {
        total += n;
        if (n > (a.capacity[channel] ?? 0)) this.flag(`${a.id}: load ${n} on ${channel} over capacity ${a.capacity[channel]}`);
      }
      if (a.offers.length + a.sessions.length !== total) this.flag(`${a.id}: ${a.offers.length} offers + ${a.sessions.length} sessions but load ${total}`);
    }
  }

  private flag(text: string): void {
    if (this.violations.length < 100) this.violations.push(text);
  }
}

/** Per-group fairness as the server reports it (GET /api/fairness?groupId=…). */
export async function fairnessOf(api: ApiClient, groupIds: readonly string[]) {
  const out: { groupId: string; sessionsPerAgent: Record<string, number>; spread: number; gini: number }[] = [];
  for (const groupId of groupIds) out.push(await api.expect('GET', `/api/fairness?groupId=${encodeURIComponent(groupId)}`, 200));
  return out;
}
