// Folding names back into node sets, checked against recorded `nodeset -f` output.
import assert from 'node:assert/strict';
import { describe, it } from 'node:test';

import { expandNodeSet, foldNodeSet, NodeSetError } from '../../../admin/inventory/nodeset.js';
import { FOLDS, SAMPLE_FOLDS } from './oracle.js';
import { SAMPLES, seededRandom } from './samples.js';

describe('foldNodeSet: small cases', () => {
  for (const [names, fold] of FOLDS) {
    it(`${names.join(' ')} → ${fold}`, () => {
      assert.equal(foldNodeSet(names), fold);
      assert.equal(foldNodeSet(new Set(names)), fold, 'takes any iterable');
    });
  }

  it('folds nothing to an empty string', () => {
    assert.equal(foldNodeSet([]), '');
  });
});

describe('foldNodeSet: generated samples', () => {
  for (const [sample, make] of Object.entries(SAMPLES)) {
    it(sample, () => {
      const names = make();
      assert.equal(foldNodeSet(names), SAMPLE_FOLDS[sample]);
      assert.equal(
        foldNodeSet([...names].reverse()),
        SAMPLE_FOLDS[sample],
        'input order does not matter',
      );
    });
  }
});

describe('foldNodeSet and expandNodeSet round-trip', () => {
  const random = seededRandom(42);
  const pick = <T>(items: T[]): T => items[Math.floor(random() * items.length)] as T;
  const number = (below: number): string => String(Math.floor(random() * below));
  const index = (): string => pick([number(30), number(130).padStart(3, '0')]);

  for (let round = 0; round < 20; round++) {
    const names = Array.from({ length: 1 + Math.floor(random() * 60) }, () => {
      const dimensions = pick([0, 1, 1, 2, 3]);
      let name = pick(['cloud', 'db-', 'r', 'host.', '']);
      for (let d = 0; d < dimensions; d++) {
        name += index() + pick(['n', '-ib', '.', 'x']);
      }
      return name === '' ? 'e' : name;
    });
    it(`round ${round}: ${names.length} names`, () => {
      const folded = foldNodeSet(names);
      const expanded = expandNodeSet(folded);
      assert.deepEqual([...expanded].sort(), [...new Set(names)].sort());
      assert.equal(foldNodeSet(expanded), folded);
    });
  }
});

describe('foldNodeSet: names it cannot fold', () => {
  const cases: [string, number, string][] = [
    ['', 0, 'invalid node name "": it is empty'],
    ['cloud 1', 5, 'invalid node name "cloud 1": " " at offset 5'],
    ['a,b', 1, 'invalid node name "a,b": "," at offset 1'],
    ['x[1-2]', 1, 'invalid node name "x[1-2]": "[" at offset 1'],
    ['a!b', 1, 'invalid node name "a!b": "!" at offset 1'],
    ['@web', 0, 'invalid node name "@web": it starts with "@"'],
  ];
  for (const [name, offset, message] of cases) {
    it(JSON.stringify(name), () => {
      assert.throws(
        () => foldNodeSet(['cloud1', name]),
        (error: unknown) => {
          assert.ok(error instanceof NodeSetError);
          assert.deepEqual([error.message, error.expr, error.offset], [message, name, offset]);
          return true;
        },
      );
    });
  }
});
