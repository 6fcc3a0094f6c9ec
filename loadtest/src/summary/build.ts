// The run's summary from k6's export, the CPU measurements and the profile: the figures the issue
// asks for (sessions, lost, offer latency, accept round trip, board lag, CPU shares) and the verdict.
import { arrivalSeconds, type Mix, type Profile } from '../profiles.js';
import type { CpuUse } from '../system/cpu.js';
import { k6Thresholds, stat, type K6SummaryExport } from './k6-export.js';
import { findKnee, stepFigures, type Knee, type StepFigures } from './knee.js';
import { allGatesHeld, evaluateThresholds, type ThresholdResult } from './thresholds.js';

export interface SummaryInput {
  profile: Profile;
  engine: string;
  db: string;
  startedAt: string;
  k6: { exitCode: number; summary: K6SummaryExport | undefined; cpu: CpuUse };
  server: { cpu: CpuUse };
  /** The Postgres server (postmaster and backends) with --db postgres. */
  database?: { cpu: CpuUse };
  /** The Graph API sink (WhatsApp citizens): its CPU and the sends it answered. */
  graphSink?: { cpu: CpuUse; sends: number | null };
  /** The whole machine over the run: CPU busy (every process) and load average at start and end. */
  machine?: { busyCores: number; loadAverage: [number, number] };
  cpus: number;
  k6PeakRssMb?: number;
  resultsDir: string;
  htmlReport: string | null;
  notes?: string[];
}

export interface RunSummary {
  profile: string;
  engine: string;
  db: string;
  startedAt: string;
  durationSeconds: number;
  /** Sessions created over every channel in the mix (API 201s, webchat and WhatsApp handoffs queued). */
  sessions: number;
  sessionsNotCreated: number;
  /** Share of arrivals per channel (percentages). */
  mix: Mix;
  /** Citizens over the real channels: sessions (handoffs queued), served (got the agent's message), failed flows. */
  webchatSessions: number;
  webchatServed: number;
  webchatFailed: number;
  whatsappSessions: number;
  whatsappServed: number;
  whatsappFailed: number;
  /** Citizen's message → the bot's answer (webchat socket; WhatsApp: at the Graph sink). */
  webchatBotReplyP95Ms: number | null;
  whatsappBotReplyP95Ms: number | null;
  /** "falar com atendente" → the agent's first message reaching the citizen (offer, think time, accept, send). */
  webchatHandoffToAgentP50Ms: number | null;
  webchatHandoffToAgentP95Ms: number | null;
  whatsappHandoffToAgentP50Ms: number | null;
  whatsappHandoffToAgentP95Ms: number | null;
  /** Channel sessions: created (the handoff) → offer received by an agent. */
  channelOfferLatencyP95Ms: number | null;
  channelOfferLatencyP99Ms: number | null;
  agentMessageRttP95Ms: number | null;
  webhookP95Ms: number | null;
  graphSinkCpuCores: number | null;
  graphSends: number | null;
  citizenRetries: number;
  /** Agents' messages sent again after a transport failure with no answer. */
  agentMessageRetries: number;
  targetRatePerSecond: number | null;
  achievedRatePerSecond: number;
  droppedIterations: number;
  sessionsKnown: number | null;
  ended: number | null;
  abandoned: number | null;
  unfinished: number | null;
  leftOver: number | null;
  lost: number | null;
  offers: number;
  handled: number;
  revoked: number;
  offerLatencyP50Ms: number | null;
  offerLatencyP95Ms: number | null;
  offerLatencyP99Ms: number | null;
  offerLatencyMaxMs: number | null;
  acceptRttP50Ms: number | null;
  acceptRttP95Ms: number | null;
  acceptRttP99Ms: number | null;
  endRttP95Ms: number | null;
  boardLagP50Ms: number | null;
  boardLagP95Ms: number | null;
  boardLagP99Ms: number | null;
  boardUpdates: number;
  boardDrops: number;
  /** k6's own backlog: socket frame read → handled by the VU (the generator keeping up, or not). */
  k6EventLagP95Ms: number | null;
  k6EventLagP99Ms: number | null;
  agentDisconnects: number;
  agentErrors: number;
  checksPassed: number | null;
  checksFailed: number | null;
  httpReqFailedRate: number | null;
  createP95Ms: number | null;
  cpus: number;
  k6CpuCores: number;
  k6CpuShare: number;
  k6PeakRssMb: number | null;
  serverCpuCores: number;
  serverCpuShare: number;
  /** Thread-seconds spent runnable but waiting for a CPU, per wall second (the machine is shared). */
  k6RunQueueWait: number;
  serverRunQueueWait: number;
  /**
   * Server CPU per session created (setup, boards and teardown included): a figure the
   * neighbours on a shared machine barely move, unlike latencies. 1000 / it ≈ sessions/s one
   * free core could carry.
   */
  serverCpuMsPerSession: number | null;
  databaseCpuCores: number | null;
  machineBusyCores: number | null;
  /** CPU the rest of the machine (other tenants' work) used over the run. */
  othersCpuCores: number | null;
  loadAverage: [number, number] | null;
  steps?: StepFigures[];
  knee?: Knee;
  kneeRatePerSecond?: number | null;
  thresholds: ThresholdResult[];
  k6ExitCode: number;
  resultsDir: string;
  htmlReport: string | null;
  notes: string[];
  thresholdsPassed: boolean;
}

const round = (v: number | undefined, digits = 1): number | null => (v === undefined ? null : Math.round(v * 10 ** digits) / 10 ** digits);

/**
 * Lost: what the teardown found unfinished after the drain (`wait` profiles) or could not close
 * (`abandon`), plus sessions the citizens saw created that the server does not know at all.
 * Unknown (null) when the teardown's audit did not run.
 */
export function lostSessions(summary: K6SummaryExport | undefined): number | null {
  const known = stat(summary, 'sessions_known', 'count');
  const lostInTeardown = stat(summary, 'sessions_lost', 'count');
  if (known === undefined || lostInTeardown === undefined) return null;
  const created = stat(summary, 'sessions_created', 'count') ?? 0;
  return lostInTeardown + Math.max(0, created - known);
}

export function buildSummary(input: SummaryInput): RunSummary {
  const { profile, k6 } = input;
  const s = k6.summary;
  const count = (metric: string) => stat(s, metric, 'count') ?? 0;
  const maybe = (metric: string) => (s?.metrics[metric] ? (stat(s, metric, 'count') ?? 0) : null);
  const trend = (metric: string, p: string) => round(stat(s, metric, p));
  const sessions = count('sessions_created');
  const arrival = arrivalSeconds(profile.arrival);
  const lost = lostSessions(s);
  const checksFailed = s?.metrics.checks ? (stat(s, 'checks', 'fails') ?? 0) : null;
  const figures = {
    offerLatencyP95Ms: trend('offer_latency', 'p(95)'),
    offerLatencyP99Ms: trend('offer_latency', 'p(99)'),
    checksFailed,
    lost,
  };
  const thresholds = evaluateThresholds(profile, figures, k6Thresholds(s), k6.exitCode);
  const steps = stepFigures(s, profile.arrival);
  const knee = profile.arrival.kind === 'steps' ? findKnee(steps, profile.thresholds.kneeP99Ms ?? 100) : undefined;
  return {
    profile: profile.name,
    engine: input.engine,
    db: input.db,
    startedAt: input.startedAt,
    durationSeconds: k6.cpu.wallSeconds,
    sessions,
    sessionsNotCreated: count('sessions_not_created'),
    mix: profile.mix,
    webchatSessions: count('webchat_sessions'),
    webchatServed: count('webchat_served'),
    webchatFailed: count('webchat_failed'),
    whatsappSessions: count('whatsapp_sessions'),
    whatsappServed: count('whatsapp_served'),
    whatsappFailed: count('whatsapp_failed'),
    webchatBotReplyP95Ms: trend('webchat_bot_reply', 'p(95)'),
    whatsappBotReplyP95Ms: trend('whatsapp_bot_reply', 'p(95)'),
    webchatHandoffToAgentP50Ms: trend('webchat_handoff_to_agent', 'med'),
    webchatHandoffToAgentP95Ms: trend('webchat_handoff_to_agent', 'p(95)'),
    whatsappHandoffToAgentP50Ms: trend('whatsapp_handoff_to_agent', 'med'),
    whatsappHandoffToAgentP95Ms: trend('whatsapp_handoff_to_agent', 'p(95)'),
    channelOfferLatencyP95Ms: trend('channel_offer_latency', 'p(95)'),
    channelOfferLatencyP99Ms: trend('channel_offer_latency', 'p(99)'),
    agentMessageRttP95Ms: trend('agent_message_rtt', 'p(95)'),
    webhookP95Ms: trend('http_req_duration{name:POST /webhooks/whatsapp}', 'p(95)'),
    graphSinkCpuCores: input.graphSink ? input.graphSink.cpu.cores : null,
    graphSends: input.graphSink ? input.graphSink.sends : null,
    citizenRetries: count('citizen_retries'),
    agentMessageRetries: count('agent_message_retries'),
    targetRatePerSecond: profile.arrival.kind === 'constant' ? profile.arrival.ratePerSecond : null,
    achievedRatePerSecond: round(arrival > 0 ? sessions / arrival : 0) ?? 0,
    droppedIterations: count('dropped_iterations'),
    sessionsKnown: maybe('sessions_known'),
    ended: maybe('sessions_ended'),
    abandoned: maybe('sessions_abandoned'),
    unfinished: maybe('sessions_unfinished'),
    leftOver: maybe('sessions_left_over'),
    lost,
    offers: count('offers_received'),
    handled: count('sessions_handled'),
    revoked: count('offers_revoked'),
    offerLatencyP50Ms: trend('offer_latency', 'med'),
    offerLatencyP95Ms: figures.offerLatencyP95Ms,
    offerLatencyP99Ms: figures.offerLatencyP99Ms,
    offerLatencyMaxMs: trend('offer_latency', 'max'),
    acceptRttP50Ms: trend('accept_rtt', 'med'),
    acceptRttP95Ms: trend('accept_rtt', 'p(95)'),
    acceptRttP99Ms: trend('accept_rtt', 'p(99)'),
    endRttP95Ms: trend('end_rtt', 'p(95)'),
    boardLagP50Ms: trend('board_update_lag', 'med'),
    boardLagP95Ms: trend('board_update_lag', 'p(95)'),
    boardLagP99Ms: trend('board_update_lag', 'p(99)'),
    boardUpdates: count('board_updates'),
    boardDrops: count('board_drops'),
    k6EventLagP95Ms: trend('k6_event_lag', 'p(95)'),
    k6EventLagP99Ms: trend('k6_event_lag', 'p(99)'),
    agentDisconnects: count('agent_disconnects'),
    agentErrors: count('agent_errors'),
    checksPassed: s?.metrics.checks ? (stat(s, 'checks', 'passes') ?? 0) : null,
    checksFailed,
    httpReqFailedRate: round(stat(s, 'http_req_failed', 'value'), 4),
    createP95Ms: trend('http_req_duration{name:POST /api/interactions}', 'p(95)'),
    cpus: input.cpus,
    k6CpuCores: k6.cpu.cores,
    k6CpuShare: k6.cpu.share,
    k6PeakRssMb: input.k6PeakRssMb ?? null,
    serverCpuCores: input.server.cpu.cores,
    serverCpuShare: input.server.cpu.share,
    k6RunQueueWait: k6.cpu.runQueueWait,
    serverRunQueueWait: input.server.cpu.runQueueWait,
    serverCpuMsPerSession: sessions > 0 ? round((input.server.cpu.cpuSeconds * 1000) / sessions, 2) : null,
    databaseCpuCores: input.database ? input.database.cpu.cores : null,
    machineBusyCores: input.machine ? input.machine.busyCores : null,
    othersCpuCores: input.machine
      ? round(Math.max(0, input.machine.busyCores - k6.cpu.cores - input.server.cpu.cores - (input.database?.cpu.cores ?? 0) - (input.graphSink?.cpu.cores ?? 0)), 3)
      : null,
    loadAverage: input.machine ? input.machine.loadAverage : null,
    ...(knee ? { steps, knee, kneeRatePerSecond: knee.ratePerSecond } : {}),
    thresholds,
    k6ExitCode: k6.exitCode,
    resultsDir: input.resultsDir,
    htmlReport: input.htmlReport,
    notes: input.notes ?? [],
    thresholdsPassed: allGatesHeld(thresholds),
  };
}

/** The one-line form printed last: everything but the per-threshold table and notes, plus what was crossed. */
export function compactSummary(s: RunSummary): Record<string, unknown> {
  const { thresholds, notes: _notes, steps: _steps, ...figures } = s;
  return { ...figures, thresholdsCrossed: thresholds.filter((t) => t.gate && !t.ok).map((t) => `${t.name} ${t.condition}`) };
}
