// The demo's citizens and agents: citizens arrive on every channel, simulated agents accept
// (sometimes reject or miss) offers, serve, escalate N1 → N2 → N3, tabulate and pause, all
// through the same operations as REST. An agent with an open socket is left to its human.
import type { Logger } from 'pino';
import type { Channel, RoutingEvent } from '../core/index.js';
import { SYSTEM } from '../server/auth/principal.js';
import { ApiError } from '../server/http/errors.js';
import type { ServerServices } from '../server/server.js';
import { AGENTS, ARRIVALS, CITIZEN_FIRST_NAMES, CITIZEN_LAST_NAMES, GROUPS, OUTCOMES, PAUSE_REASONS } from './agency.js';

export interface SimulationOptions {
  /** Mean time between arrivals; scaled so the board moves without flooding the queues. */
  arrivalEveryMs: number;
  /** No new citizen while this many wait. */
  maxWaiting: number;
  /** Divides every delay (handling, answering, pauses): 10 runs the day ten times faster. */
  speed: number;
}

const DEFAULTS: SimulationOptions = { arrivalEveryMs: 1_500, maxWaiting: 40, speed: 1 };
const HANDLE_SECONDS: Record<Channel, [number, number]> = {
  chat: [15, 60],
  whatsapp: [15, 60],
  phone: [20, 70],
  video: [40, 90],
  presencial: [20, 60],
};

const between = (min: number, max: number): number => min + Math.random() * (max - min);
const pick = <T>(items: readonly T[]): T => items[Math.floor(Math.random() * items.length)]!;
function weighted<T extends { weight: number }>(items: readonly T[]): T {
  let roll = Math.random() * items.reduce((sum, i) => sum + i.weight, 0);
  for (const item of items) if ((roll -= item.weight) < 0) return item;
  return items[items.length - 1]!;
}

/** An 11-digit CPF with valid check digits (randomly generated; belongs to no one on purpose). */
export function fakeCpf(): string {
  const digits = Array.from({ length: 9 }, () => Math.floor(Math.random() * 10));
  for (const length of [9, 10]) {
    const sum = digits.slice(0, length).reduce((acc, d, i) => acc + d * (length + 1 - i), 0);
    const rest = (sum * 10) % 11;
    digits.push(rest === 10 ? 0 : rest);
  }
  return digits.join('');
}

export class Simulation {
  private readonly timers = new Set<NodeJS.Timeout>();
  private readonly simulated = new Set(AGENTS.map((a) => a.id));
  private readonly groups = new Map(GROUPS.map((g) => [g.id, g]));
  private unsubscribe: (() => void) | undefined;
  private stopped = false;
  private readonly options: SimulationOptions;

  constructor(
    private readonly services: ServerServices,
    private readonly log: Logger,
    options: Partial<SimulationOptions> = {},
  ) {
    this.options = { ...DEFAULTS, ...options };
  }

  async start(): Promise<void> {
    this.unsubscribe = this.services.context.engine.subscribe((events) => this.react(events));
    for (const agent of AGENTS) await this.attempt(() => this.services.configuration.setAgentState(SYSTEM, agent.id, { state: 'available' }));
    // Offers made before this start (replayed after a restart) are answered too.
    for (const agent of this.services.context.engine.agents()) {
      for (const id of agent.offers) this.answerOffer(id, agent.id);
      for (const id of agent.sessions) this.serve(id, agent.id);
    }
    this.every(() => this.options.arrivalEveryMs * this.options.speed * between(0.5, 1.5), () => this.arrive());
    this.every(() => 15_000, () => this.pauseSomeone());
  }

  async stop(): Promise<void> {
    this.stopped = true;
    this.unsubscribe?.();
    for (const t of this.timers) clearTimeout(t);
    this.timers.clear();
  }

  private later(ms: number, action: () => Promise<unknown> | void): void {
    if (this.stopped) return;
    const timer = setTimeout(() => {
      this.timers.delete(timer);
      if (!this.stopped) void this.attempt(async () => action());
    }, ms / this.options.speed);
    timer.unref();
    this.timers.add(timer);
  }

  private every(interval: () => number, action: () => Promise<unknown> | void): void {
    const loop = (): void =>
      this.later(interval(), async () => {
        try {
          await action();
        } finally {
          loop();
        }
      });
    loop();
  }

  /** Races with real timers are expected (an offer expires as it is accepted): they are not errors. */
  private async attempt(action: () => Promise<unknown>): Promise<void> {
    try {
      await action();
    } catch (err) {
      if (err instanceof ApiError && err.status < 500) this.log.debug({ code: err.code }, 'demo action refused');
      else this.log.warn({ err }, 'demo action failed');
    }
  }

  private byHand(agentId: string): boolean {
    return !this.simulated.has(agentId) || this.services.agentSockets.isConnected(agentId);
  }

  private react(events: readonly RoutingEvent[]): void {
    for (const e of events) {
      if (e.type === 'interaction.offered') this.answerOffer(e.interactionId, e.agentId);
      else if (e.type === 'interaction.accepted') this.serve(e.interactionId, e.agentId);
      else if (e.type === 'interaction.queued') this.maybeAbandon(e.interaction.id);
      else if (e.type === 'agent.auto_paused' && !this.byHand(e.agentId)) {
        this.later(20_000, () => this.services.configuration.setAgentState(SYSTEM, e.agentId, { state: 'available' }));
      }
    }
  }

  private answerOffer(interactionId: string, agentId: string): void {
    if (this.byHand(agentId)) return;
    const roll = Math.random();
    if (roll > 0.96) return; // missed: the offer expires and goes back to the head of the queue
    this.later(between(1_000, 4_000), () =>
      roll < 0.88 ? this.services.sessions.accept(SYSTEM, interactionId, agentId) : this.services.sessions.reject(SYSTEM, interactionId, agentId),
    );
  }

  private serve(interactionId: string, agentId: string): void {
    if (this.byHand(agentId)) return;
    const view = this.services.context.engine.interaction(interactionId);
    if (!view) return;
    const [min, max] = HANDLE_SECONDS[view.channel];
    this.later(between(min, max) * 1000, async () => {
      const now = this.services.context.engine.interaction(interactionId);
      if (!now || now.state !== 'active' || now.agentId !== agentId) return;
      const group = this.groups.get(now.groupId);
      const escalate = group && now.channel !== 'presencial' && Math.random() < (group.level === 1 ? 0.2 : group.level === 2 ? 0.3 : 0);
      if (escalate && this.staffedAbove(group.id, now.channel)) {
        await this.services.sessions.transfer(SYSTEM, interactionId, { nextLevel: true });
        return;
      }
      const tabulation = { tema: group?.tema, categoria: group?.categoria, outcome: pick(OUTCOMES) };
      const ended = await this.services.sessions.end(SYSTEM, interactionId, Math.random() < 0.5 ? tabulation : undefined);
      if (ended.state === 'wrapup' && Math.random() < 0.6) {
        this.later(between(1_000, 3_000), () => this.services.sessions.wrapup(SYSTEM, interactionId, tabulation));
      }
    });
  }

  /** Whether the next level's group has someone on this channel (else the escalation would only wait). */
  private staffedAbove(groupId: string, channel: Channel): boolean {
    const group = this.groups.get(groupId)!;
    const next = GROUPS.find((g) => g.tema === group.tema && g.categoria === group.categoria && g.level === group.level + 1);
    if (!next) return false;
    const figures = this.services.context.engine.queues(new Set([next.id])).find((q) => q.channel === channel);
    return figures !== undefined && figures.agents.available + figures.agents.busy > 0;
  }

  private maybeAbandon(interactionId: string): void {
    this.later(between(45_000, 150_000), async () => {
      const view = this.services.context.engine.interaction(interactionId);
      if (view && (view.state === 'queued' || view.state === 'offered') && Math.random() < 0.4) {
        await this.services.sessions.abandon(SYSTEM, interactionId);
      }
    });
  }

  private async arrive(): Promise<void> {
    const waiting = this.services.context.engine.queues().reduce((sum, q) => sum + q.waiting, 0);
    if (waiting >= this.options.maxWaiting) return;
    const channel = weighted(ARRIVALS.channels).channel;
    const groupId = weighted(channel === 'video' ? ARRIVALS.videoGroups : ARRIVALS.groups).groupId;
    const name = `${pick(CITIZEN_FIRST_NAMES)} ${pick(CITIZEN_LAST_NAMES)}`;
    await this.services.sessions.create(SYSTEM, {
      channel,
      groupId,
      priority: Math.random() < 0.1 ? 5 : 0,
      legalPriority: channel === 'presencial' && Math.random() < 0.15,
      contact: { name, cpf: fakeCpf() },
      data: { origem: 'simulação de demonstração', ...(channel === 'presencial' ? { senha: `A${Math.floor(between(100, 999))}` } : {}) },
    });
  }

  private async pauseSomeone(): Promise<void> {
    const candidates = this.services.context.engine
      .agents()
      .filter((a) => a.presence === 'available' && a.sessions.length === 0 && a.offers.length === 0 && !this.byHand(a.id));
    if (candidates.length === 0) return;
    const agent = pick(candidates);
    await this.services.configuration.setAgentState(SYSTEM, agent.id, { state: 'paused', reason: pick(PAUSE_REASONS).label });
    this.later(between(10_000, 30_000), () => this.services.configuration.setAgentState(SYSTEM, agent.id, { state: 'available' }));
  }
}
