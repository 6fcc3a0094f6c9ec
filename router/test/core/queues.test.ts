// The lazy typed-array heaps against a sorted-array model, under random pushes, removals and re-keys.
import fc from 'fast-check';
import { describe, expect, it } from 'vitest';
import { AgentHeap, SessionQueue } from '../../src/core/queues.js';

describe('SessionQueue', () => {
  it('always yields the live entry with the lowest (rank, seq), whatever was removed', () => {
    fc.assert(
      fc.property(
        fc.array(fc.oneof(fc.record({ op: fc.constant('push' as const), rank: fc.integer({ min: 0, max: 50 }) }), fc.record({ op: fc.constant('remove' as const), i: fc.nat() }), fc.constant({ op: 'take' as const })), { maxLength: 400 }),
        (ops) => {
          const q = new SessionQueue<{ id: number; placement: number }>();
          const model: { id: number; rank: number; session: { id: number; placement: number } }[] = [];
          const leave = (session: { placement: number }) => {
            session.placement++;
            q.removed();
          };
          let seq = 0;
          for (const o of ops) {
            if (o.op === 'push') {
              const id = seq++;
              const session = { id, placement: 1 };
              q.push(session, o.rank, id);
              model.push({ id, rank: o.rank, session });
            } else if (o.op === 'remove' && model.length > 0) {
              const [victim] = model.splice(o.i % model.length, 1);
              leave(victim!.session);
            } else if (o.op === 'take') {
              model.sort((a, b) => a.rank - b.rank || a.id - b.id);
              const top = q.peek();
              expect(top?.id).toBe(model[0]?.id);
              if (top) {
                leave(top);
                model.shift();
              }
            }
            expect(q.size).toBe(model.length);
          }
          const rest = q.sessions().map((s) => s.id).sort((a, b) => a - b);
          expect(rest).toEqual(model.map((m) => m.id).sort((a, b) => a - b));
        },
      ),
    );
  });

  it('finds the best entry that passes a filter without disturbing the queue', () => {
    const q = new SessionQueue<{ id: number; placement: number }>();
    for (let i = 0; i < 100; i++) q.push({ id: i, placement: 1 }, 100 - i, i);
    expect(q.findFirst((s) => s.id % 7 === 3)?.id).toBe(94);
    expect(q.peek()?.id).toBe(99);
    expect(q.size).toBe(100);
  });
});

describe('AgentHeap', () => {
  it('re-keyed and removed agents never surface with a stale key', () => {
    fc.assert(
      fc.property(fc.array(fc.record({ agent: fc.nat(20), k: fc.integer({ min: 0, max: 10 }), remove: fc.boolean() }), { maxLength: 500 }), (ops) => {
        const heap = new AgentHeap<{ id: number; slotVersions: number[]; versionSeq: number }>();
        const agents = Array.from({ length: 21 }, (_, id) => ({ id, slotVersions: [0], versionSeq: 0 }));
        const keys = new Map<number, number>();
        for (const o of ops) {
          const a = agents[o.agent]!;
          if (o.remove) {
            if (keys.has(a.id)) heap.remove(a, 0);
            keys.delete(a.id);
          } else {
            heap.put(a, 0, o.k, 0, a.id, keys.has(a.id));
            keys.set(a.id, o.k);
          }
          const best = [...keys].sort((x, y) => x[1] - y[1] || x[0] - y[0])[0];
          expect(heap.peek()?.agent.id).toBe(best?.[0]);
          expect(heap.size).toBe(keys.size);
        }
        expect(heap.entries().map((e) => e.agent.id).sort((x, y) => x - y)).toEqual([...keys.keys()].sort((x, y) => x - y));
      }),
    );
  });
});
