// The differential test: the same random worlds and command sequences, at the same times, fed to
// the pure Router and to the Redis engine; every outcome (ok, error, events, next deadline,
// closed answer) must be equal, and so must the views (interactions, agents, queues, fairness).

import fc from 'fast-check';
import { describe, expect, it } from 'vitest';
import { differential, newStats, report } from './differential.js';
import { useRedis } from './redis-server.js';
import { actionArb, worldArb } from './world.js';

/** ATENDE_DIFFERENTIAL_SCALE=10 runs ten times as many worlds (a soak run). */
const scale = Number(process.env.ATENDE_DIFFERENTIAL_SCALE ?? 1);

const server = useRedis();

describe('the Redis engine decides exactly as the core', () => {
  it('in small worlds (5–20 agents, hundreds of commands)', async () => {
    const stats = newStats();
    const started = Date.now();
    await fc.assert(
      fc.asyncProperty(worldArb({ min: 5, max: 20 }, { min: 2, max: 5 }), fc.array(actionArb, { minLength: 100, maxLength: 400 }), (world, actions) =>
        differential(server.client, world, actions, stats, 4),
      ),
      { numRuns: Math.round(40 * scale) },
    );
    report('small worlds', stats, started);
  });

  it('in large worlds (hundreds of agents, thousands of commands)', async () => {
    const stats = newStats();
    const started = Date.now();
    await fc.assert(
      fc.asyncProperty(worldArb({ min: 100, max: 500 }, { min: 3, max: 10 }), fc.array(actionArb, { minLength: 2000, maxLength: 5000 }), (world, actions) =>
        differential(server.client, world, actions, stats, 2),
      ),
      { numRuns: Math.round(4 * scale) },
    );
    report('large worlds', stats, started);
  }, 300_000);

  it('when commands arrive together and are decided in batches (group commit)', async () => {
    const stats = newStats();
    const started = Date.now();
    await fc.assert(
      fc.asyncProperty(
        worldArb({ min: 5, max: 40 }, { min: 2, max: 5 }),
        fc.array(actionArb, { minLength: 100, maxLength: 600 }),
        fc.integer({ min: 2, max: 24 }),
        (world, actions, burst) => differential(server.client, world, actions, stats, 4, undefined, burst),
      ),
      { numRuns: Math.round(30 * scale) },
    );
    report('batched', stats, started);
    // The bursts did share script calls.
    expect(stats.calls).toBeLessThan(stats.commands * 0.7);
  }, 300_000);
});
