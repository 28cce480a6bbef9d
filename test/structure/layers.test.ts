// Layering is checked here, not left to comments: no import goes up a layer, no import cycle,
// nothing imports cli/, and product code never imports lab code (test/structure/layers.ts).
import assert from 'node:assert/strict';
import { existsSync } from 'node:fs';
import { join } from 'node:path';
import { test } from 'node:test';
import { LAB, LAB_USERS, LAYERS, TYPE_ONLY_FROM_BELOW } from './layers.js';
import { ADMIN, cycles, moduleGraphs } from './module-graph.js';

const { all: graph, eager } = moduleGraphs();
/** `cli/main.ts` → `cli`; `errors.ts` → `errors`. */
const folderOf = (m: string): string => m.split('/')[0]!.replace(/\.d\.ts$|\.ts$/, '');
const levelOf = (folder: string): number => LAYERS.findIndex((l) => l.includes(folder));
/** An edge that only names a type the layers allow to be named from below (TYPE_ONLY_FROM_BELOW). */
const allowedTypeOnly = (m: string, d: string): boolean =>
  TYPE_ONLY_FROM_BELOW.includes(d) && !eager.get(m)?.includes(d);

test('the module graph is read (a broken reader would pass every rule)', () => {
  assert.ok(graph.size > 100, `${graph.size} modules`);
  assert.ok(graph.get('cli/main.ts')?.includes('cli/commands/index.ts'));
  assert.ok(graph.get('rollout/gate.ts')?.includes('fleet/outcome.ts'));
  assert.ok(graph.get('rollout/gate.ts')?.includes('inventory/types.ts'));
  assert.ok(
    !eager.get('rollout/gate.ts')?.includes('inventory/types.ts'),
    'import type loads nothing',
  );
  assert.ok(!eager.get('cli/main.ts')?.includes('cli/commands/index.ts'), 'import() is lazy');
});

test('every folder of admin/ has a layer, and every import resolves to a file', () => {
  for (const [m, deps] of graph) {
    const folder = folderOf(m);
    assert.ok(folder === LAB || levelOf(folder) >= 0, `${m}: ${folder}/ is in no layer`);
    for (const d of deps) {
      assert.ok(existsSync(join(ADMIN, d)), `${m} imports ${d}, which does not exist`);
    }
  }
});

test('no import goes up a layer', () => {
  const up: string[] = [];
  for (const [m, deps] of graph) {
    const from = folderOf(m);
    for (const d of deps) {
      const to = folderOf(d);
      if (from !== LAB && to !== LAB && levelOf(to) > levelOf(from) && !allowedTypeOnly(m, d)) {
        up.push(`${m} → ${d} (${from} is below ${to})`);
      }
    }
  }
  assert.deepEqual(up, []);
});

test('folders of one layer do not use each other both ways', () => {
  const edges = new Set<string>();
  for (const [m, deps] of graph) {
    for (const d of deps) {
      if (folderOf(m) !== folderOf(d) && !allowedTypeOnly(m, d)) {
        edges.add(`${folderOf(m)} ${folderOf(d)}`);
      }
    }
  }
  const both = [...edges].filter((e) => edges.has(e.split(' ').reverse().join(' ')));
  assert.deepEqual(both, []);
});

test('nothing outside cli/ imports cli/', () => {
  const bad = [...graph]
    .filter(([m]) => folderOf(m) !== 'cli')
    .flatMap(([m, deps]) => deps.filter((d) => folderOf(d) === 'cli').map((d) => `${m} → ${d}`));
  assert.deepEqual(bad, []);
});

test('product code never imports lab code (the lab command, its renderers and the demo may)', () => {
  const bad = [...graph]
    .filter(([m]) => folderOf(m) !== LAB && !LAB_USERS.some((re) => re.test(m)))
    .flatMap(([m, deps]) => deps.filter((d) => folderOf(d) === LAB).map((d) => `${m} → ${d}`));
  assert.deepEqual(bad, []);
});

test('no import cycles among modules loaded together (import type and import() load nothing then)', () => {
  assert.deepEqual(cycles(eager), []);
});

test('the cycle finder finds a cycle (so the test above can fail)', () => {
  const g = new Map([
    ['a', ['b']],
    ['b', ['c']],
    ['c', ['a']],
    ['d', ['a']],
  ]);
  assert.deepEqual(cycles(g), [['a', 'b', 'c']]);
});
