// What every routing engine needs around the core: the listeners of its events and one timer at
// the next deadline.
import type { Annotation, EventListener } from './engine.js';
import type { RoutingEvent } from '../core/index.js';

/** An engine's event listeners: one that throws is reported and does not keep the others from theirs. */
export class Listeners {
  private readonly set = new Set<EventListener>();

  constructor(private readonly onError: (err: unknown) => void) {}

  add(listener: EventListener): () => void {
    this.set.add(listener);
    return () => {
      this.set.delete(listener);
    };
  }

  publish(events: RoutingEvent[], annotations: readonly Annotation[]): void {
    for (const listener of this.set) {
      try {
        listener(events, annotations);
      } catch (err) {
        this.onError(err);
      }
    }
  }
}

/** setTimeout's longest delay; a later deadline is re-armed when the timer fires early. */
const MAX_DELAY_MS = 2_147_483_647;

/** One timer, at one deadline at a time; it never holds the process open. */
export class DeadlineTimer {
  private timer: NodeJS.Timeout | undefined;
  private armedAt: number | undefined;

  constructor(
    private readonly clock: () => number,
    private readonly fire: () => void,
  ) {}

  /** The deadline the timer is set for, if any. */
  get at(): number | undefined {
    return this.armedAt;
  }

  /** Move the timer to `at` (undefined: no timer). Setting the same deadline again changes nothing. */
  set(at: number | undefined): void {
    if (at === this.armedAt) return;
    this.clear();
    if (at === undefined) return;
    this.armedAt = at;
    this.timer = setTimeout(
      () => {
        this.timer = undefined;
        this.armedAt = undefined;
        this.fire();
      },
      Math.max(0, Math.min(at - this.clock(), MAX_DELAY_MS)),
    );
    this.timer.unref?.();
  }

  clear(): void {
    if (this.timer) clearTimeout(this.timer);
    this.timer = undefined;
    this.armedAt = undefined;
  }
}
