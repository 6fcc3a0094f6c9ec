// The Redis engine as a server runs it: decisions are atomic Lua runs in Redis (the truth, shared
// by every node); each node keeps a read replica of the routing state, rebuilt from the durable
// history and then fed, in stream order, by the tenant's event stream — the events of every
// node's decisions. Views are the core's views of that replica, so they stay synchronous, and
// listeners (boards, agent sockets, projections) see every node's events in one total order.
//
// A command resolves once Redis decided it and this node's replica has applied its stream entry,
// so the caller reads its own write. Redis unreachable: commands fail with EngineUnavailableError
// (nothing was applied, or the reply was lost and a retry is idempotent on ids); the stream reader
// reconnects and continues from the last entry it applied.

import { Router, type Command, type Outcome, type RouterOptions, type RoutingEvent } from '../../core/index.js';
import { EngineUnavailableError, type Annotation, type EventListener, type RoutingEngine } from '../engine.js';
import { DeadlineTimer, Listeners } from '../plumbing.js';
import { RouterReads } from '../views.js';
import { RedisEngine, tenantKey } from './engine.js';
import type { RedisClient, RoutingScript } from './script.js';
import { compareEntryIds, waitForEntries, type StreamEntry } from './stream.js';

export interface ReplicatedEngineOptions {
  /** Commands (EVALSHA, reads). */
  client: RedisClient;
  /** A dedicated connection for the blocking stream reads. */
  reader: RedisClient;
  tenant: string;
  router?: Partial<RouterOptions>;
  clock?: () => number;
  /** The durable history the replica starts from, in decision order. */
  history: Iterable<RoutingEvent>;
  /** The last stream entry whose events `history` already holds ('0-0' for none). */
  afterEntryId: string;
  /** Fire deadlines with a real timer (off for callers that drive tick themselves). */
  timers?: boolean;
  /** Stream entries kept at most (a backstop; the persister trims what Postgres holds). */
  streamMaxLength?: number;
  /** Longest wait for the replica to apply a command's own entry before answering anyway. */
  replicaWaitMs?: number;
  script?: RoutingScript;
  /** Commands per script call at most (group commit; see RedisEngine). */
  batchSize?: number;
  /** Script calls in flight at most (see RedisEngineOptions.pipeline). */
  pipeline?: number;
  onError?: (err: unknown) => void;
}

const READ_BLOCK_MS = 1_000;
const READ_BATCH = 1_000;
const RETRY_MS = 250;

interface Waiter {
  entryId: string;
  resolve: () => void;
}

/** True for the errors ioredis raises when Redis cannot be reached (as opposed to a script error). */
export function isConnectionError(err: unknown): boolean {
  if (!(err instanceof Error)) return false;
  if (err.name === 'MaxRetriesPerRequestError' || err.name === 'ClusterAllFailedError') return true;
  const code = (err as { code?: unknown }).code;
  if (typeof code === 'string' && /^(ECONNREFUSED|ECONNRESET|EPIPE|ETIMEDOUT|EHOSTUNREACH|ENOTFOUND)$/.test(code)) return true;
  return /Connection is closed|Stream isn't writeable|enableOfflineQueue|LOADING|MASTERDOWN|CLUSTERDOWN|TRYAGAIN|READONLY|Failed to refresh slots cache/i.test(err.message);
}

export class ReplicatedRedisEngine extends RouterReads implements RoutingEngine {
  readonly key: string;
  private readonly listeners = new Listeners((err) => this.options.onError?.(err));
  private lastEntryId: string;
  private waiters: Waiter[] = [];
  private readonly timer: DeadlineTimer;
  private closed = false;
  private reading: Promise<void> = Promise.resolve();
  private connected = true;

  private constructor(
    private readonly options: ReplicatedEngineOptions,
    private readonly decider: RedisEngine,
  ) {
    // The replica: only the stream reader applies events to it.
    super(new Router(options.router), options.clock ?? Date.now);
    this.key = tenantKey(options.tenant);
    for (const e of options.history) this.router.apply(e);
    this.lastEntryId = options.afterEntryId;
    this.timer = new DeadlineTimer(this.clock, () => {
      this.execute({ type: 'tick' }).catch((err: unknown) => {
        if (err instanceof EngineUnavailableError) {
          // Try again shortly: the deadline is still due in Redis.
          this.arm(this.clock() + RETRY_MS);
          return;
        }
        this.options.onError?.(err);
      });
    });
  }

  /** Loads the script and builds the replica from the history; `start` then catches it up. */
  static async open(options: ReplicatedEngineOptions): Promise<ReplicatedRedisEngine> {
    const decider = await RedisEngine.open({
      client: options.client,
      tenant: options.tenant,
      ...(options.router ? { router: options.router } : {}),
      ...(options.clock ? { clock: options.clock } : {}),
      ...(options.script ? { script: options.script } : {}),
      ...(options.batchSize !== undefined ? { batchSize: options.batchSize } : {}),
      ...(options.pipeline !== undefined ? { pipeline: options.pipeline } : {}),
      timers: false,
      streamMaxLength: options.streamMaxLength ?? 1_000_000,
    });
    return new ReplicatedRedisEngine(options, decider);
  }

  /**
   * Applies what every node decided since the history (listeners subscribed before see it), arms
   * the tenant's earliest deadline, then follows the stream.
   */
  async start(): Promise<void> {
    for (;;) {
      const entries = await waitForEntries(this.options.reader, this.key, this.lastEntryId, 0, READ_BATCH);
      if (entries.length === 0) break;
      this.applyEntries(entries);
    }
    const first = (await this.options.client.zrange(`${this.key}:dl`, '0', '0', 'WITHSCORES')) as string[];
    if (first.length === 2) this.arm(Number(first[1]));
    this.reading = this.readLoop();
  }

  /** The stream entry up to which the replica is current. */
  get position(): string {
    return this.lastEntryId;
  }

  /** False while Redis is unreachable from the stream reader. */
  get available(): boolean {
    return this.connected;
  }

  async execute(command: Command, annotations: readonly Annotation[] = []): Promise<Outcome> {
    if (this.closed) throw new Error('engine closed');
    let decided: { outcome: Outcome; entryId: string };
    try {
      decided = await this.decider.decideEntry(command, this.clock(), annotations);
    } catch (err) {
      if (isConnectionError(err)) throw new EngineUnavailableError('Redis unreachable', { cause: err });
      throw err;
    }
    this.arm(decided.outcome.nextDeadline);
    if (decided.entryId !== '') await this.caughtUp(decided.entryId);
    return decided.outcome;
  }

  settled(): Promise<void> {
    return this.caughtUp(this.lastEntryId);
  }

  subscribe(listener: EventListener): () => void {
    return this.listeners.add(listener);
  }

  async close(): Promise<void> {
    this.closed = true;
    this.timer.clear();
    // The blocking read returns within READ_BLOCK_MS; release callers waiting on it now.
    for (const w of this.waiters) w.resolve();
    this.waiters = [];
    await this.reading;
  }

  /** Resolves when the replica has applied `entryId`, or after replicaWaitMs (the decision stands either way). */
  private caughtUp(entryId: string): Promise<void> {
    if (this.closed || compareEntryIds(this.lastEntryId, entryId) >= 0) return Promise.resolve();
    return new Promise((resolve) => {
      const waiter: Waiter = { entryId, resolve };
      this.waiters.push(waiter);
      const limit = setTimeout(() => {
        this.waiters = this.waiters.filter((w) => w !== waiter);
        resolve();
      }, this.options.replicaWaitMs ?? 10_000);
      limit.unref?.();
      waiter.resolve = () => {
        clearTimeout(limit);
        resolve();
      };
    });
  }

  private async readLoop(): Promise<void> {
    while (!this.closed) {
      try {
        const entries = await waitForEntries(this.options.reader, this.key, this.lastEntryId, READ_BLOCK_MS, READ_BATCH);
        this.connected = true;
        if (!this.closed) this.applyEntries(entries);
      } catch (err) {
        if (this.closed) break;
        this.connected = false;
        if (!isConnectionError(err)) this.options.onError?.(err);
        await new Promise((r) => setTimeout(r, RETRY_MS));
      }
    }
  }

  private applyEntries(entries: readonly StreamEntry[]): void {
    let next: number | undefined;
    for (const entry of entries) {
      for (const command of entry.commands) {
        for (const e of command.events) this.router.apply(e);
        this.listeners.publish(command.events, command.annotations);
      }
      this.lastEntryId = entry.id;
      if (entry.nextDeadline !== undefined) next = entry.nextDeadline;
    }
    if (entries.length > 0) {
      this.arm(next);
      if (this.waiters.length > 0) {
        const still: Waiter[] = [];
        for (const w of this.waiters) {
          if (compareEntryIds(this.lastEntryId, w.entryId) >= 0) w.resolve();
          else still.push(w);
        }
        this.waiters = still;
      }
    }
  }

  /**
   * One timer at the earliest deadline this node knows of (its own decisions and every stream
   * entry). Every node ticks then; the script claims due deadlines atomically, so none fires twice.
   */
  private arm(at: number | undefined): void {
    if (this.options.timers === false || this.closed || at === undefined) return;
    const armed = this.timer.at;
    if (armed === undefined || at < armed) this.timer.set(at);
  }
}


