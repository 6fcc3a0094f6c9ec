// The run's summary as Markdown: the figures, the thresholds, and for stepped runs the knee.
import type { RunSummary } from './build.js';

const ms = (v: number | null | undefined) => (v === null || v === undefined ? '—' : `${v} ms`);
const n = (v: number | null | undefined) => (v === null || v === undefined ? '—' : String(v));
const pct = (v: number) => `${Math.round(v * 1000) / 10} %`;

export function markdownSummary(s: RunSummary): string {
  const lines = [
    `# Load test \`${s.profile}\` (${s.engine} engine, ${s.db === 'postgres' ? 'Postgres' : 'embedded PGlite'}) — ${s.thresholdsPassed ? 'PASSED' : 'FAILED'}`,
    '',
    `Started ${s.startedAt}, k6 ran ${s.durationSeconds} s on ${s.cpus} CPUs. Results: \`${s.resultsDir}\`.`,
    '',
    '| figure | value |',
    '| --- | --- |',
    `| sessions created (201) | ${s.sessions}${s.targetRatePerSecond !== null ? ` (${s.achievedRatePerSecond}/s of ${s.targetRatePerSecond}/s)` : ` (${s.achievedRatePerSecond}/s on average)`} |`,
    `| channel mix (API / webchat / WhatsApp) | ${s.mix.api} / ${s.mix.webchat} / ${s.mix.whatsapp} % |`,
    `| webchat citizens: sessions / served by an agent / failed | ${s.webchatSessions} / ${s.webchatServed} / ${s.webchatFailed} |`,
    `| WhatsApp citizens: sessions / served by an agent / failed | ${s.whatsappSessions} / ${s.whatsappServed} / ${s.whatsappFailed} |`,
    `| bot answer p95, webchat / WhatsApp | ${ms(s.webchatBotReplyP95Ms)} / ${ms(s.whatsappBotReplyP95Ms)} |`,
    `| handoff → agent's message p50 / p95, webchat | ${ms(s.webchatHandoffToAgentP50Ms)} / ${ms(s.webchatHandoffToAgentP95Ms)} |`,
    `| handoff → agent's message p50 / p95, WhatsApp | ${ms(s.whatsappHandoffToAgentP50Ms)} / ${ms(s.whatsappHandoffToAgentP95Ms)} |`,
    `| channel sessions' offer latency p95 / p99 | ${ms(s.channelOfferLatencyP95Ms)} / ${ms(s.channelOfferLatencyP99Ms)} |`,
    `| agent message POST p95 / WhatsApp webhook p95 | ${ms(s.agentMessageRttP95Ms)} / ${ms(s.webhookP95Ms)} |`,
    `| not created / dropped arrivals / POSTs retried (citizens, agents' messages) | ${s.sessionsNotCreated} / ${s.droppedIterations} / ${s.citizenRetries}, ${s.agentMessageRetries} |`,
    `| known to the server / ended / abandoned | ${n(s.sessionsKnown)} / ${n(s.ended)} / ${n(s.abandoned)} |`,
    `| unfinished after drain / left over (closed by teardown) | ${n(s.unfinished)} / ${n(s.leftOver)} |`,
    `| **lost** | **${n(s.lost)}** |`,
    `| offers / handled / revoked | ${s.offers} / ${s.handled} / ${s.revoked} |`,
    `| offer latency p50 / p95 / p99 / max | ${ms(s.offerLatencyP50Ms)} / ${ms(s.offerLatencyP95Ms)} / ${ms(s.offerLatencyP99Ms)} / ${ms(s.offerLatencyMaxMs)} |`,
    `| accept round trip p50 / p95 / p99 | ${ms(s.acceptRttP50Ms)} / ${ms(s.acceptRttP95Ms)} / ${ms(s.acceptRttP99Ms)} |`,
    `| end round trip p95 | ${ms(s.endRttP95Ms)} |`,
    `| POST /api/interactions p95 | ${ms(s.createP95Ms)} |`,
    `| board update lag p50 / p95 / p99 | ${ms(s.boardLagP50Ms)} / ${ms(s.boardLagP95Ms)} / ${ms(s.boardLagP99Ms)} |`,
    `| board updates / boards dropped by the server (slow consumer) | ${s.boardUpdates} / ${s.boardDrops} |`,
    `| k6's own backlog on agent sockets (frame read → handled) p95 / p99 | ${ms(s.k6EventLagP95Ms)} / ${ms(s.k6EventLagP99Ms)} |`,
    `| agent socket drops / agent command errors | ${s.agentDisconnects} / ${s.agentErrors} |`,
    `| checks passed / failed | ${n(s.checksPassed)} / ${n(s.checksFailed)} |`,
    `| HTTP failures | ${s.httpReqFailedRate === null ? '—' : pct(s.httpReqFailedRate)} |`,
    `| k6 CPU, peak memory | ${s.k6CpuCores} cores (${pct(s.k6CpuShare)} of the machine), ${n(s.k6PeakRssMb)} MB |`,
    `| server CPU | ${s.serverCpuCores} cores (${pct(s.serverCpuShare)} of the machine); ${s.serverCpuMsPerSession === null ? '—' : `${s.serverCpuMsPerSession} ms`} per session |`,
    ...(s.databaseCpuCores !== null ? [`| Postgres CPU | ${s.databaseCpuCores} cores |`] : []),
    ...(s.graphSinkCpuCores !== null ? [`| Graph API sink CPU / sends answered | ${s.graphSinkCpuCores} cores / ${n(s.graphSends)} |`] : []),
    `| waiting for a CPU (run queue), k6 / server | ${s.k6RunQueueWait} / ${s.serverRunQueueWait} thread-s per s |`,
    `| whole machine busy / others' processes | ${n(s.machineBusyCores)} / ${n(s.othersCpuCores)} cores (load average ${s.loadAverage ? s.loadAverage.join(' → ') : '—'}) |`,
    '',
    '## Thresholds',
    '',
    '| threshold | condition | actual | result |',
    '| --- | --- | --- | --- |',
    // Observations (k6 thresholds set only to get per-step figures) are in the steps table instead.
    ...s.thresholds.filter((t) => t.gate).map((t) => `| ${t.name} | ${t.condition} | ${n(t.actual as number | null)} | ${t.ok ? 'held' : '**crossed**'} |`),
  ];
  if (s.steps && s.knee) {
    const k = s.knee;
    lines.push(
      '',
      '## Stress: offer latency by arrival step',
      '',
      k.reached
        ? k.ratePerSecond === null
          ? `Every measured step passed p99 ${k.limitMs} ms (${k.firstOverRatePerSecond}/s: ${k.firstOverP99Ms} ms): the knee is below the first step.`
          : `**Knee: ${k.ratePerSecond} sessions/s** (p99 ${k.p99Ms} ms); from ${k.firstOverRatePerSecond}/s on p99 stayed past ${k.limitMs} ms (${k.firstOverP99Ms} ms there).`
        : `p99 stayed within ${k.limitMs} ms up to ${n(k.ratePerSecond)}/s: the knee lies beyond the measured steps.`,
      ...(k.transientOverRatesPerSecond.length > 0
        ? ['', `Steps that passed the limit for a while before a later one held again: ${k.transientOverRatesPerSecond.map((r) => `${r}/s`).join(', ')}.`]
        : []),
      '',
      '| target /s | sessions | achieved /s | offer p95 | offer p99 |',
      '| --- | --- | --- | --- | --- |',
      ...s.steps.map((st) => `| ${st.ratePerSecond} | ${st.sessions} | ${st.achievedRatePerSecond} | ${ms(st.offerLatencyP95Ms)} | ${ms(st.offerLatencyP99Ms)} |`),
    );
  }
  lines.push('', `HTML report: ${s.htmlReport ? `\`${s.htmlReport}\`` : 'not written (see notes)'}`);
  if (s.notes.length > 0) lines.push('', '## Notes', '', ...s.notes.map((note) => `- ${note}`));
  return `${lines.join('\n')}\n`;
}
