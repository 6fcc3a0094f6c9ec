// k6 summary exports shaped like the real ones (`--summary-export`, legacy format).
import type { K6SummaryExport } from '../src/summary/k6-export.js';

export function smokeExport(overrides: Record<string, Record<string, unknown>> = {}): K6SummaryExport {
  const metrics: Record<string, Record<string, unknown>> = {
    offer_latency: { avg: 13.6, min: 4, med: 9, max: 80, 'p(90)': 22, 'p(95)': 42, 'p(99)': 70, count: 101, thresholds: { 'p(95)<100': false, 'p(99)<250': false } },
    accept_rtt: { avg: 14, min: 3, med: 7, max: 88, 'p(90)': 32, 'p(95)': 53, 'p(99)': 85, count: 101 },
    end_rtt: { avg: 9, min: 2, med: 6, max: 69, 'p(90)': 16, 'p(95)': 23, 'p(99)': 52, count: 101 },
    board_update_lag: { avg: 1.85, min: 0, med: 1, max: 59, 'p(90)': 3, 'p(95)': 5, 'p(99)': 32.99, count: 352 },
    checks: { passes: 467, fails: 0, value: 1, thresholds: { 'rate==1': false } },
    sessions_created: { count: 101, rate: 3.39 },
    sessions_known: { count: 101, rate: 3.39 },
    sessions_ended: { count: 101, rate: 3.39 },
    sessions_abandoned: { count: 0, rate: 0 },
    sessions_unfinished: { count: 0, rate: 0 },
    sessions_left_over: { count: 0, rate: 0 },
    sessions_lost: { count: 0, rate: 0, thresholds: { 'count==0': false } },
    offers_received: { count: 101, rate: 3.39 },
    sessions_handled: { count: 101, rate: 3.39 },
    board_updates: { count: 350, rate: 11.7 },
    k6_event_lag: { avg: 0.3, min: 0, med: 0.2, max: 12, 'p(90)': 0.5, 'p(95)': 0.8, 'p(99)': 3.14159, count: 900 },
    http_req_failed: { passes: 0, fails: 130, value: 0 },
    'http_req_duration{name:POST /api/interactions}': { avg: 20, min: 5, med: 12, max: 90, 'p(90)': 50, 'p(95)': 61.234, 'p(99)': 88, count: 100, thresholds: { 'max>=0': false } },
  };
  for (const [name, values] of Object.entries(overrides)) metrics[name] = { ...metrics[name], ...values };
  return { metrics } as K6SummaryExport;
}
