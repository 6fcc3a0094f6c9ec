// Configuration from the environment and arguments, with the embedded defaults.
import { describe, expect, it } from 'vitest';
import { ConfigError, configFromEnv } from '../../src/server/config.js';

describe('configuration from the environment', () => {
  it('falls back to the embedded defaults', () => {
    expect(configFromEnv({}, [])).toMatchObject({ port: 8080, dataDir: './.atende', logLevel: 'info', demo: false, bodyLimitBytes: 65_536, router: {} });
    expect(configFromEnv({}, []).databaseUrl).toBeUndefined();
  });

  it('reads every variable, treats empty ones as unset, and --demo', () => {
    const config = configFromEnv(
      { PORT: '9000', ATENDE_DATA_DIR: '/tmp/x', DATABASE_URL: '', ATENDE_ADMIN_TOKEN: 'a'.repeat(20), LOG_LEVEL: 'warn', ATENDE_OFFER_TIMEOUT_SECONDS: '5' },
      ['--demo'],
    );
    expect(config).toMatchObject({ port: 9000, dataDir: '/tmp/x', adminToken: 'a'.repeat(20), logLevel: 'warn', demo: true, router: { offerTimeoutSeconds: 5 } });
    expect(config.databaseUrl).toBeUndefined();
  });

  it('refuses bad values and unknown arguments with a readable message', () => {
    expect(() => configFromEnv({ PORT: 'http' }, [])).toThrow(ConfigError);
    expect(() => configFromEnv({ LOG_LEVEL: 'loud' }, [])).toThrow(/logLevel/);
    expect(() => configFromEnv({ ATENDE_ADMIN_TOKEN: 'short' }, [])).toThrow(/adminToken/);
    expect(() => configFromEnv({}, ['--turbo'])).toThrow(/--turbo/);
    expect(() => configFromEnv({ ATENDE_REDIS_SCRIPT: 'eval' }, [])).toThrow(/redisScript/);
    expect(() => configFromEnv({ ATENDE_REDIS_BATCH: '0' }, [])).toThrow(/redisBatch/);
    expect(() => configFromEnv({ ATENDE_REDIS_BATCH: 'many' }, [])).toThrow(/redisBatch|ATENDE_REDIS_BATCH/);
    expect(() => configFromEnv({ ATENDE_REDIS_PIPELINE: '0' }, [])).toThrow(/redisPipeline/);
    expect(() => configFromEnv({ ATENDE_REDIS_PIPELINE: '9' }, [])).toThrow(/redisPipeline/);
  });

  it('batches up to 64 commands per Redis script call unless told otherwise', () => {
    expect(configFromEnv({}, []).redisBatch).toBe(64);
    expect(configFromEnv({ ATENDE_REDIS_BATCH: '1' }, []).redisBatch).toBe(1);
  });

  it('keeps two Redis script calls in flight unless told otherwise', () => {
    expect(configFromEnv({}, []).redisPipeline).toBe(2);
    expect(configFromEnv({ ATENDE_REDIS_PIPELINE: '1' }, []).redisPipeline).toBe(1);
  });

  it('calls the Redis routing script with EVALSHA unless told FCALL', () => {
    expect(configFromEnv({}, []).redisScript).toBe('evalsha');
    expect(configFromEnv({ ATENDE_REDIS_SCRIPT: 'fcall', REDIS_URL: 'redis://r:6379', ATENDE_TENANT: 'sefaz' }, [])).toMatchObject({ redisScript: 'fcall', redisUrl: 'redis://r:6379', tenant: 'sefaz' });
  });
});
