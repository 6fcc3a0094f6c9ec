// The one path every command takes (REST, WebSocket, demo): decide, make durable, acknowledge.
// A refusal becomes an ApiError; a failed persist means memory is ahead of the log, which is fatal;
// an unreachable store (Redis) applied nothing: 503 and the process goes on.
import { performance } from 'node:perf_hooks';
import type { Command, Outcome } from '../../core/index.js';
import { EngineUnavailableError, type Annotation, type RoutingEngine } from '../../store/engine.js';
import { ApiError, fromRoutingError } from '../http/errors.js';
import type { Metrics } from '../observability/metrics.js';

export type Accepted = Extract<Outcome, { ok: true }>;

export class CommandBus {
  private failed: unknown;

  constructor(
    private readonly engine: RoutingEngine,
    private readonly metrics: Metrics,
    private readonly onFatal: (err: unknown) => void,
  ) {}

  /** Set once a persist failed: the process must restart from the log. */
  get broken(): boolean {
    return this.failed !== undefined;
  }

  async run(command: Command, annotations?: readonly Annotation[]): Promise<Accepted> {
    if (this.failed !== undefined) throw unavailable();
    const started = performance.now();
    const pending = this.engine.execute(command, annotations);
    const decided = performance.now();
    this.metrics.observeDecision(command.type, (decided - started) / 1000);
    let outcome: Outcome;
    try {
      outcome = await pending;
    } catch (err) {
      if (err instanceof Error && err.message === 'engine closed') throw unavailable();
      if (err instanceof EngineUnavailableError) {
        this.metrics.unavailable.inc();
        throw unavailable();
      }
      this.fail(err);
      throw unavailable();
    }
    if (!outcome.ok) throw fromRoutingError(outcome.error);
    if (outcome.events.length > 0) this.metrics.persistSeconds.observe((performance.now() - decided) / 1000);
    return outcome;
  }

  /** Timer-driven ticks fail here: same consequence as a failed command. */
  fail(err: unknown): void {
    if (this.failed !== undefined) return;
    this.failed = err;
    this.onFatal(err);
  }
}

const unavailable = (): ApiError => new ApiError(503, 'unavailable', 'Serviço indisponível; tente novamente em instantes.');
