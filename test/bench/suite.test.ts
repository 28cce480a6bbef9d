// The benchmark suite's pure parts: argument parsing, verdicts, the table and the docs section.
import assert from 'node:assert/strict';
import { test } from 'node:test';
import {
  BEGIN,
  END,
  renderMarkdown,
  renderTable,
  replaceSection,
  type SuiteRecord,
} from '../../bench/suite/report.js';
import { parseArgs } from '../../bench/suite/run.js';
import { target, verdictOf } from '../../bench/suite/targets.js';

test('verdicts: within the limit in the target direction, n/a when unmeasured', () => {
  assert.equal(verdictOf(0.8, 0.85), 'PASS');
  assert.equal(verdictOf(0.9, 0.85), 'MISS');
  assert.equal(verdictOf(0.95, 0.9, 'min'), 'PASS');
  assert.equal(verdictOf(0.5, 0.9, 'min'), 'MISS');
  assert.equal(verdictOf(null, 1), 'n/a');
  assert.equal(verdictOf(Number.NaN, 1), 'n/a');
});

test('arguments: --only names known benchmarks, the rest after -- passes through', () => {
  assert.deepEqual(parseArgs(['--only', 'tinc', '--', '--runs', '3']), {
    list: false,
    only: ['tinc'],
    pass: ['--runs', '3'],
  });
  assert.throws(() => parseArgs(['--only', 'nope']), /no benchmark named nope/);
  assert.throws(() => parseArgs(['--bogus']), /unknown argument --bogus/);
});

const rec: SuiteRecord = {
  date: '2026-12-02T06:00:00.000Z',
  machine: { cores: 2, cpu: 'cpu', node: 'v20', loadavgStart: [0.1, 0.2, 0.3] },
  benches: [
    {
      name: 'tinc',
      code: 1,
      resultsFile: 'bench/results/t.json',
      targets: [target({ what: 'mesh median', value: 6.08, limit: 3, unit: 's' })],
    },
    {
      name: 'fanout',
      code: 70,
      resultsFile: null,
      targets: [],
      error: 'no results file (exit 70)',
    },
  ],
};

test('the table shows every target with its verdict, and a benchmark that produced none', () => {
  const text = renderTable(rec);
  assert.match(text, /tinc\s+mesh median\s+6\.080 s\s+≤ 3\.000 s\s+MISS/);
  assert.match(text, /fanout\s+no results file \(exit 70\)/);
});

test('the docs section is replaced between its markers and nothing else changes', () => {
  const section = renderMarkdown(rec, 'bench/results/suite.json');
  const doc = `# B\n\nintro\n\n${BEGIN}\nold numbers\n${END}\n\n## after\n`;
  const out = replaceSection(doc, section);
  assert.ok(out.startsWith('# B\n\nintro\n\n'));
  assert.ok(out.endsWith('\n\n## after\n'));
  assert.doesNotMatch(out, /old numbers/);
  assert.match(out, /\| tinc \| mesh median \| 6\.080 s \| ≤ 3\.000 s \| MISS \|/);
  assert.equal(replaceSection(out, section), out, 'regenerating is stable');
  assert.match(
    replaceSection('# B\n', section),
    /## Latest suite results\n\n<!-- bench-results:begin/,
  );
});
