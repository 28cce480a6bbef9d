// The fault matrix stays true: every row names a test that exists in its file, and the table is
// rendered from a run's results (pass, FAIL, skipped, not run) between its markers only.
import assert from 'node:assert/strict';
import { readFileSync } from 'node:fs';
import { join } from 'node:path';
import { test } from 'node:test';
import { fileURLToPath } from 'node:url';
import { MATRIX } from '../support/fault-matrix.js';
import { BEGIN, END, matrixTable, resultOf, withTable } from '../support/matrix-docs.js';
import type { TestRun } from '../support/matrix-reporter.js';

const ROOT = fileURLToPath(new URL('../../../', import.meta.url));

test('every row of the fault matrix names a test written in its file', () => {
  assert.ok(MATRIX.length >= 20);
  for (const row of MATRIX) {
    const source = readFileSync(join(ROOT, row.file), 'utf8');
    assert.ok(
      source.includes(`'${row.test}'`) ||
        source.includes(`"${row.test}"`) ||
        source.includes(`\`${row.test}\``),
      `${row.file} has no test named ${JSON.stringify(row.test)}`,
    );
  }
});

test('the table says what the run said, and only the marked section changes', () => {
  const [a, b, c] = MATRIX;
  const run: TestRun = {
    at: '2026-12-02T17:00:00.000Z',
    node: 'v20',
    results: [
      { name: a!.test, file: a!.file, result: 'pass' },
      { name: b!.test, file: b!.file, result: 'fail' },
      { name: b!.test, file: b!.file, result: 'pass' },
      { name: c!.test, file: 'test/elsewhere.test.ts', result: 'pass' },
    ],
  };
  assert.equal(resultOf(a!, run), 'pass');
  assert.equal(resultOf(b!, run), '**FAIL**');
  assert.equal(resultOf(c!, run), 'not run', 'a test of the same name in another file');
  const table = matrixTable([a!, b!, c!], run);
  assert.match(table, /^Results of the test run of 2026-12-02 17:00 UTC/);
  assert.equal(table.split('\n').filter((l) => l.startsWith('| ')).length, 4);
  const doc = `# R\n\nbefore\n${BEGIN}\nold\n${END}\nafter\n`;
  const out = withTable(doc, table);
  assert.ok(out.startsWith('# R\n\nbefore\n'));
  assert.ok(out.endsWith(`${END}\nafter\n`));
  assert.ok(!out.includes('old'));
  assert.ok(out.includes(table));
  assert.throws(() => withTable('# no markers\n', table), /no <!-- fault-matrix:begin/);
});
