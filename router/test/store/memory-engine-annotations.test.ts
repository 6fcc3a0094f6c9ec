// The memory engine's shell annotations and group-commit-friendly persistence: annotations ride
// with their command's events, and a later command's persist starts before an earlier one resolves.
import { describe, expect, it } from 'vitest';
import type { RoutingEvent } from '../../src/core/index.js';
import { MemoryEngine } from '../../src/store/memory/index.js';
import type { Annotation } from '../../src/store/engine.js';

const group = { id: 'g', name: 'G', tema: '', categoria: '', level: 1 as const, slaSeconds: 60, strategy: 'equal' as const, wrapUpSeconds: 0 };

describe('the memory engine with annotations', () => {
  it('persists and publishes annotations with the events of their command, and drops them when there are none', async () => {
    const persisted: [string[], readonly Annotation[]][] = [];
    const published: [string[], readonly Annotation[]][] = [];
    const engine = new MemoryEngine({ timers: false, persist: async (events, annotations) => void persisted.push([events.map((e) => e.type), annotations]) });
    engine.subscribe((events, annotations) => published.push([events.map((e) => e.type), annotations]));
    const note: Annotation = { type: 'annotation.x', interactionId: 's', payload: { a: 1 } };
    await engine.execute({ type: 'configureGroup', group });
    await engine.execute({ type: 'enqueue', interaction: { id: 's', channel: 'chat', groupId: 'g' } }, [note]);
    await engine.execute({ type: 'setAgentState', agentId: 'nobody', state: 'available' }, [note]);
    await engine.settled();
    expect(persisted).toEqual([
      [['group.configured'], []],
      [['interaction.queued'], [note]],
    ]);
    expect(published).toEqual(persisted);
    await engine.close();
  });

  it('starts persisting a command before the previous persist resolved, yet acknowledges in order', async () => {
    const releases: (() => void)[] = [];
    const calls: RoutingEvent['type'][] = [];
    const engine = new MemoryEngine({
      timers: false,
      persist: (events) => {
        calls.push(events[0]!.type);
        return new Promise<void>((resolve) => releases.push(resolve));
      },
    });
    const acks: string[] = [];
    const first = engine.execute({ type: 'configureGroup', group }).then(() => acks.push('first'));
    const second = engine.execute({ type: 'configureGroup', group: { ...group, id: 'h' } }).then(() => acks.push('second'));
    await Promise.resolve();
    expect(calls).toEqual(['group.configured', 'group.configured']);
    releases[1]!();
    await new Promise((resolve) => setTimeout(resolve, 5));
    expect(acks).toEqual([]);
    releases[0]!();
    await Promise.all([first, second]);
    expect(acks).toEqual(['first', 'second']);
    await engine.close();
  });
});
