// The multi-node state engine: every decision is one atomic run of the routing script on the
// tenant's Redis slot, so any router node may decide for any session and a node crash loses nothing.

import { randomUUID } from 'node:crypto';
import { DEFAULT_OPTIONS, type Command, type Outcome, type RouterOptions, type RoutingErrorInfo, type RoutingEvent } from '../../core/types.js';
import type { Annotation, EventListener, PersistEvents } from '../engine.js';
import { DeadlineTimer, Listeners } from '../plumbing.js';
import { toScriptCommand, type ScriptCommand } from './commands.js';
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
  /** Commands per script call at most (group commit; 1: one call per command). */
  batchSize?: number;
  /** Script calls in flight at most (2: the next call waits in Redis while one runs; 1: one at a time). */
  pipeline?: number;
}

const HOURS_RETRIES = 4;
/** Commands per script call at most (group commit). */
export const DEFAULT_BATCH_SIZE = 64;
/** Script calls in flight at most. */
export const DEFAULT_PIPELINE = 2;
/**
 * A batch is cut to its share of the outstanding work (see `fill`) only down to this size: a
 * smaller burst goes in one call, since another call costs about as much as a decision (EVALSHA
 * runs the script's top level again) and so few answers leave Redis no time to wait.
 */
export const MIN_SHARE = 16;
/** Reply fields per command of a batch (see lua/90-main.lua). */
const REPLY_FIELDS = 6;

type Decided = { outcome: Outcome; entryId: string };
type FreshHours = Parameters<GroupHoursCache['commit']>[1];

/** A script call under way: its sequence number, its commands, the hours computed for each, the reply to come. */
interface Call {
  seq: number;
  batch: Pending[];
  fresh: FreshHours[];
  reply: Promise<string[]>;
}

/** A command waiting for its script call. */
interface Pending {
  sc: ScriptCommand;
  now: number;
  payload: string;
  steps: string;
  annotations: string;
  /** Groups whose hours the script asked for. */
  extra: Set<string>;
  attempts: number;
  resolve: (decided: Decided) => void;
  reject: (err: unknown) => void;
}

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
  private readonly listeners = new Listeners((err) => this.config.onError?.(err));
  private readonly clock: () => number;
  private readonly timer: DeadlineTimer;
  private closed = false;
  private tail: Promise<void> = Promise.resolve();
  private readonly streamLength: number;
  private readonly batchSize: number;
  private readonly queue: Pending[] = [];
  private readonly pipeline: number;
  /** Calls sent and not returned yet, in the order sent. */
  private readonly flight: Call[] = [];
  /** Commands to send again, in order, ahead of the queue, once no call is in flight. */
  private held: Pending[] = [];
  /** A call stopped short or failed: send nothing new until the ones in flight have returned. */
  private broken = false;
  /** This engine's name in its calls' fence (see lua/95-fence.lua). */
  private readonly token = randomUUID();
  private flushing = false;
  private fillScheduled = false;
  /** The flush loop is answering a call's commands and sends the queue afterwards. */
  private answering = false;
  private calls = 0;
  private commands = 0;
  private hoursRetries = 0;
  private fenced = 0;

  private constructor(private readonly config: RedisEngineOptions) {
    this.client = config.client;
    this.key = tenantKey(config.tenant);
    this.options = { ...DEFAULT_OPTIONS, ...config.router };
    this.optionsArg = JSON.stringify(this.options);
    this.script = config.script ?? new RoutingScript();
    this.day = new LocalDay(this.options.timeZone);
    this.clock = config.clock ?? Date.now;
    this.timer = new DeadlineTimer(this.clock, () => {
      this.execute({ type: 'tick' }).catch((err: unknown) => this.config.onError?.(err));
    });
    this.streamLength = config.streamMaxLength ?? 0;
    this.batchSize = Math.max(1, config.batchSize ?? DEFAULT_BATCH_SIZE);
    this.pipeline = Math.max(1, config.pipeline ?? DEFAULT_PIPELINE);
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

  /**
   * decide, and the id of the stream entry holding the command's events ('' when none was added).
   * Group commit: while a script call of this engine is in flight, commands wait in a queue; when
   * it returns, the queued commands (up to batchSize) go in one call, decided there in order.
   */
  decideEntry(command: Command, now: number, annotations: readonly Annotation[] = []): Promise<Decided> {
    return new Promise<Decided>((resolve, reject) => {
      let sc: ScriptCommand;
      try {
        sc = toScriptCommand(command, now);
      } catch (err) {
        reject(err);
        return;
      }
      this.queue.push({
        sc,
        now,
        payload: JSON.stringify(sc.payload),
        steps: JSON.stringify(sc.checks?.steps ?? []),
        annotations: this.streamLength > 0 ? JSON.stringify(annotations) : '',
        extra: new Set(),
        attempts: 0,
        resolve,
        reject,
      });
      if (!this.flushing) void this.flush();
      else this.fillSoon();
    });
  }

  /** Script calls made, commands they carried (mean batch size = commands / calls), commands sent again for a group's hours, calls fenced. */
  get batching(): { calls: number; commands: number; hoursRetries: number; fenced: number } {
    return { calls: this.calls, commands: this.commands, hoursRetries: this.hoursRetries, fenced: this.fenced };
  }

  /**
   * Sends the queue, a batch per call, until it is empty, with at most `pipeline` calls in flight:
   * while Redis runs one call, the next one waits there, and this node handles the outcomes of the
   * one that returned (the callers' continuations, which queue the commands of later calls). A call
   * sent while another is in flight is fenced on it (lua/95-fence.lua): it runs only if that one
   * decided all its commands; otherwise it comes back FENCED, nothing of it applied, and its
   * commands are sent again after those of the call that stopped, in their order. When a call
   * returns and Redis has little left to run (fewer than `MIN_SHARE` commands in flight), the next
   * call leaves before its commands are answered; when Redis still has a call of its own to run,
   * they are answered first, and what their callers hand in leaves with the queue in one call: the
   * calls keep to two waves of about half the work, not three of a third (each call costs EVALSHA's
   * top level again), and no command waits a whole call in this node's queue.
   */
  private async flush(): Promise<void> {
    this.flushing = true;
    try {
      this.fill();
      while (this.flight.length > 0) {
        const call = this.flight[0]!;
        let answer: () => void;
        try {
          answer = this.finish(call, await call.reply);
        } catch (err) {
          // The call failed as a whole (Redis unreachable, a Lua runtime error): nothing of it
          // was written, and every command of the batch fails with that error. A call sent after
          // it finds its fence closed (or fails the same way).
          this.broken = true;
          const batch = call.batch;
          answer = () => {
            for (const p of batch) p.reject(err);
          };
        }
        this.flight.shift();
        if (this.flight.length === 0 && this.broken) {
          // Everything sent has returned: the commands to send again go first, then the queue.
          this.queue.unshift(...this.held);
          this.held = [];
          this.broken = false;
        }
        if (this.broken || this.inFlight() < MIN_SHARE) {
          // Redis has little or nothing left to run: send the queue before answering.
          this.fill();
          answer();
        } else {
          // Redis still has a call of its own to run: answer first, and send what the answers'
          // callers hand in together with the queue, once they have all run (a macrotask later),
          // in one call rather than in a second wave behind the queue's.
          this.answering = true;
          try {
            answer();
            await new Promise<void>((resolve) => setImmediate(resolve));
          } finally {
            this.answering = false;
          }
          this.fill();
        }
      }
    } finally {
      this.flushing = false;
    }
  }

  /**
   * A command arrived while calls are in flight: if there is room for another call, send one once
   * the current turn has handed in all its commands (they go together).
   */
  private fillSoon(): void {
    if (this.fillScheduled || this.answering || this.flight.length >= this.pipeline) return;
    this.fillScheduled = true;
    queueMicrotask(() => {
      this.fillScheduled = false;
      if (this.flushing) this.fill();
      else void this.flush();
    });
  }

  /**
   * Sends batches from the queue while fewer than `pipeline` calls are in flight. A batch takes
   * its share of the work outstanding (queued and in flight) over the pipeline's calls, not the
   * whole queue (but at least `MIN_SHARE` commands): when the answers of one large call come back
   * together, their next commands would otherwise all go in one call again, behind small calls in
   * flight, and Redis would sit idle once it has run those while this node handles that wave of
   * answers. Shared out, the calls stay even: Redis runs one while this node handles the other.
   */
  private fill(): void {
    while (!this.broken && this.flight.length < this.pipeline && this.queue.length > 0) {
      const share = Math.max(MIN_SHARE, Math.ceil((this.queue.length + this.inFlight()) / this.pipeline));
      const previous = this.flight[this.flight.length - 1];
      this.flight.push(this.start(previous, Math.min(this.batchSize, share)));
    }
  }

  /** Commands in the calls in flight. */
  private inFlight(): number {
    let n = 0;
    for (const call of this.flight) n += call.batch.length;
    return n;
  }

  /** The next batch's script call, of up to `size` commands, fenced on the call in flight before it (if any). */
  private start(previous: Call | undefined, size: number): Call {
    const batch = this.queue.splice(0, size);
    const args: (string | number)[] = ['decide', this.optionsArg, this.streamLength, batch.length];
    const fresh: FreshHours[] = [];
    for (const p of batch) {
      const sc = p.sc;
      const groups = sc.hoursOf === 'all' ? [...this.hours.knownGroups()] : sc.hoursOf === 'named' && sc.groupId !== undefined ? [sc.groupId] : [];
      const hours = this.hours.argumentsFor(p.extra.size > 0 ? [...groups, ...p.extra] : groups, p.now);
      fresh.push(hours.fresh);
      args.push(p.now, this.day.nextMidnight(p.now), JSON.stringify(hours.args), p.steps, p.payload, p.annotations);
    }
    const seq = ++this.calls;
    this.commands += batch.length;
    if (this.pipeline > 1) args.push(this.token, seq, previous ? previous.seq : '');
    return { seq, batch, fresh, reply: this.script.run(this.client, this.key, args) };
  }

  /**
   * A call's reply: settles the hours its commands used and, when it stopped at a command that
   * needed a group's hours, holds that command and the rest to go first again. Returns what
   * answers the decided commands (run once the next call has left).
   */
  private finish(call: Call, reply: string[]): () => void {
    const { batch, fresh } = call;
    if (reply[1] === 'FENCED') {
      // The call before it stopped short: nothing of this one was applied.
      this.fenced++;
      this.broken = true;
      this.held.push(...batch);
      return () => undefined;
    }
    const done = Number(reply[0]);
    for (let i = 0; i < done; i++) {
      const at = 1 + i * REPLY_FIELDS;
      const used = reply[at] === 'OK' ? reply[at + 4] : reply[at] === 'ERR' ? reply[at + 3] : undefined;
      if (used !== undefined && used !== '[]') this.hours.commit(JSON.parse(used) as string[], fresh[i]!);
    }
    // Commands of this call that fail without being decided, and why.
    let failed: { commands: Pending[]; error: Error } | undefined;
    if (done < batch.length) {
      const at = 1 + done * REPLY_FIELDS;
      if (reply[at] !== 'HOURS') {
        failed = { commands: batch.slice(done), error: new Error(`unexpected routing script reply ${String(reply[at])}`) };
      } else {
        // Nothing of that command was written: learn the group's hours (new or reconfigured) and
        // send it again with the ones after it, first in line (the call in flight after this one,
        // if any, is fenced and goes after them). Hours that keep changing fail that command only.
        const p = batch[done]!;
        if (p.attempts >= HOURS_RETRIES) {
          failed = { commands: [p], error: new Error(`business hours of group ${reply[at + 1]} kept changing`) };
          this.held.push(...batch.slice(done + 1));
        } else {
          p.attempts++;
          this.hoursRetries++;
          this.hours.learn(reply[at + 1]!, Number(reply[at + 2]), reply[at + 3]!);
          p.extra.add(reply[at + 1]!);
          this.held.push(...batch.slice(done));
        }
        this.broken = true;
      }
    }
    return () => {
      for (let i = 0; i < done; i++) {
        const p = batch[i]!;
        try {
          p.resolve(this.outcome(p, reply, 1 + i * REPLY_FIELDS));
        } catch (err) {
          p.reject(err);
        }
      }
      if (failed) for (const p of failed.commands) p.reject(failed.error);
    };
  }

  private outcome(p: Pending, reply: string[], at: number): Decided {
    switch (reply[at]) {
      case 'OK': {
        const outcome: Outcome = { ok: true, events: JSON.parse(reply[at + 3]!) as RoutingEvent[], nextDeadline: deadline(reply[at + 1]!) };
        if (reply[at + 2]) outcome.closed = JSON.parse(reply[at + 2]!) as NonNullable<Extract<Outcome, { ok: true }>['closed']>;
        return { outcome, entryId: reply[at + 5] ?? '' };
      }
      case 'ERR':
        return { outcome: { ok: false, error: JSON.parse(reply[at + 2]!) as RoutingErrorInfo, events: [], nextDeadline: deadline(reply[at + 1]!) }, entryId: '' };
      case 'CHECK': {
        const step = Number(reply[at + 2]) - 1;
        const error = p.sc.checks!.errorAt(step, reply[at + 3] === '' ? 0 : Number(reply[at + 3]));
        return { outcome: { ok: false, error, events: [], nextDeadline: deadline(reply[at + 1]!) }, entryId: '' };
      }
      default:
        throw new Error(`unexpected routing script reply ${String(reply[at])}`);
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
    return this.listeners.add(listener);
  }

  async close(): Promise<void> {
    this.closed = true;
    this.timer.clear();
    await this.tail;
  }

  private publish(events: RoutingEvent[], annotations: readonly Annotation[]): void {
    if (events.length > 0) this.listeners.publish(events, annotations);
  }

  /**
   * One timer at the earliest deadline this node has seen. Ticks are safe from any node at any
   * time: the script claims due deadlines atomically, so none fires twice.
   */
  private arm(at: number | undefined): void {
    if (this.config.timers === false || this.closed) return;
    this.timer.set(at);
  }
}

function deadline(text: string): number | undefined {
  return text === '' ? undefined : Number(text);
}
