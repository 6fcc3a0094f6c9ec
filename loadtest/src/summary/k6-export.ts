// The parts of k6's `--summary-export` JSON the runner reads. In this (legacy) format a metric is
// its values flattened, and each threshold maps to true when it FAILED.

export interface K6MetricExport {
  [stat: string]: number | Record<string, boolean> | undefined;
  thresholds?: Record<string, boolean>;
}

export interface K6SummaryExport {
  metrics: Record<string, K6MetricExport>;
}

/** A numeric value of a metric ("count", "p(99)", "passes"…), undefined when absent. */
export function stat(summary: K6SummaryExport | undefined, metric: string, name: string): number | undefined {
  const value = summary?.metrics[metric]?.[name];
  return typeof value === 'number' && Number.isFinite(value) ? value : undefined;
}

export interface K6Threshold {
  metric: string;
  condition: string;
  ok: boolean;
}

export function k6Thresholds(summary: K6SummaryExport | undefined): K6Threshold[] {
  const out: K6Threshold[] = [];
  for (const [metric, values] of Object.entries(summary?.metrics ?? {})) {
    for (const [condition, failed] of Object.entries(values.thresholds ?? {})) out.push({ metric, condition, ok: !failed });
  }
  return out;
}

/** Tagged sub-metrics `base{tag:value}` of a metric, by tag value. */
export function subMetrics(summary: K6SummaryExport | undefined, base: string, tag: string): Map<string, K6MetricExport> {
  const prefix = `${base}{${tag}:`;
  const found = new Map<string, K6MetricExport>();
  for (const [name, values] of Object.entries(summary?.metrics ?? {})) {
    if (name.startsWith(prefix) && name.endsWith('}')) found.set(name.slice(prefix.length, -1), values);
  }
  return found;
}
