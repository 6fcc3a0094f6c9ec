// Whether a run held: the profile's gates evaluated on the run's figures, k6's own threshold
// verdicts, and how k6 ended. Gates decide the exit code; observations are only reported.
import type { Profile } from '../profiles.js';
import type { K6Threshold } from './k6-export.js';

export interface ThresholdResult {
  name: string;
  condition: string;
  actual: number | string | null;
  ok: boolean;
  /** False for observations (stress's per-step latencies) that are reported but do not fail the run. */
  gate: boolean;
}

export interface Figures {
  offerLatencyP95Ms: number | null;
  offerLatencyP99Ms: number | null;
  checksFailed: number | null;
  lost: number | null;
}

/** k6 exit codes: 0 ok, 99 thresholds crossed (judged here), 108 aborted by the script (stress's overload guard). */
export const K6_THRESHOLDS_CROSSED = 99;
export const K6_ABORTED_BY_SCRIPT = 108;

export function acceptedK6Exit(profile: Profile, exitCode: number): boolean {
  if (exitCode === 0 || exitCode === K6_THRESHOLDS_CROSSED) return true;
  return exitCode === K6_ABORTED_BY_SCRIPT && profile.overload !== undefined;
}

/**
 * Thresholds k6 evaluated only so it would compute a sub-metric for the report: the per-step
 * ones of stress (the knee) and the always-true `…>=0` ones.
 */
export function isObservation(threshold: K6Threshold): boolean {
  return /\{step:[^}]+\}$/.test(threshold.metric) || /^\w+(\([\d.]+\))?>=0$/.test(threshold.condition);
}

const upTo = (actual: number | null, limit: number, strict: boolean) => actual !== null && (strict ? actual < limit : actual <= limit);

export function evaluateThresholds(profile: Profile, figures: Figures, k6: readonly K6Threshold[], k6ExitCode: number): ThresholdResult[] {
  const results: ThresholdResult[] = [];
  const { offerLatencyP95Ms: p95, offerLatencyP99Ms: p99 } = profile.thresholds;
  if (p95 !== undefined) {
    results.push({ name: 'offer latency p95', condition: `< ${p95} ms`, actual: figures.offerLatencyP95Ms, ok: upTo(figures.offerLatencyP95Ms, p95, true), gate: true });
  }
  if (p99 !== undefined) {
    results.push({ name: 'offer latency p99', condition: `< ${p99} ms`, actual: figures.offerLatencyP99Ms, ok: upTo(figures.offerLatencyP99Ms, p99, true), gate: true });
  }
  results.push({ name: 'failed checks', condition: '= 0', actual: figures.checksFailed, ok: figures.checksFailed === 0, gate: true });
  results.push({ name: 'lost sessions', condition: '= 0', actual: figures.lost, ok: figures.lost === 0, gate: true });
  for (const t of k6) {
    results.push({ name: `k6: ${t.metric}`, condition: t.condition, actual: t.ok ? 'held' : 'crossed', ok: t.ok, gate: !isObservation(t) });
  }
  results.push({
    name: 'k6 exit code',
    condition: profile.overload ? '0, 99 or 108' : '0 or 99',
    actual: k6ExitCode,
    ok: acceptedK6Exit(profile, k6ExitCode),
    gate: true,
  });
  return results;
}

export function allGatesHeld(results: readonly ThresholdResult[]): boolean {
  return results.every((r) => !r.gate || r.ok);
}
