import { describe, expect, it } from 'vitest';
import { parseArgs, UsageError } from '../src/cli/args.js';

describe('parseArgs', () => {
  it('takes a profile and defaults to the memory engine', () => {
    expect(parseArgs(['smoke'])).toEqual({ command: 'run', profile: 'smoke', engine: 'memory', db: 'pglite', keepData: false });
  });

  it('reads the engine as a separate or an inline value', () => {
    expect(parseArgs(['standard', '--engine', 'redis'])).toMatchObject({ profile: 'standard', engine: 'redis' });
    expect(parseArgs(['--engine=memory', 'stress'])).toMatchObject({ profile: 'stress', engine: 'memory' });
  });

  it('runs the server on a throwaway Postgres when asked', () => {
    expect(parseArgs(['standard', '--db', 'postgres'])).toMatchObject({ profile: 'standard', db: 'postgres', engine: 'memory' });
    // The Redis engine's nodes share one Postgres: that is its default, PGlite only when asked.
    expect(parseArgs(['standard', '--engine', 'redis'])).toMatchObject({ engine: 'redis', db: 'postgres' });
    expect(parseArgs(['standard', '--engine', 'redis', '--db', 'pglite'])).toMatchObject({ engine: 'redis', db: 'pglite' });
  });

  it('reads a port and keeps the data directory when asked', () => {
    expect(parseArgs(['smoke', '--port', '9090', '--keep-data'])).toMatchObject({ port: 9090, keepData: true });
  });

  it('treats `k6` as the install-only command and --help as help', () => {
    expect(parseArgs(['k6'])).toEqual({ command: 'install-k6' });
    expect(parseArgs(['smoke', '--help'])).toEqual({ command: 'help' });
  });

  it.each([
    [[], /which profile/],
    [['huge'], /unknown profile "huge"/],
    [['smoke', 'standard'], /one profile at a time/],
    [['smoke', '--engine'], /--engine needs a value/],
    [['smoke', '--engine', 'postgres'], /unknown engine "postgres"/],
    [['smoke', '--engine', '--port'], /--engine needs a value/],
    [['smoke', '--db', 'mysql'], /unknown database "mysql"/],
    [['smoke', '--port', '0'], /--port must be/],
    [['smoke', '--port', 'x'], /--port must be/],
    [['smoke', '--fast'], /unknown option --fast/],
  ])('refuses %j', (argv, message) => {
    expect(() => parseArgs(argv as string[])).toThrow(UsageError);
    expect(() => parseArgs(argv as string[])).toThrow(message);
  });
});
