// k6 options from a profile: agents, supervisors and one arrival scenario per citizen channel in
// the mix (API, webchat, WhatsApp), and thresholds on the figures that must hold.
// Stepped profiles also get one threshold per step on offer latency and sessions created: k6 only
// computes a tagged sub-metric that a threshold names, and the runner reads the knee from them.
import { channelFlowTimeoutMs, channelRate, connectedSeconds, inTimeUnit } from './schedule.js';

/** The k6 scenario (and exported function) of each citizen channel. */
export const CHANNEL_SCENARIOS = { api: 'citizens', webchat: 'webchatCitizens', whatsapp: 'whatsappCitizens' };

/** @returns {{ scenarios: Record<string, Record<string, any>>, thresholds: Record<string, string[]> } & Record<string, unknown>} */
export function optionsFor(profile) {
  const connected = connectedSeconds(profile);
  const stay = `${connected + 60}s`;
  const scenarios = {
    agents: {
      executor: 'per-vu-iterations',
      exec: 'agents',
      vus: Math.ceil(profile.agents / profile.agentsPerVu),
      iterations: 1,
      maxDuration: stay,
      gracefulStop: '30s',
    },
  };
  for (const [channel, exec] of Object.entries(CHANNEL_SCENARIOS)) {
    const scenario = citizenScenario(profile, channel, exec);
    if (scenario) scenarios[exec] = scenario;
  }
  if (profile.boards > 0) {
    scenarios.supervisors = {
      executor: 'per-vu-iterations',
      exec: 'supervisors',
      vus: profile.boards,
      iterations: 1,
      maxDuration: stay,
      gracefulStop: '30s',
    };
  }
  const thresholds = {
    checks: ['rate==1'],
    sessions_lost: ['count==0'],
    // Always holds; named so k6 computes the create latency on its own.
    'http_req_duration{name:POST /api/interactions}': ['max>=0'],
  };
  if (profile.mix.whatsapp > 0) thresholds['http_req_duration{name:POST /webhooks/whatsapp}'] = ['max>=0'];
  const offer = [];
  if (profile.thresholds.offerLatencyP95Ms !== undefined) offer.push(`p(95)<${profile.thresholds.offerLatencyP95Ms}`);
  if (profile.thresholds.offerLatencyP99Ms !== undefined) offer.push(`p(99)<${profile.thresholds.offerLatencyP99Ms}`);
  if (offer.length > 0) thresholds.offer_latency = offer;
  if (profile.arrival.kind === 'steps') {
    for (const rate of profile.arrival.ratesPerSecond) {
      thresholds[`offer_latency{step:${rate}}`] = [`p(99)<${profile.thresholds.kneeP99Ms ?? 100}`];
      thresholds[`sessions_created{step:${rate}}`] = ['count>=0'];
    }
  }
  return {
    scenarios,
    thresholds,
    setupTimeout: '600s',
    teardownTimeout: '600s',
    summaryTrendStats: ['avg', 'min', 'med', 'max', 'p(90)', 'p(95)', 'p(99)', 'count'],
    // Ids and per-run names in URLs would make one time series each.
    systemTags: ['status', 'method', 'name', 'group', 'check', 'error', 'error_code', 'scenario', 'expected_response'],
    discardResponseBodies: false,
    noConnectionReuse: false,
  };
}

/**
 * One channel's arrivals: its share of the profile's rate (or of each step), undefined when the mix
 * gives it none. API citizens use the profile's VUs; a webchat or WhatsApp citizen holds its VU
 * through the bot round and the handoff (seconds), so those get VUs for ~4 s of arrivals up front
 * and up to a flow's timeout of them (at most 500: each is a socket or a long poll held in k6).
 */
export function citizenScenario(profile, channel, exec) {
  const percent = profile.mix[channel];
  if (!percent) return undefined;
  const arrival = profile.arrival;
  const totals = arrival.kind === 'constant' ? [arrival.ratePerSecond] : arrival.ratesPerSecond;
  const { timeUnit, rates } = inTimeUnit(totals.map((r) => channelRate(r, percent)));
  const perSecond = totals.map((r) => channelRate(r, percent));
  const flowSeconds = Math.ceil(channelFlowTimeoutMs(profile) / 1000);
  const vus =
    channel === 'api'
      ? { preAllocatedVUs: profile.citizenVus.preAllocated, maxVUs: profile.citizenVus.max }
      : {
          preAllocatedVUs: Math.max(2, Math.ceil(perSecond[0] * 4)),
          maxVUs: Math.min(500, Math.max(10, Math.ceil(Math.max(...perSecond) * flowSeconds))),
        };
  const base = {
    exec,
    timeUnit,
    startTime: `${profile.warmupSeconds}s`,
    ...vus,
    gracefulStop: channel === 'api' ? '10s' : `${flowSeconds}s`,
  };
  if (arrival.kind === 'constant') {
    return { ...base, executor: 'constant-arrival-rate', rate: rates[0], duration: `${arrival.durationSeconds}s` };
  }
  const stages = [];
  for (const rate of rates) {
    stages.push({ target: rate, duration: `${arrival.rampSeconds}s` }, { target: rate, duration: `${arrival.holdSeconds}s` });
  }
  return { ...base, executor: 'ramping-arrival-rate', startRate: rates[0], stages };
}
