// The load profiles: how many agents, boards and citizens, how fast, for how long, and which
// figures must hold. The runner hands the chosen one to the k6 scenarios as JSON (LOADTEST_PROFILE).

export type ProfileName = 'smoke' | 'standard' | 'stress';
export const PROFILE_NAMES: readonly ProfileName[] = ['smoke', 'standard', 'stress'];

/** A constant rate for a fixed time, or steps of rising rate (each reached by a short ramp, then held). */
export type Arrival =
  | { kind: 'constant'; ratePerSecond: number; durationSeconds: number }
  | { kind: 'steps'; ratesPerSecond: number[]; rampSeconds: number; holdSeconds: number };

/** How citizens arrive: sessions POSTed to the API, the webchat widget's socket, WhatsApp webhooks. */
export type CitizenChannel = 'api' | 'webchat' | 'whatsapp';
export const CITIZEN_CHANNELS: readonly CitizenChannel[] = ['api', 'webchat', 'whatsapp'];
/** The share of arrivals each channel takes: whole percentages that add up to 100. */
export type Mix = Record<CitizenChannel, number>;

export interface Profile {
  name: ProfileName;
  /** Attendance groups; each agent serves one (agent n → group n mod groups), each session picks one at random. */
  groups: number;
  agents: number;
  /** Agent sockets one k6 VU drives (event-loop based, so one VU holds many). */
  agentsPerVu: number;
  /** The first agents connect with their own login token (an agent user); the rest as the admin acting for them. */
  agentUsers: number;
  /** Supervisors' boards, one per k6 VU (see scenarios/supervisors.js). */
  boards: number;
  /** Time an agent takes to accept an offer, and to end an accepted session: uniform [min, max] in ms. */
  thinkMs: [number, number];
  handleMs: [number, number];
  /** Agents and boards connect during this time before the first citizen arrives. */
  warmupSeconds: number;
  /** Every channel's arrivals together; `mix` splits them (each channel keeps the steps' shape). */
  arrival: Arrival;
  mix: Mix;
  /** VUs of the API citizens (the webchat and WhatsApp ones are sized from their rate: lib/options.js). */
  citizenVus: { preAllocated: number; max: number };
  /** Agents keep working this long after the last arrival, so every session can end. */
  drainSeconds: number;
  /**
   * What the teardown does with sessions still unfinished after the drain: `wait` counts them lost
   * (the system had the agents to serve them), `abandon` abandons or ends them and counts them as
   * left over (stress: arrivals outgrow the system by design).
   */
  leftovers: 'wait' | 'abandon';
  offerTimeoutSeconds: number;
  thresholds: {
    /** Gates on the whole run's offer latency (absent for stress, which passes the knee on purpose). */
    offerLatencyP95Ms?: number;
    offerLatencyP99Ms?: number;
    /** The knee: the highest step whose p99 offer latency stays within this. */
    kneeP99Ms?: number;
  };
  /**
   * Stress only: an agent VU that sees this many offers later than `overloadLatencyMs` ends the
   * test early (the knee is long past; more steps only grow the backlog).
   */
  overload?: { latencyMs: number; offers: number };
}

const smoke: Profile = {
  name: 'smoke',
  groups: 2,
  agents: 20,
  agentsPerVu: 5,
  agentUsers: 2,
  boards: 2,
  thinkMs: [100, 400],
  handleMs: [500, 1500],
  warmupSeconds: 3,
  arrival: { kind: 'constant', ratePerSecond: 5, durationSeconds: 30 },
  // A small share over the real channels (3 webchat and 3 WhatsApp citizens, after setup's warm-up
  // ones) proves their whole path in CI. Kept this small because each costs the server ~100
  // statements on the one PGlite connection the API sessions' durable writes queue behind: at 10 %
  // the API sessions' p95 offer latency went past 100 ms on the shared 2-core machine.
  mix: { api: 96, webchat: 2, whatsapp: 2 },
  citizenVus: { preAllocated: 5, max: 20 },
  // Channel citizens reach their agent a few seconds after they arrive (bot round, handoff).
  drainSeconds: 8,
  leftovers: 'wait',
  offerTimeoutSeconds: 30,
  // Looser than standard's: smoke gates CI on shared runners, where neighbours take the CPUs (a run
  // at load average 10 on 2 cores measured p95 119 ms / p99 348 ms, nothing lost); it proves the
  // whole path works and stays interactive, standard measures the target.
  thresholds: { offerLatencyP95Ms: 300, offerLatencyP99Ms: 750 },
};

// 2,000 agents at 1 chat each, ~1 s to accept + ~5 s handling: 200 sessions/s keep about 1,200 busy.
const standard: Profile = {
  name: 'standard',
  groups: 20,
  agents: 2_000,
  agentsPerVu: 50,
  agentUsers: 5,
  boards: 100,
  thinkMs: [500, 1_500],
  handleMs: [3_000, 7_000],
  warmupSeconds: 15,
  arrival: { kind: 'constant', ratePerSecond: 200, durationSeconds: 300 },
  mix: { api: 70, webchat: 20, whatsapp: 10 },
  // Made up front (a VU made mid-run drops arrivals while it starts): 200/s at up to 1 s per POST.
  // Past 3 s per POST the server is far behind; more VUs would only pile up requests (and k6
  // memory, ~1 MB a VU), so arrivals beyond that are counted as dropped.
  citizenVus: { preAllocated: 200, max: 600 },
  drainSeconds: 20,
  leftovers: 'wait',
  offerTimeoutSeconds: 30,
  thresholds: { offerLatencyP95Ms: 50, offerLatencyP99Ms: 100 },
};

// Short holding times and many agents, so the offer latency measures the router, not a lack of agents.
const stress: Profile = {
  name: 'stress',
  groups: 20,
  agents: 2_000,
  agentsPerVu: 50,
  agentUsers: 2,
  boards: 10,
  thinkMs: [100, 300],
  handleMs: [500, 1_500],
  // 2,000 agents going available, and JIT and caches warming, would otherwise land in the first step.
  warmupSeconds: 30,
  // Fine steps low down: on a shared 2-core machine with embedded PGlite the knee sits near
  // 40–60/s; on Postgres it passed 300/s. The overload guard ends the run once far past the knee.
  arrival: {
    kind: 'steps',
    ratesPerSecond: [10, 20, 30, 40, 50, 60, 80, 100, 120, 150, 200, 250, 300, 400, 500, 600, 800],
    rampSeconds: 3,
    holdSeconds: 20,
  },
  mix: { api: 70, webchat: 20, whatsapp: 10 },
  // Few VUs to start: at 10/s, 100 VUs would leave each connection idle ~10 s, the server's
  // keep-alive timeout; k6 adds VUs as the steps need them.
  citizenVus: { preAllocated: 20, max: 1_000 },
  drainSeconds: 10,
  leftovers: 'abandon',
  offerTimeoutSeconds: 30,
  thresholds: { kneeP99Ms: 100 },
  overload: { latencyMs: 1_000, offers: 20 },
};

export const PROFILES: Readonly<Record<ProfileName, Profile>> = { smoke, standard, stress };

export function isProfileName(value: string): value is ProfileName {
  return (PROFILE_NAMES as readonly string[]).includes(value);
}

/** Seconds from the first arrival to the last. */
export function arrivalSeconds(arrival: Arrival): number {
  return arrival.kind === 'constant' ? arrival.durationSeconds : arrival.ratesPerSecond.length * (arrival.rampSeconds + arrival.holdSeconds);
}

/** Seconds the agents and boards stay connected: warm-up, arrivals, drain. */
export function connectedSeconds(profile: Profile): number {
  return profile.warmupSeconds + arrivalSeconds(profile.arrival) + profile.drainSeconds;
}

/**
 * A profile with some fields replaced (LOADTEST_OVERRIDES, JSON), for exploring around a profile
 * (`{"boards": 0}`, `{"arrival": {…}}`); the summary says the profile was overridden.
 */
export function withOverrides(profile: Profile, overridesJson: string | undefined): Profile {
  if (overridesJson === undefined || overridesJson.trim() === '') return profile;
  const overrides = JSON.parse(overridesJson) as Partial<Profile>;
  if (overrides === null || typeof overrides !== 'object' || Array.isArray(overrides)) throw new Error('LOADTEST_OVERRIDES must be a JSON object');
  const unknown = Object.keys(overrides).filter((key) => !(key in profile) && key !== 'overload');
  if (unknown.length > 0) throw new Error(`LOADTEST_OVERRIDES: unknown profile field(s) ${unknown.join(', ')}`);
  const mix = overrides.mix === undefined ? {} : { mix: checkMix(overrides.mix, 'LOADTEST_OVERRIDES mix') };
  return { ...profile, ...overrides, ...mix, name: profile.name };
}

/** A mix as given (an object of channel → percentage): whole, non-negative, adding up to 100. */
export function checkMix(value: unknown, where = 'mix'): Mix {
  if (value === null || typeof value !== 'object' || Array.isArray(value)) throw new Error(`${where}: an object of ${CITIZEN_CHANNELS.join(', ')} percentages`);
  const given = value as Record<string, unknown>;
  const unknown = Object.keys(given).filter((key) => !(CITIZEN_CHANNELS as readonly string[]).includes(key));
  if (unknown.length > 0) throw new Error(`${where}: unknown channel(s) ${unknown.join(', ')} (channels: ${CITIZEN_CHANNELS.join(', ')})`);
  const mix = { api: 0, webchat: 0, whatsapp: 0 };
  for (const channel of CITIZEN_CHANNELS) {
    const share = given[channel] ?? 0;
    if (typeof share !== 'number' || !Number.isInteger(share) || share < 0 || share > 100) throw new Error(`${where}: ${channel} must be a whole percentage 0..100, not ${JSON.stringify(share)}`);
    mix[channel] = share;
  }
  const total = mix.api + mix.webchat + mix.whatsapp;
  if (total !== 100) throw new Error(`${where}: the shares add up to ${total}, not 100`);
  return mix;
}

/** `--mix api=70,webchat=20,whatsapp=10` (channels left out get 0). */
export function parseMix(text: string): Mix {
  const given: Record<string, number> = {};
  for (const part of text.split(',').map((p) => p.trim()).filter((p) => p !== '')) {
    const match = /^([a-z]+)\s*=\s*(\d+(?:\.\d+)?)\s*%?$/i.exec(part);
    if (!match) throw new Error(`mix: "${part}" is not channel=percentage`);
    const channel = match[1]!.toLowerCase();
    if (channel in given) throw new Error(`mix: ${channel} given twice`);
    given[channel] = Number(match[2]);
  }
  if (Object.keys(given).length === 0) throw new Error('mix: empty (e.g. api=70,webchat=20,whatsapp=10)');
  return checkMix(given);
}
