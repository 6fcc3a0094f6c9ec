// The supervisor board's live state over WS /ws/board: the snapshot, then coalesced queue and
// agent updates; the reference data (groups, units, fairness) over REST; and the last hour of
// ticks for the 30-minute SLA and the chart. Reconnects with backoff and re-snapshots.
import type { Agent, Fairness, Group, QueueRow, Unit } from '../api/types';
import type { ApiClient } from '../api/client';
import { LiveSocket, socketUrl, type SocketStatus } from '../connection/live-socket';
import { clockSkew } from '../time/countdown';
import { mergeAgents } from './agents';
import { appendTick, HOUR_MS, rowKey, SLA_WINDOW_MS, type BoardTick } from './history';
import { rowCounters } from './sla';

type BoardMessage =
  | { type: 'snapshot'; at?: string; queues: QueueRow[]; agents?: Agent[] }
  | { type: 'queues'; at?: string; queues: QueueRow[] }
  /** Only the agents that changed since the previous update, and the ids of agents gone. */
  | { type: 'agents'; at?: string; agents: Agent[]; removed?: string[] };

/** Keep a little over an hour: the chart shows 60 minutes and the SLA window needs its baseline. */
const KEEP_MS = HOUR_MS + SLA_WINDOW_MS;
const TICK_GAP_MS = 5_000;
const FAIRNESS_EVERY_MS = 5_000;

export class BoardStore {
  status = $state<SocketStatus>('connecting');
  retryInMs = $state<number | undefined>(undefined);
  queues = $state.raw<QueueRow[]>([]);
  agents = $state.raw<Agent[]>([]);
  groups = $state.raw<Map<string, Group>>(new Map());
  units = $state.raw<Unit[]>([]);
  fairness = $state.raw<Map<string, Fairness>>(new Map());
  ticks = $state.raw<BoardTick[]>([]);
  /** Server time (ms) at which `queues` was measured. */
  measuredAt = $state(0);
  /** Server clock minus this browser's. */
  skewMs = $state(0);
  snapshots = $state(0);
  lastUpdate = $state(0);

  private socket: LiveSocket | undefined;
  private sampler: ReturnType<typeof setInterval> | undefined;
  private fairnessTimer: ReturnType<typeof setTimeout> | undefined;
  private fairnessAt = 0;
  private fairnessAvailable = true;

  constructor(
    private readonly api: ApiClient,
    private readonly onRefused?: () => void,
  ) {}

  start(token: string): void {
    this.stop();
    this.socket = new LiveSocket({
      url: () => socketUrl('/ws/board', { token }),
      onMessage: (m) => this.receive(m as BoardMessage),
      onStatus: (status, detail) => {
        this.status = status;
        this.retryInMs = detail.retryInMs;
      },
      onRefused: this.onRefused,
    });
    this.socket.start();
    // Figures stay put between events: sample anyway so the chart moves on with time.
    this.sampler = setInterval(() => this.sample(Date.now() + this.skewMs), TICK_GAP_MS);
  }

  stop(): void {
    this.socket?.stop();
    this.socket = undefined;
    if (this.sampler) clearInterval(this.sampler);
    if (this.fairnessTimer) clearTimeout(this.fairnessTimer);
    this.sampler = undefined;
    this.fairnessTimer = undefined;
  }

  async loadReference(): Promise<void> {
    const [groups, units] = await Promise.all([
      this.api.get<Group[]>('/api/groups').catch(() => undefined),
      this.api.get<Unit[]>('/api/units').catch(() => undefined),
    ]);
    if (groups) this.groups = new Map(groups.map((g) => [g.id, g]));
    if (units) this.units = units;
  }

  private receive(message: BoardMessage): void {
    const receivedAt = Date.now();
    const at = message.at ? Date.parse(message.at) : receivedAt + this.skewMs;
    if (message.at) this.skewMs = clockSkew(message.at, receivedAt);
    this.lastUpdate = receivedAt;
    switch (message.type) {
      case 'snapshot':
        this.snapshots++;
        this.setQueues(message.queues, at);
        if (message.agents) this.agents = message.agents;
        // A (re)connection may follow a restart or new configuration: read it again.
        void this.loadReference();
        this.refreshFairness(true);
        break;
      case 'queues':
        this.setQueues(message.queues, at);
        break;
      case 'agents':
        this.agents = mergeAgents(this.agents, message.agents, message.removed ?? []);
        this.refreshFairness(false);
        break;
    }
  }

  private setQueues(queues: QueueRow[], at: number): void {
    this.queues = queues;
    this.measuredAt = at;
    if (queues.some((q) => !this.groups.has(q.groupId))) void this.loadReference();
    this.sample(at);
  }

  private sample(at: number): void {
    if (this.snapshots === 0) return;
    const rows: BoardTick['rows'] = {};
    for (const q of this.queues) rows[rowKey(q.groupId, q.channel)] = { waiting: q.waiting, ...rowCounters(q) };
    this.ticks = appendTick(this.ticks, { at, rows }, KEEP_MS, TICK_GAP_MS);
  }

  /** GET /api/fairness at most every few seconds (agents updates come 4 per second). */
  private refreshFairness(now: boolean): void {
    if (!this.fairnessAvailable || this.fairnessTimer) return;
    const wait = now ? 0 : Math.max(0, this.fairnessAt + FAIRNESS_EVERY_MS - Date.now());
    this.fairnessTimer = setTimeout(() => {
      this.fairnessTimer = undefined;
      this.fairnessAt = Date.now();
      this.api
        .get<Fairness[]>('/api/fairness')
        .then((list) => (this.fairness = new Map(list.map((f) => [f.groupId, f]))))
        .catch((err: { status?: number }) => {
          if (err.status === 404) this.fairnessAvailable = false;
        });
    }, wait);
  }
}
