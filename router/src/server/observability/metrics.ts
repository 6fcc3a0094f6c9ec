// Prometheus metrics of one server instance (its own registry, so several servers can share a
// process in tests): sessions by state, decision latency, persist lag, sockets, projection lag.
import { Counter, Gauge, Histogram, Registry, collectDefaultMetrics } from 'prom-client';
import { INTERACTION_STATES } from '../routing/state-reader.js';

export interface MetricSources {
  sessionsByState(): Record<string, number>;
  projectionPending(): number;
}

export class Metrics {
  readonly registry = new Registry();
  readonly decisionSeconds: Histogram<'command'>;
  readonly persistSeconds: Histogram;
  readonly wsConnections: Gauge<'socket'>;
  readonly boardDropped: Counter;
  readonly events: Counter<'type'>;
  readonly httpResponses: Counter<'method' | 'status'>;
  readonly unavailable: Counter;

  constructor(sources: MetricSources) {
    const registers = [this.registry];
    collectDefaultMetrics({ register: this.registry, prefix: 'atende_' });
    new Gauge({
      name: 'atende_sessions',
      help: 'Live sessions by state (ended and abandoned ones leave the router)',
      labelNames: ['state'],
      registers,
      collect() {
        const counts = sources.sessionsByState();
        for (const state of INTERACTION_STATES) this.set({ state }, counts[state] ?? 0);
      },
    });
    new Gauge({
      name: 'atende_projection_pending_rows',
      help: 'Interaction rows changed in memory and not yet written to the interactions table',
      registers,
      collect() {
        this.set(sources.projectionPending());
      },
    });
    this.decisionSeconds = new Histogram({
      name: 'atende_decision_seconds',
      help: 'Time the routing core takes to decide one command',
      labelNames: ['command'],
      buckets: [0.00001, 0.00005, 0.0001, 0.00025, 0.0005, 0.001, 0.0025, 0.005, 0.01, 0.05],
      registers,
    });
    this.persistSeconds = new Histogram({
      name: 'atende_event_persist_seconds',
      help: 'Lag between a decision and its events being durable in the routing log (group commit included)',
      buckets: [0.0005, 0.001, 0.0025, 0.005, 0.01, 0.025, 0.05, 0.1, 0.25, 0.5, 1, 2.5],
      registers,
    });
    this.wsConnections = new Gauge({
      name: 'atende_ws_connections',
      help: 'Open WebSocket connections by socket kind',
      labelNames: ['socket'],
      registers,
    });
    this.wsConnections.set({ socket: 'agent' }, 0);
    this.wsConnections.set({ socket: 'board' }, 0);
    this.boardDropped = new Counter({
      name: 'atende_board_subscribers_dropped_total',
      help: 'Board subscribers disconnected because they read too slowly',
      registers,
    });
    this.events = new Counter({
      name: 'atende_routing_events_total',
      help: 'Routing events made durable, by type',
      labelNames: ['type'],
      registers,
    });
    this.unavailable = new Counter({
      name: 'atende_commands_unavailable_total',
      help: 'Commands refused with 503 because the routing store (Redis) could not be reached',
      registers,
    });
    this.httpResponses = new Counter({
      name: 'atende_http_responses_total',
      help: 'HTTP responses by method and status',
      labelNames: ['method', 'status'],
      registers,
    });
  }

  // Labelled children are looked up once per label value: prom-client hashes the label object
  // on every labelled call, which cost more than the observation on the per-command path.
  private readonly decisionChildren = new Map<string, ReturnType<Histogram<'command'>['labels']>>();
  private readonly eventChildren = new Map<string, ReturnType<Counter<'type'>['labels']>>();
  private readonly responseChildren = new Map<string, ReturnType<Counter<'method' | 'status'>['labels']>>();

  /** One routing decision of `command` took `seconds`. */
  observeDecision(command: string, seconds: number): void {
    let child = this.decisionChildren.get(command);
    if (!child) this.decisionChildren.set(command, (child = this.decisionSeconds.labels({ command })));
    child.observe(seconds);
  }

  /** One durable routing event of `type`. */
  countEvent(type: string): void {
    let child = this.eventChildren.get(type);
    if (!child) this.eventChildren.set(type, (child = this.events.labels({ type })));
    child.inc();
  }

  /** One HTTP response (`method` already bounded by the caller). */
  countResponse(method: string, status: number): void {
    const key = `${method} ${status}`;
    let child = this.responseChildren.get(key);
    if (!child) this.responseChildren.set(key, (child = this.httpResponses.labels({ method, status: String(status) })));
    child.inc();
  }

  text(): Promise<string> {
    return this.registry.metrics();
  }

  get contentType(): string {
    return this.registry.contentType;
  }
}
