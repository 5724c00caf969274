import fc from 'fast-check';
import { describe, expect, it } from 'vitest';
import { hashOf } from '../src/hash.js';
import { PersistentMap } from '../src/persistent-map.js';

describe('PersistentMap', () => {
  it('behaves like a Map, and old versions never change (property)', () => {
    const key = fc.oneof(fc.string({ maxLength: 3 }), fc.constantFrom('__proto__', 'constructor'));
    const action = fc.tuple(fc.boolean(), key, fc.nat(100));
    fc.assert(
      fc.property(fc.array(action, { maxLength: 60 }), (actions) => {
        let map = PersistentMap.empty<number>();
        const model = new Map<string, number>();
        const versions: Array<[PersistentMap<number>, Map<string, number>]> = [];
        for (const [isSet, k, v] of actions) {
          if (isSet) {
            map = map.set(k, v);
            model.set(k, v);
          } else {
            map = map.delete(k);
            model.delete(k);
          }
          versions.push([map, new Map(model)]);
        }
        for (const [m, expected] of versions) {
          expect(m.size).toBe(expected.size);
          expect(new Map(m.entries())).toEqual(expected);
          for (const [k, v] of expected) expect(m.get(k)).toBe(v);
        }
        expect(map.get('never set')).toBeUndefined();
      }),
      { numRuns: Math.max(100, Math.floor(fc.readConfigureGlobal().numRuns! / 10)) },
    );
  });

  it('handles many keys, deletion down to empty, and deleting absent keys', () => {
    let map = PersistentMap.empty<string>();
    for (let i = 0; i < 20_000; i++) map = map.set(`c:${i}`, `v${i}`);
    expect(map.size).toBe(20_000);
    expect(map.get('c:12345')).toBe('v12345');
    expect(map.delete('absent')).toBe(map);
    for (let i = 0; i < 20_000; i++) map = map.delete(`c:${i}`);
    expect(map.size).toBe(0);
    expect([...map.entries()]).toEqual([]);
  });

  it('keeps keys whose hashes collide apart', () => {
    const seen = new Map<number, string>();
    const pairs: Array<[string, string]> = [];
    for (let i = 0; pairs.length < 3; i++) {
      const k = `k${i}`;
      const h = hashOf(k);
      const other = seen.get(h);
      if (other !== undefined) pairs.push([other, k]);
      else seen.set(h, k);
    }
    for (const [a, b] of pairs) {
      const both = PersistentMap.empty<string>().set(a, 'A').set(b, 'B').set('x', 'X');
      expect([both.get(a), both.get(b), both.size]).toEqual(['A', 'B', 3]);
      expect(both.set(a, 'A2').get(a)).toBe('A2');
      const onlyB = both.delete(a);
      expect([onlyB.get(a), onlyB.get(b), onlyB.size]).toEqual([undefined, 'B', 2]);
      expect(onlyB.set(a, 'A3').get(a)).toBe('A3');
      expect(onlyB.delete(b).delete('x').size).toBe(0);
    }
  });
});
