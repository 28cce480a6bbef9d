// `npm run test:unit` runs every test that needs no lab: each test file is either in its list
// (a folder or the file itself) or named here as a lab test (network namespaces, root).
import assert from 'node:assert/strict';
import { readdirSync, readFileSync } from 'node:fs';
import { join, relative } from 'node:path';
import { test } from 'node:test';
import { ROOT } from './module-graph.js';

/** Tests that bring up a lab: all of test/integration/, and these lab tests. */
const LAB_TESTS = [
  'test/integration/',
  'test/lab/aliases.test.ts',
  'test/lab/bench-up.test.ts',
  'test/lab/crash.test.ts',
  'test/lab/lab.test.ts',
  'test/lab/two-labs.test.ts',
  'test/monitor/cassandra-lab.test.ts',
  'test/monitor/lab.test.ts',
];

function testFiles(dir: string, out: string[] = []): string[] {
  for (const e of readdirSync(dir, { withFileTypes: true })) {
    const p = join(dir, e.name);
    if (e.isDirectory()) {
      testFiles(p, out);
    } else if (e.name.endsWith('.test.ts')) {
      out.push(relative(ROOT, p));
    }
  }
  return out;
}

test('npm run test:unit covers every test that needs no lab', () => {
  const scripts = JSON.parse(readFileSync(join(ROOT, 'package.json'), 'utf8')).scripts;
  const unit = (scripts['test:unit'] as string)
    .split(/\s+/)
    .filter((a) => a.startsWith('dist/test'))
    .map((a) => a.replace(/^dist\//, '').replace(/\.js$/, '.ts'));
  const covered = (file: string): boolean =>
    unit.some((a) => file === a || file.startsWith(`${a.replace(/\/$/, '')}/`));
  const lab = (file: string): boolean => LAB_TESTS.some((l) => file === l || file.startsWith(l));
  const files = testFiles(join(ROOT, 'test'));
  assert.ok(files.length > 50, `${files.length} test files found`);
  assert.deepEqual(
    files.filter((f) => !covered(f) && !lab(f)),
    [],
    'run by neither test:unit nor named as a lab test',
  );
  assert.deepEqual(
    files.filter((f) => covered(f) && lab(f)),
    [],
    'a lab test in test:unit',
  );
});
