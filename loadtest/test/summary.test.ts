import { describe, expect, it } from 'vitest';
import { PROFILES } from '../src/profiles.js';
import { buildSummary, compactSummary, lostSessions, type SummaryInput } from '../src/summary/build.js';
import { markdownSummary } from '../src/summary/markdown.js';
import type { K6SummaryExport } from '../src/summary/k6-export.js';
import { smokeExport } from './fixtures.js';

const cpu = (cores: number) => ({ cpuSeconds: cores * 30, wallSeconds: 30, cores, share: cores / 2, runQueueWait: 0.05 });

function input(summary: K6SummaryExport | undefined, exitCode = 0, profile = PROFILES.smoke): SummaryInput {
  return {
    profile,
    engine: 'memory',
    db: 'pglite',
    startedAt: '2026-11-23T02:00:00.000Z',
    k6: { exitCode, summary, cpu: cpu(0.31) },
    server: { cpu: cpu(0.42) },
    machine: { busyCores: 1.5, loadAverage: [3.1, 4.2] },
    cpus: 2,
    resultsDir: 'loadtest/results/smoke-memory-x',
    htmlReport: null,
  };
}

describe('buildSummary', () => {
  it('reports the channel citizens, and counts a handoff the server does not know as lost', () => {
    const channels = {
      webchat_sessions: { count: 8 },
      webchat_served: { count: 8 },
      webchat_failed: { count: 0 },
      whatsapp_sessions: { count: 7 },
      whatsapp_served: { count: 6 },
      whatsapp_failed: { count: 1 },
      webchat_handoff_to_agent: { med: 500, 'p(95)': 1200.04, count: 8 },
      whatsapp_handoff_to_agent: { med: 560, 'p(95)': 1300, count: 6 },
      whatsapp_bot_reply: { 'p(95)': 320.55, count: 18 },
      channel_offer_latency: { 'p(95)': 80, 'p(99)': 140, count: 15 },
      // Sent again after a transport failure with no answer (scenarios/citizens.js, agents.js).
      citizen_retries: { count: 1 },
      agent_message_retries: { count: 2 },
      // 101 API + 15 channel sessions created; the server knows one fewer.
      sessions_created: { count: 116 },
      sessions_known: { count: 115 },
    };
    const s = buildSummary({ ...input(smokeExport(channels)), graphSink: { cpu: cpu(0.01), sends: 72 } });
    expect(s).toMatchObject({
      mix: PROFILES.smoke.mix,
      sessions: 116,
      webchatSessions: 8,
      whatsappServed: 6,
      whatsappFailed: 1,
      webchatHandoffToAgentP95Ms: 1200,
      whatsappHandoffToAgentP50Ms: 560,
      whatsappBotReplyP95Ms: 320.6,
      webchatBotReplyP95Ms: null,
      channelOfferLatencyP99Ms: 140,
      graphSinkCpuCores: 0.01,
      graphSends: 72,
      citizenRetries: 1,
      agentMessageRetries: 2,
      lost: 1,
      thresholdsPassed: false,
    });
    // The sink's CPU is not counted as the neighbours'.
    expect(s.othersCpuCores).toBeCloseTo(1.5 - 0.31 - 0.42 - 0.01, 3);
    expect(markdownSummary(s)).toContain('| WhatsApp citizens: sessions / served by an agent / failed | 7 / 6 / 1 |');
    expect(markdownSummary(s)).toContain('| Graph API sink CPU / sends answered | 0.01 cores / 72 |');
    expect(markdownSummary(s)).toContain("| not created / dropped arrivals / POSTs retried (citizens, agents' messages) | 0 / 0 / 1, 2 |");
  });

  it('passes a clean smoke run and carries the figures the issue asks for', () => {
    const s = buildSummary(input(smokeExport()));
    expect(s).toMatchObject({
      profile: 'smoke',
      sessions: 101,
      lost: 0,
      offerLatencyP95Ms: 42,
      offerLatencyP99Ms: 70,
      acceptRttP95Ms: 53,
      boardLagP99Ms: 33,
      createP95Ms: 61.2,
      k6CpuShare: 0.155,
      serverCpuShare: 0.21,
      serverCpuMsPerSession: 124.75,
      k6EventLagP99Ms: 3.1,
      thresholdsPassed: true,
    });
    expect(s.achievedRatePerSecond).toBeCloseTo(101 / 30, 1);
  });

  it('fails when p95 offer latency crosses its limit', () => {
    const s = buildSummary(input(smokeExport({ offer_latency: { 'p(95)': 52, thresholds: { 'p(95)<50': true, 'p(99)<100': false } } }), 99, PROFILES.standard));
    expect(s.thresholdsPassed).toBe(false);
    expect(compactSummary(s).thresholdsCrossed).toEqual(['offer latency p95 < 50 ms', 'k6: offer_latency p(95)<50']);
  });

  it('fails on a single failed check', () => {
    const s = buildSummary(input(smokeExport({ checks: { passes: 466, fails: 1, value: 0.99, thresholds: { 'rate==1': true } } }), 99));
    expect(s.checksFailed).toBe(1);
    expect(s.thresholdsPassed).toBe(false);
  });

  it('counts sessions the server never heard of as lost', () => {
    const summary = smokeExport({ sessions_known: { count: 99 } });
    expect(lostSessions(summary)).toBe(2);
    expect(buildSummary(input(summary)).thresholdsPassed).toBe(false);
  });

  it('treats a missing teardown audit as unknown loss, which fails', () => {
    const summary = smokeExport();
    delete summary.metrics.sessions_known;
    const s = buildSummary(input(summary));
    expect(s.lost).toBeNull();
    expect(s.thresholdsPassed).toBe(false);
  });

  it('fails when k6 did not run to the end, even without an export', () => {
    const s = buildSummary(input(undefined, 107));
    expect(s).toMatchObject({ sessions: 0, lost: null, checksFailed: null, offerLatencyP99Ms: null, thresholdsPassed: false });
    expect(markdownSummary(s)).toContain('FAILED');
  });

  it('prints a compact last line with at least profile, sessions, lost, p99 and the verdict', () => {
    const line = JSON.parse(JSON.stringify(compactSummary(buildSummary(input(smokeExport())))));
    for (const key of ['profile', 'sessions', 'lost', 'offerLatencyP99Ms', 'thresholdsPassed', 'k6CpuShare', 'serverCpuShare']) expect(line).toHaveProperty(key);
    expect(line.thresholds).toBeUndefined();
  });

  it('writes the figures and each threshold in Markdown', () => {
    const md = markdownSummary(buildSummary(input(smokeExport())));
    expect(md).toContain('# Load test `smoke` (memory engine, embedded PGlite) — PASSED');
    expect(md).toContain('| offer latency p50 / p95 / p99 / max | 9 ms / 42 ms / 70 ms / 80 ms |');
    expect(md).toContain('| lost sessions | = 0 | 0 | held |');
    expect(md).toContain('0.31 cores (15.5 % of the machine)');
    expect(md).toContain('| whole machine busy / others\' processes | 1.5 / 0.77 cores (load average 3.1 → 4.2) |');
  });
});

describe('stress summary', () => {
  const arrival = { kind: 'steps' as const, ratesPerSecond: [50, 100, 150, 200, 250, 300, 350, 400], rampSeconds: 3, holdSeconds: 20 };
  const stress = { ...PROFILES.stress, arrival };
  function stressExport(p99s: (number | undefined)[]): K6SummaryExport {
    const extra: Record<string, Record<string, unknown>> = {};
    arrival.ratesPerSecond.forEach((rate, i) => {
      const p99 = p99s[i];
      extra[`sessions_created{step:${rate}}`] = { count: p99 === undefined ? 0 : rate * arrival.holdSeconds, thresholds: { 'count>=0': false } };
      if (p99 !== undefined) extra[`offer_latency{step:${rate}}`] = { 'p(95)': p99 / 2, 'p(99)': p99, count: 100, thresholds: { 'p(99)<100': p99 >= 100 } };
    });
    const base = smokeExport(extra);
    delete base.metrics.offer_latency!.thresholds;
    return base;
  }

  it('reports the knee and is not failed by the steps past it', () => {
    const s = buildSummary(input(stressExport([8, 9, 12, 20, 45, 140, 900]), 108, stress));
    expect(s.knee).toMatchObject({ ratePerSecond: 250, p99Ms: 45, firstOverRatePerSecond: 300, firstOverP99Ms: 140, reached: true });
    expect(s.kneeRatePerSecond).toBe(250);
    expect(s.steps![0]).toMatchObject({ ratePerSecond: 50, sessions: 1000, achievedRatePerSecond: 50 });
    expect(s.thresholdsPassed).toBe(true);
    expect(markdownSummary(s)).toContain('**Knee: 250 sessions/s** (p99 45 ms); from 300/s on p99 stayed past 100 ms (140 ms there).');
  });

  it('says when the ramp never reached the knee', () => {
    const s = buildSummary(input(stressExport(arrival.ratesPerSecond.map(() => 10)), 99, stress));
    expect(s.knee).toMatchObject({ reached: false, ratePerSecond: 400 });
    expect(markdownSummary(s)).toContain('the knee lies beyond the measured steps');
  });

  it('does not accept the overload guard\'s abort (108) outside stress', () => {
    expect(buildSummary(input(smokeExport(), 108)).thresholdsPassed).toBe(false);
  });
});
