// One load run end to end: k6 ready, the system started and healthy, k6 with the profile, the
// system stopped, and the summary written (JSON + Markdown) under loadtest/results/.
import { copyFileSync, createWriteStream, mkdirSync, writeFileSync } from 'node:fs';
import os from 'node:os';
import path from 'node:path';
import type { Db, Engine } from './cli/args.js';
import { ensureK6 } from './k6/install.js';
import { runK6, type K6RunResult } from './k6/run.js';
import { binDir, graphSinkEntry, resultsDir, scenarioScript, serverEntry } from './paths.js';
import { PROFILES, withOverrides, type Mix, type ProfileName } from './profiles.js';
import { buildSummary, type RunSummary } from './summary/build.js';
import { markdownSummary } from './summary/markdown.js';
import { startAtende, type RunningAtende } from './system/atende.js';
import { cpuUse } from './system/cpu.js';
import { startGraphSink, whatsappEnv, type RunningGraphSink } from './system/graph.js';
import { startDatabase, type RunningPostgres } from './system/postgres.js';
import { startRedis, type RunningRedis } from './system/redis.js';

export interface RunRequest {
  profile: ProfileName;
  engine: Engine;
  db: Db;
  port?: number;
  keepData: boolean;
  /** Replaces the profile's channel mix (`--mix`). */
  mix?: Mix;
}

export interface RunOutput {
  summary: RunSummary;
  markdown: string;
}

const log = (line: string) => console.error(`loadtest: ${line}`);

/**
 * What selects the server's engine and database (router/src/server/routing/engines.ts): REDIS_URL
 * only for the Redis engine (emptied for
 * the memory engine, so a REDIS_URL in the caller's environment does not leak in), DATABASE_URL
 * only with --db postgres (empty: embedded PGlite).
 */
export function serverEnv(engine: Engine, redisUrl: string | undefined, databaseUrl: string | undefined): { REDIS_URL: string; DATABASE_URL: string } {
  if (engine === 'redis' && !redisUrl) throw new Error('the Redis engine needs a REDIS_URL (given, or of the redis-server the runner started)');
  return { REDIS_URL: engine === 'redis' ? redisUrl! : '', DATABASE_URL: databaseUrl ?? '' };
}

export async function runProfile(request: RunRequest): Promise<RunOutput> {
  const overridden = withOverrides(PROFILES[request.profile], process.env.LOADTEST_OVERRIDES);
  const profile = request.mix ? { ...overridden, mix: request.mix } : overridden;
  const notes: string[] = [];
  if (overridden !== PROFILES[request.profile]) notes.push(`profile overridden by LOADTEST_OVERRIDES=${process.env.LOADTEST_OVERRIDES}`);
  if (request.mix) notes.push(`channel mix set by --mix: ${JSON.stringify(request.mix)}`);
  const k6Path = await ensureK6(binDir, log);
  const startedAt = new Date().toISOString();
  const variant = `${request.engine}${request.db === 'postgres' ? '-postgres' : ''}`;
  const dir = path.join(resultsDir, `${profile.name}-${variant}-${startedAt.replace(/[:.]/g, '-')}`);
  mkdirSync(dir, { recursive: true });
  writeFileSync(path.join(dir, 'profile.json'), `${JSON.stringify(profile, null, 2)}\n`);

  let redis: RunningRedis | undefined;
  let database: RunningPostgres | undefined;
  let atende: RunningAtende | undefined;
  let sink: RunningGraphSink | undefined;
  let sinkStats: Awaited<ReturnType<RunningGraphSink['stop']>>;
  let run: K6RunResult;
  const k6Log = createWriteStream(path.join(dir, 'k6.log'));
  const stopK6 = () => log('interrupted: k6 is stopping (teardown still runs)');
  process.once('SIGINT', stopK6);
  try {
    let redisUrl = process.env.REDIS_URL;
    if (request.engine === 'redis' && !redisUrl) {
      redis = await startRedis();
      redisUrl = redis.url;
    }
    if (request.db === 'postgres') {
      database = await startDatabase();
      if (!database.cpu) notes.push('the Postgres server is not a process of this machine: its CPU is not measured');
    }
    if (profile.mix.whatsapp > 0) {
      sink = await startGraphSink(graphSinkEntry, path.join(dir, 'graph-sink.log'));
      log(`Graph API sink at ${sink.graphUrl} (control ${sink.controlUrl}, pid ${sink.pid})`);
    }
    log(`starting the server (${request.engine} engine, ${database ? 'throwaway Postgres' : 'embedded PGlite in a temporary directory'})`);
    atende = await startAtende({
      serverEntry,
      offerTimeoutSeconds: profile.offerTimeoutSeconds,
      logFile: path.join(dir, 'server.log'),
      keepData: request.keepData,
      ...(request.port !== undefined ? { port: request.port } : {}),
      env: { ...serverEnv(request.engine, redisUrl, database?.url), ...(sink ? whatsappEnv(sink.credentials, sink.graphUrl) : {}) },
    });
    log(`server healthy at ${atende.url} (pid ${atende.pid}); running k6 with the ${profile.name} profile`);
    run = await runK6({
      k6Path,
      script: scenarioScript,
      profile,
      baseUrl: atende.url,
      adminToken: atende.adminToken,
      summaryFile: path.join(dir, 'k6-summary.json'),
      htmlReportFile: path.join(dir, 'report.html'),
      env: sink
        ? { WHATSAPP_APP_SECRET: sink.credentials.appSecret, WHATSAPP_PHONE_NUMBER_ID: sink.credentials.phoneNumberId, GRAPH_CONTROL_URL: sink.controlUrl }
        : {},
      // Server, then the Graph sink and the database when there are.
      alsoSample: [atende.pid, ...(sink ? [sink.pid] : []), ...(database?.cpu ? [database.cpu] : [])],
      onOutput: (chunk) => {
        k6Log.write(chunk);
        process.stderr.write(chunk);
      },
      onMemoryLimit: (rss) => log(`k6 holds ${Math.round(rss / 2 ** 20)} MB, past its limit: interrupting it`),
    });
    if (run.k6MemoryLimitHit) notes.push(`k6 was interrupted for passing its memory limit (peak ${Math.round(run.k6PeakRssBytes / 2 ** 20)} MB): the generator could not keep up`);
  } finally {
    process.removeListener('SIGINT', stopK6);
    const code = await atende?.stop();
    if (code !== undefined && code !== 0) notes.push(`the server exited with ${code} when stopped (see server.log)`);
    if (request.keepData && atende) notes.push(`server data kept in ${atende.dataDir}`);
    sinkStats = await sink?.stop();
    await redis?.stop();
    await database?.stop();
    k6Log.end();
  }

  if (!run.htmlReport) {
    notes.push("k6's web dashboard wrote no HTML report (it skips runs too short for its charts, and a k6 that was killed writes none); the JSON and Markdown summaries stand");
  }
  if (!run.summary) notes.push(`k6 exported no summary (exit code ${run.exitCode}); see k6.log`);
  const cpus = os.availableParallelism();
  const sample = (i: number | undefined) => (i === undefined ? undefined : run.others[i]);
  const sinkSample = sample(sink ? 1 : undefined);
  const databaseSample = sample(database?.cpu ? (sink ? 2 : 1) : undefined);
  const summary = buildSummary({
    profile,
    engine: request.engine,
    db: request.db,
    startedAt,
    k6: { exitCode: run.exitCode, summary: run.summary, cpu: cpuUse(run.k6Ticks, run.wallMs, run.ticksPerSecond, cpus, run.k6RunQueueWaitNs) },
    server: { cpu: cpuUse(run.others[0]?.ticks ?? 0, run.wallMs, run.ticksPerSecond, cpus, run.others[0]?.runQueueWaitNs ?? 0) },
    ...(databaseSample ? { database: { cpu: cpuUse(databaseSample.ticks, run.wallMs, run.ticksPerSecond, cpus, databaseSample.runQueueWaitNs) } } : {}),
    ...(sinkSample ? { graphSink: { cpu: cpuUse(sinkSample.ticks, run.wallMs, run.ticksPerSecond, cpus, sinkSample.runQueueWaitNs), sends: sinkStats?.sends ?? null } } : {}),
    machine: { busyCores: cpuUse(run.machineBusyTicks, run.wallMs, run.ticksPerSecond, cpus).cores, loadAverage: run.loadAverage },
    cpus,
    k6PeakRssMb: Math.round(run.k6PeakRssBytes / 2 ** 20),
    resultsDir: path.relative(process.cwd(), dir) || dir,
    htmlReport: run.htmlReport ? path.relative(process.cwd(), run.htmlReport) : null,
    notes,
  });
  const markdown = markdownSummary(summary);
  writeFileSync(path.join(dir, 'summary.json'), `${JSON.stringify(summary, null, 2)}\n`);
  writeFileSync(path.join(dir, 'summary.md'), markdown);
  // The latest run of each profile, at a fixed place.
  copyFileSync(path.join(dir, 'summary.json'), path.join(resultsDir, `latest-${profile.name}-${variant}.json`));
  copyFileSync(path.join(dir, 'summary.md'), path.join(resultsDir, `latest-${profile.name}-${variant}.md`));
  return { summary, markdown };
}
