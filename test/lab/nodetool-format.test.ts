// The lab's nodetool stand-in prints what real nodetool prints: from the rows of each fixture
// (test/probes/fixtures, reproduced from research/cassandra.md §3.1), its formatter rebuilds the
// fixture byte for byte, trailing padding, overflowing Load and Note line included.
import assert from 'node:assert/strict';
import { test } from 'node:test';
import { formatStatus, type StatusOptions } from '../../admin/lab/standins/nodetool-format.js';
import { parseNodetoolStatus } from '../../admin/probes/nodetool-status.js';
import { recorded } from '../probes/helpers.js';

const FIXTURES: [string, StatusOptions['layout']][] = [
  ['nodetool-status-3.11.txt', '3.11'],
  ['nodetool-status-4.0.txt', '4.0'],
  ['nodetool-status-two-dcs.txt', '4.0'],
  ['nodetool-status-joining.txt', '3.11'],
  ['nodetool-status-single-token.txt', '3.11'],
];

for (const [fixture, layout] of FIXTURES) {
  test(`${fixture}: the ${layout} formatter reproduces it exactly`, () => {
    const text = recorded(fixture);
    const parsed = parseNodetoolStatus(text);
    assert.ok(parsed.ok);
    const options: StatusOptions = {
      layout,
      effective: text.includes('Owns (effective)'),
      tokenPerNode: parsed.rows.some((r) => r.token !== undefined),
    };
    assert.equal(formatStatus(parsed.rows, options), text);
  });
}
