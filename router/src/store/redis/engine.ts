// The multi-node state engine: every decision is one atomic run of the routing script on the
// tenant's Redis slot, so any router node may decide for any session and a node crash loses nothing.

import { DEFAULT_OPTIONS, type Command, type Outcome, type RouterOptions, type RoutingErrorInfo, type RoutingEvent } from '../../core/types.js';
import type { Annotation, EventListener, PersistEvents } from '../engine.js';
import { toScriptCommand } from './commands.js';
import { GroupHoursCache, LocalDay } from './hours.js';
import { RoutingScript, type RedisClient } from './script.js';
import { StateReader } from './views.js';

export interface RedisEngineOptions {
  client: RedisClient;
  /** Tenant (agency) id: all its keys share the hash tag {atende:<tenant>}. */
  tenant: string;
  router?: Partial<RouterOptions>;
  persist?: PersistEvents;
  clock?: () => number;
  /** Fire deadlines with a real timer (off for callers that drive tick themselves). */
  timers?: boolean;
  /** Append each command's events to the tenant's stream, trimmed to about this many entries (0: off). */
  streamMaxLength?: number;
  onError?: (err: unknown) => void;
  script?: RoutingScript;
}

const HOURS_RETRIES = 4;

export function tenantKey(tenant: string): string {
  if (!/^[A-Za-z0-9_.-]+$/.test(tenant)) throw new Error(`tenant id ${JSON.stringify(tenant)} must be [A-Za-z0-9_.-]+ (it becomes a hash tag)`);
  return `{atende:${tenant}}`;
}

export class RedisEngine {
  readonly options: RouterOptions;
  readonly key: string;
  readonly read: StateReader;
  private readonly client: RedisClient;
  private readonly script: RoutingScript;
  private readonly optionsArg: string;
  private readonly hours = new GroupHoursCache();
  private readonly day: LocalDay;
  private readonly listeners = new Set<EventListener>();
  private readonly clock: () => number;
  private timer: NodeJS.Timeout | undefined;
  private timerAt: number | undefined;
  private closed = false;
  private tail: Promise<void> = Promise.resolve();

  private constructor(private readonly config: RedisEngineOptions) {
    this.client = config.client;
    this.key = tenantKey(config.tenant);
    this.options = { ...DEFAULT_OPTIONS, ...config.router };
    this.optionsArg = JSON.stringify(this.options);
    this.script = config.script ?? new RoutingScript();
    this.day = new LocalDay(this.options.timeZone);
    this.clock = config.clock ?? Date.now;
    this.read = new StateReader(this.client, this.key, () => this.clock());
  }

  /** Loads the script on every master, then the engine is ready. */
  static async open(config: RedisEngineOptions): Promise<RedisEngine> {
    const engine = new RedisEngine(config);
    await engine.script.load(engine.client);
    return engine;
  }

  /** One command at the caller's time, decided atomically in Redis: the core's Router.decide. */
  async decide(command: Command, now: number, annotations: readonly Annotation[] = []): Promise<Outcome> {
    return (await this.decideEntry(command, now, annotations)).outcome;
  }

  /** decide, and the id of the stream entry holding the command's events ('' when none was added). */
  async decideEntry(command: Command, now: number, annotations: readonly Annotation[] = []): Promise<{ outcome: Outcome; entryId: string }> {
    const sc = toScriptCommand(command, now);
    const payload = JSON.stringify(sc.payload);
    const steps = JSON.stringify(sc.checks?.steps ?? []);
    const streamLength = this.config.streamMaxLength ?? 0;
    const extra = new Set<string>();
    for (let attempt = 0; ; attempt++) {
      const groups = sc.hoursOf === 'all' ? [...this.hours.knownGroups()] : sc.hoursOf === 'named' && sc.groupId !== undefined ? [sc.groupId] : [];
      const { args, fresh } = this.hours.argumentsFor([...groups, ...extra], now);
      const reply = await this.script.run(this.client, this.key, [
        'decide',
        now,
        this.day.nextMidnight(now),
        this.optionsArg,
        JSON.stringify(args),
        steps,
        payload,
        streamLength,
        streamLength > 0 ? JSON.stringify(annotations) : '',
      ]);
      switch (reply[0]) {
        case 'OK': {
          this.hours.commit(JSON.parse(reply[4]!) as string[], fresh);
          const outcome: Outcome = { ok: true, events: JSON.parse(reply[3]!) as RoutingEvent[], nextDeadline: deadline(reply[1]!) };
          if (reply[2]) outcome.closed = JSON.parse(reply[2]) as NonNullable<Extract<Outcome, { ok: true }>['closed']>;
          return { outcome, entryId: reply[5] ?? '' };
        }
        case 'ERR':
          this.hours.commit(JSON.parse(reply[3]!) as string[], fresh);
          return { outcome: { ok: false, error: JSON.parse(reply[2]!) as RoutingErrorInfo, events: [], nextDeadline: deadline(reply[1]!) }, entryId: '' };
        case 'CHECK': {
          const step = Number(reply[2]) - 1;
          const error = sc.checks!.errorAt(step, reply[3] === '' ? 0 : Number(reply[3]));
          return { outcome: { ok: false, error, events: [], nextDeadline: deadline(reply[1]!) }, entryId: '' };
        }
        case 'HOURS':
          // Nothing was written: learn the group's hours (new or reconfigured) and decide again.
          if (attempt >= HOURS_RETRIES) throw new Error(`business hours of group ${reply[1]} kept changing`);
          this.hours.learn(reply[1]!, Number(reply[2]), reply[3]!);
          extra.add(reply[1]!);
          continue;
        default:
          throw new Error(`unexpected routing script reply ${String(reply[0])}`);
      }
    }
  }

  /** Decide now, make the events durable (when a sink is given), publish, then resolve. */
  execute(command: Command, annotations: readonly Annotation[] = []): Promise<Outcome> {
    if (this.closed) return Promise.reject(new Error('engine closed'));
    const decided = this.decide(command, this.clock(), annotations);
    // Persist and publish in decision order, as the memory engine does.
    const durable = this.tail.then(async () => {
      const outcome = await decided;
      this.arm(outcome.nextDeadline);
      if (outcome.events.length > 0 && this.config.persist) await this.config.persist(outcome.events, annotations);
      return outcome;
    });
    this.tail = durable.then(
      (outcome) => this.publish(outcome.events, annotations),
      () => undefined,
    );
    return durable;
  }

  settled(): Promise<void> {
    return this.tail;
  }

  subscribe(listener: EventListener): () => void {
    this.listeners.add(listener);
    return () => this.listeners.delete(listener);
  }

  async close(): Promise<void> {
    this.closed = true;
    if (this.timer) clearTimeout(this.timer);
    this.timer = undefined;
    await this.tail;
  }

  private publish(events: RoutingEvent[], annotations: readonly Annotation[]): void {
    if (events.length === 0) return;
    for (const listener of this.listeners) {
      try {
        listener(events, annotations);
      } catch (err) {
        this.config.onError?.(err);
      }
    }
  }

  /**
   * One timer at the earliest deadline this node has seen. Ticks are safe from any node at any
   * time: the script claims due deadlines atomically, so none fires twice.
   */
  private arm(at: number | undefined): void {
    if (this.config.timers === false || this.closed || at === this.timerAt) return;
    if (this.timer) clearTimeout(this.timer);
    this.timer = undefined;
    this.timerAt = at;
    if (at === undefined) return;
    const delay = Math.max(0, Math.min(at - this.clock(), 2_147_483_647));
    this.timer = setTimeout(() => {
      this.timer = undefined;
      this.timerAt = undefined;
      this.execute({ type: 'tick' }).catch((err: unknown) => this.config.onError?.(err));
    }, delay);
    this.timer.unref?.();
  }
}

function deadline(text: string): number | undefined {
  return text === '' ? undefined : Number(text);
}
