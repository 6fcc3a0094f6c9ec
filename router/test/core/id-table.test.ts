import { describe, expect, it } from 'vitest';
import fc from 'fast-check';
import { IdTable } from '../../src/core/id-table.js';

interface Rec {
  id: string;
  seq: number;
}

describe('IdTable (live interactions by id)', () => {
  it('answers like a Map under random sets and deletes, iterating in insertion order', () => {
    // Few distinct ids over many operations: long probe runs, growth, shrinking and deletions in the middle of runs.
    const op = fc.record({ del: fc.boolean(), key: fc.integer({ min: 0, max: 300 }) });
    fc.assert(
      fc.property(fc.array(op, { minLength: 1, maxLength: 3000, size: 'max' }), (ops) => {
        const table = new IdTable<Rec>();
        const map = new Map<string, Rec>();
        let seq = 0;
        for (const { del, key } of ops) {
          const id = `id-${key}`;
          if (del) {
            expect(table.delete(id)).toBe(map.delete(id));
          } else if (!map.has(id)) {
            const r = { id, seq: seq++ };
            table.set(id, r);
            map.set(id, r);
          }
          expect(table.size).toBe(map.size);
          expect(table.get(id)).toBe(map.get(id));
          expect(table.has(id)).toBe(map.has(id));
        }
        for (let key = 0; key <= 300; key++) expect(table.get(`id-${key}`)).toBe(map.get(`id-${key}`));
        expect([...table.values()]).toEqual([...map.values()]);
        expect(new Set(table.unordered())).toEqual(new Set(map.values()));
        expect([...table.unordered()]).toHaveLength(map.size);
        expect([...table.keys()]).toEqual([...map.keys()]);
      }),
      { numRuns: 40 },
    );
  });

  it('replaces the record of an id already present', () => {
    const table = new IdTable<Rec>();
    const a = { id: 'x', seq: 1 };
    const b = { id: 'x', seq: 2 };
    table.set('x', a).set('x', b);
    expect(table.size).toBe(1);
    expect(table.get('x')).toBe(b);
    expect(table.get('y')).toBeUndefined();
  });
});
