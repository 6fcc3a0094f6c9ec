// Server configuration: one zod schema with the embedded defaults, filled from the environment
// (PORT, ATENDE_DATA_DIR, DATABASE_URL, REDIS_URL, REDIS_CLUSTER_NODES, ATENDE_TENANT, ATENDE_REDIS_SCRIPT, ATENDE_REDIS_BATCH, ATENDE_REDIS_PIPELINE, ATENDE_ADMIN_TOKEN, ATENDE_SECRET, LOG_LEVEL) and argv.
import { z } from 'zod';

const LOG_LEVELS = ['fatal', 'error', 'warn', 'info', 'debug', 'trace', 'silent'] as const;

export const serverConfigSchema = z.object({
  port: z.number().int().min(0).max(65_535).default(8080),
  host: z.string().min(1).default('0.0.0.0'),
  /** PGlite directory when no databaseUrl; 'memory://' keeps it in memory. */
  dataDir: z.string().min(1).default('./.atende'),
  databaseUrl: z.string().min(1).optional(),
  /** Selects the Redis engine (many router nodes share one tenant's routing state). */
  redisUrl: z.string().min(1).optional(),
  /** host:port of Redis Cluster masters: the Redis engine in cluster mode. */
  redisClusterNodes: z.array(z.string().regex(/^[^:\s]+:\d+$/, 'host:porta')).min(1).optional(),
  /** The agency whose routing state this node serves (the Redis hash tag {atende:<tenant>}). */
  tenant: z.string().regex(/^[A-Za-z0-9_.-]+$/, 'use letras, dígitos, _ . -').default('default'),
  /** How each decision calls the routing script: EVALSHA (default) or FCALL of a Redis Functions library (Redis ≥ 7, ~10 % cheaper). */
  redisScript: z.enum(['evalsha', 'fcall']).default('evalsha'),
  /** Commands per script call at most (group commit: commands arriving while a call is in flight go together in the next; 1: one command per call and one call in flight, for diagnosis). */
  redisBatch: z.number().int().min(1).max(1_000).default(64),
  /** Script calls in flight at most (each fenced on the one before it; 1: one at a time). */
  redisPipeline: z.number().int().min(1).max(8).default(2),
  /** Generated (and printed by main) when absent. */
  adminToken: z.string().min(16).optional(),
  /** Token signing secret; generated once and kept in the database when absent. */
  secret: z.string().min(16).optional(),
  logLevel: z.enum(LOG_LEVELS).default('info'),
  bodyLimitBytes: z.number().int().positive().default(64 * 1024),
  /** Board topics send at most one update per this interval (250 ms = 4/s). */
  boardIntervalMs: z.number().int().positive().default(250),
  boardBufferLimitBytes: z.number().int().positive().default(512 * 1024),
  agentBufferLimitBytes: z.number().int().positive().default(1024 * 1024),
  tokenTtlSeconds: z.number().int().positive().default(12 * 3600),
  checkpointIntervalMs: z.number().int().positive().default(30_000),
  /** Options of the routing core (offer timeout, auto-pause after misses…). */
  router: z
    .object({
      offerTimeoutSeconds: z.number().positive(),
      maxConsecutiveMisses: z.number().int().positive(),
      autoPauseReason: z.string(),
      missCooldownSeconds: z.number().nonnegative(),
      targetWaitSeconds: z.number().nonnegative(),
      priorityStepSeconds: z.number().nonnegative(),
      legalPriorityBonusSeconds: z.number().nonnegative(),
      timeZone: z.string(),
    })
    .partial()
    .default({}),
  demo: z.boolean().default(false),
});

export type ServerConfig = z.output<typeof serverConfigSchema>;
export type ServerConfigInput = z.input<typeof serverConfigSchema>;

const optionalText = z.preprocess((v) => (v === '' ? undefined : v), z.string().optional());
const optionalNumber = z.preprocess((v) => (v === '' || v === undefined ? undefined : Number(v)), z.number().optional());

const envSchema = z.object({
  PORT: optionalNumber,
  HOST: optionalText,
  ATENDE_DATA_DIR: optionalText,
  DATABASE_URL: optionalText,
  REDIS_URL: optionalText,
  REDIS_CLUSTER_NODES: optionalText,
  ATENDE_TENANT: optionalText,
  ATENDE_REDIS_SCRIPT: optionalText,
  ATENDE_REDIS_BATCH: optionalNumber,
  ATENDE_REDIS_PIPELINE: optionalNumber,
  ATENDE_ADMIN_TOKEN: optionalText,
  ATENDE_SECRET: optionalText,
  LOG_LEVEL: optionalText,
  ATENDE_OFFER_TIMEOUT_SECONDS: optionalNumber,
});

export class ConfigError extends Error {
  override name = 'ConfigError';
}

/** The configuration of `node dist/server/main.js [--demo]` from its environment and arguments. */
export function configFromEnv(env: NodeJS.ProcessEnv, argv: readonly string[]): ServerConfig {
  const unknown = argv.filter((arg) => arg !== '--demo');
  if (unknown.length > 0) throw new ConfigError(`unknown argument(s): ${unknown.join(' ')} (supported: --demo)`);
  const vars = envSchema.safeParse(env);
  if (!vars.success) throw new ConfigError(describe(vars.error));
  const e = vars.data;
  const config = serverConfigSchema.safeParse({
    port: e.PORT,
    host: e.HOST,
    dataDir: e.ATENDE_DATA_DIR,
    databaseUrl: e.DATABASE_URL,
    redisUrl: e.REDIS_URL,
    redisClusterNodes: e.REDIS_CLUSTER_NODES?.split(',').map((n) => n.trim()).filter((n) => n !== ''),
    tenant: e.ATENDE_TENANT,
    redisScript: e.ATENDE_REDIS_SCRIPT,
    redisBatch: e.ATENDE_REDIS_BATCH,
    redisPipeline: e.ATENDE_REDIS_PIPELINE,
    adminToken: e.ATENDE_ADMIN_TOKEN,
    secret: e.ATENDE_SECRET,
    logLevel: e.LOG_LEVEL,
    router: e.ATENDE_OFFER_TIMEOUT_SECONDS === undefined ? {} : { offerTimeoutSeconds: e.ATENDE_OFFER_TIMEOUT_SECONDS },
    demo: argv.includes('--demo'),
  });
  if (!config.success) throw new ConfigError(describe(config.error));
  return config.data;
}

function describe(error: z.ZodError): string {
  return error.issues.map((issue) => `${issue.path.join('.') || 'config'}: ${issue.message}`).join('; ');
}
