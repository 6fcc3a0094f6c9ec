// The lazy typed-array heaps against a sorted-array model, under random pushes, removals and re-keys.
import fc from 'fast-check';
import { describe, expect, it } from 'vitest';
import { AgentHeap, AgentSlots, SessionQueue, SessionSlots, SLOT_SPAN, tagMissed } from '../../src/core/queues.js';

describe('SessionQueue', () => {
  it('always yields the live entry with the lowest (rank, seq), whatever was removed', () => {
    fc.assert(
      fc.property(
        fc.array(fc.oneof(fc.record({ op: fc.constant('push' as const), rank: fc.integer({ min: 0, max: 50 }) }), fc.record({ op: fc.constant('remove' as const), i: fc.nat() }), fc.constant({ op: 'take' as const })), { maxLength: 400 }),
        (ops) => {
          type S = { id: number; slot: number };
          const slots = new SessionSlots<S>();
          const q = new SessionQueue(slots);
          const model: { id: number; rank: number; session: S }[] = [];
          // Leaving frees the slot too, so later sessions reuse slots whose old entries are still in the heap.
          const leave = (session: S) => {
            slots.unplace(session.slot);
            q.removed();
            slots.release(session.slot);
          };
          let seq = 0;
          for (const o of ops) {
            if (o.op === 'push') {
              const id = seq++;
              const session: S = { id, slot: -1 };
              session.slot = slots.acquire(session);
              q.push(session.slot, o.rank, id, slots.place(session.slot, false));
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
    const slots = new SessionSlots<{ id: number }>();
    const q = new SessionQueue(slots);
    for (let i = 0; i < 100; i++) {
      const slot = slots.acquire({ id: i });
      q.push(slot, 100 - i, i, slots.place(slot, false));
    }
    expect(q.sessionAt(q.findFirst((s) => s.id % 7 === 3)).id).toBe(94);
    expect(q.findFirst((s) => s.id > 1000)).toBe(-1);
    expect(q.peek()?.id).toBe(99);
    expect(q.size).toBe(100);
  });

  it('marks the tags of sessions that carry misses', () => {
    const slots = new SessionSlots<{ id: number }>();
    const a = slots.acquire({ id: 1 });
    const b = slots.acquire({ id: 2 });
    expect(tagMissed(slots.place(a, true))).toBe(true);
    expect(tagMissed(slots.place(b, false))).toBe(false);
  });
});

describe('AgentHeap', () => {
  it('re-keyed and removed agents never surface with a stale key', () => {
    fc.assert(
      fc.property(fc.array(fc.record({ agent: fc.nat(20), k: fc.integer({ min: 0, max: 10 }), k2: fc.integer({ min: 0, max: 3 }), remove: fc.boolean(), reslot: fc.boolean(), lazy: fc.boolean() }), { maxLength: 500 }), (ops) => {
        const slots = new AgentSlots<{ id: number }>();
        const heap = new AgentHeap(slots);
        const agents = Array.from({ length: 21 }, (_, id) => ({ id }));
        for (const a of agents) slots.assign(a.id, a, 1);
        const keys = new Map<number, number>();
        for (const o of ops) {
          const a = agents[o.agent]!;
          if (o.remove) {
            if (keys.has(a.id)) {
              heap.remove(a.id, 0);
              // An agent reconfigured while out of the heap gets fresh slots; its old entries stay dead.
              if (o.reslot) slots.assign(a.id, a, 1);
            }
            keys.delete(a.id);
          } else {
            // Re-keying an agent already in the heap: the way refreshAgent does it (lazy when the key grows) or refiled at once.
            if (keys.has(a.id) && o.lazy) heap.rekey(a.id, 0, o.k, o.k2);
            else heap.put(a.id, 0, o.k, o.k2, keys.has(a.id));
            keys.set(a.id, o.k * 100 + o.k2);
          }
          const best = [...keys].sort((x, y) => x[1] - y[1] || x[0] - y[0])[0];
          expect(heap.peek()?.agent.id).toBe(best?.[0]);
          // And the best one that is not the best: what a session missed by the best agent gets.
          const second = [...keys].sort((x, y) => x[1] - y[1] || x[0] - y[0])[1];
          const found = heap.findFirst((agent) => agent.id !== best?.[0]);
          expect(found && Math.floor(found.k3 / SLOT_SPAN)).toBe(second?.[0]);
          if (found) expect(found.k1 * 100 + found.k2).toBe(second![1]);
          expect(heap.peek()?.agent.id).toBe(best?.[0]);
          expect(heap.size).toBe(keys.size);
        }
        expect(heap.entries().map((e) => e.agent.id).sort((x, y) => x - y)).toEqual([...keys.keys()].sort((x, y) => x - y));
      }),
    );
  });
});
