// k6 options from a profile: the three scenarios, and thresholds on the figures that must hold.
// Stepped profiles also get one threshold per step on offer latency and sessions created: k6 only
// computes a tagged sub-metric that a threshold names, and the runner reads the knee from them.
import { connectedSeconds } from './schedule.js';

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
    citizens: citizenScenario(profile),
  };
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

function citizenScenario(profile) {
  const base = {
    exec: 'citizens',
    timeUnit: '1s',
    startTime: `${profile.warmupSeconds}s`,
    preAllocatedVUs: profile.citizenVus.preAllocated,
    maxVUs: profile.citizenVus.max,
    gracefulStop: '10s',
  };
  const arrival = profile.arrival;
  if (arrival.kind === 'constant') {
    return { ...base, executor: 'constant-arrival-rate', rate: arrival.ratePerSecond, duration: `${arrival.durationSeconds}s` };
  }
  const stages = [];
  for (const rate of arrival.ratesPerSecond) {
    stages.push({ target: rate, duration: `${arrival.rampSeconds}s` }, { target: rate, duration: `${arrival.holdSeconds}s` });
  }
  return { ...base, executor: 'ramping-arrival-rate', startRate: arrival.ratesPerSecond[0], stages };
}
