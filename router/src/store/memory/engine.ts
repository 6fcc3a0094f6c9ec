// The embedded engine: the routing core in this process, one timer for its next deadline,
// events persisted (when a sink is given) before a command is acknowledged.

import { Router, type Command, type Outcome, type RouterOptions, type RoutingEvent } from '../../core/index.js';
import type { Annotation, EventListener, PersistEvents, RoutingEngine } from '../engine.js';
import { DeadlineTimer, Listeners } from '../plumbing.js';
import { RouterReads } from '../views.js';

export interface MemoryEngineOptions {
  router?: Partial<RouterOptions>;
  /** Events to rebuild from (the durable log), applied before any command. */
  replay?: Iterable<RoutingEvent>;
  persist?: PersistEvents;
  clock?: () => number;
  /** Fire deadlines with a real timer (off for callers that drive tick themselves). */
  timers?: boolean;
  onError?: (err: unknown) => void;
}

export class MemoryEngine extends RouterReads implements RoutingEngine {
  private readonly listeners = new Listeners((err) => this.options.onError?.(err));
  private readonly persist: PersistEvents | undefined;
  private readonly timer: DeadlineTimer;
  private closed = false;
  /** Persists run in command order, so listeners see events in the order they were decided. */
  private tail: Promise<void> = Promise.resolve();

  constructor(private readonly options: MemoryEngineOptions = {}) {
    super(new Router(options.router), options.clock ?? Date.now);
    for (const e of options.replay ?? []) this.router.apply(e);
    this.persist = options.persist;
    this.timer = new DeadlineTimer(this.clock, () => {
      this.execute({ type: 'tick' }).catch((err: unknown) => this.options.onError?.(err));
      this.arm();
    });
    this.arm();
  }

  execute(command: Command, annotations: readonly Annotation[] = []): Promise<Outcome> {
    if (this.closed) return Promise.reject(new Error('engine closed'));
    const outcome = this.router.decide(command, this.clock());
    this.arm();
    if (outcome.events.length === 0) return Promise.resolve(outcome);
    const events = outcome.events;
    // Persist starts now, in decision order, so a group-committing sink can batch concurrent
    // commands into one write; publication and acknowledgement still wait for every earlier one.
    let persisted: Promise<void>;
    try {
      persisted = this.persist ? this.persist(events, annotations) : Promise.resolve();
    } catch (err) {
      persisted = Promise.reject(err);
    }
    // Handled below once earlier commands are durable; this keeps an early failure from being reported as unhandled.
    persisted.catch(() => undefined);
    const durable = this.tail.then(() => persisted);
    this.tail = durable.then(
      () => this.publish(events, annotations),
      () => undefined,
    );
    return durable.then(() => outcome);
  }

  /** Resolves once every command decided so far is durable and published (or has failed). */
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
    this.listeners.publish(events, annotations);
  }

  /** Keep exactly one timer, set to the core's earliest deadline. */
  private arm(): void {
    if (this.options.timers === false || this.closed) return;
    this.timer.set(this.router.nextDeadline());
  }
}
