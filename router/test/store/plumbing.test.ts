import { describe, expect, it } from 'vitest';
import type { RoutingEvent } from '../../src/core/index.js';
import { DeadlineTimer, Listeners } from '../../src/store/plumbing.js';

const event = { type: 'interaction.abandoned', interactionId: 's1', at: 1 } as unknown as RoutingEvent;

describe('Listeners', () => {
  it('gives every listener the events even when one throws, and reports what it threw', () => {
    const errors: unknown[] = [];
    const listeners = new Listeners((err) => errors.push(err));
    const seen: string[] = [];
    listeners.add(() => {
      throw new Error('board gone');
    });
    const off = listeners.add((events) => seen.push(`b:${events.length}`));
    listeners.add((_, annotations) => seen.push(`c:${annotations.length}`));
    listeners.publish([event], []);
    expect(seen).toEqual(['b:1', 'c:0']);
    expect(errors).toHaveLength(1);
    expect((errors[0] as Error).message).toBe('board gone');
    off();
    listeners.publish([event, event], []);
    expect(seen).toEqual(['b:1', 'c:0', 'c:0']);
  });
});

describe('DeadlineTimer', () => {
  const settle = (ms: number) => new Promise((resolve) => setTimeout(resolve, ms));

  it('fires once at its deadline; moving it drops the old deadline', async () => {
    const now = 1_000_000;
    const fired: number[] = [];
    const timer = new DeadlineTimer(() => now, () => fired.push(timer.at ?? -1));
    timer.set(now + 5);
    expect(timer.at).toBe(now + 5);
    timer.set(now + 20); // moved later: the first deadline must not fire
    await settle(60);
    expect(fired).toEqual([-1]); // fired once, and no longer armed when it did
    expect(timer.at).toBeUndefined();
  });

  it('setting the same deadline again keeps one timer; undefined or clear stops it', async () => {
    const now = 5_000;
    let fires = 0;
    const timer = new DeadlineTimer(() => now, () => fires++);
    timer.set(now + 5);
    timer.set(now + 5);
    await settle(40);
    expect(fires).toBe(1);
    timer.set(now + 5);
    timer.set(undefined);
    timer.set(now + 10);
    timer.clear();
    await settle(40);
    expect(fires).toBe(1);
    expect(timer.at).toBeUndefined();
  });

  it('fires at once for a deadline already past', async () => {
    let fires = 0;
    const timer = new DeadlineTimer(() => 10_000, () => fires++);
    timer.set(1);
    await settle(20);
    expect(fires).toBe(1);
  });
});
