// Malformed expressions: each error says what is wrong and where (offset into the expression).
import assert from 'node:assert/strict';
import { describe, it } from 'node:test';

import { countNodeSet, expandNodeSet, NodeSetError } from '../../../admin/inventory/nodeset.js';

const GROUPS: Record<string, string[]> = {
  web: ['cloud[1-4]'],
  loopA: ['@loopB'],
  loopB: ['@loopA'],
  broken: ['cloud[3-1]'],
  itself: ['cloud1', '@itself'],
};
const resolveGroup = (name: string): string[] | undefined => GROUPS[name];

/** [expression, offset, what the message says after `invalid node set "<expr>": `] */
const CASES: [string, number, string][] = [
  // the cases named in the contract
  ['cloud[3-1]', 6, 'range start 3 is greater than end 1'],
  ['cloud[1-', 5, '"[" is never closed'],
  ['cloud[]', 6, 'empty range between brackets or commas'],
  ['cloud[a-b]', 6, '"a-b" is not a number or a range of numbers'],
  ['cloud]', 5, '"]" without a matching "["'],
  ['cloud[1-5/0]', 6, 'step must be at least 1 in "1-5/0"'],
  // brackets
  ['cloud[1-3]]', 10, '"]" without a matching "["'],
  [']', 0, '"]" without a matching "["'],
  ['x[1-3]y[', 7, '"[" is never closed'],
  ['x[1[2]', 3, '"[" inside brackets opened at offset 1'],
  ['x[1-2][3]', 6, '"[" right after "]": two ranges need something between them'],
  ['a[1-2]3[4-5]', 6, 'digits "3" between two brackets are ambiguous'],
  // ranges
  ['cloud[1-3,7-5]', 10, 'range start 7 is greater than end 5'],
  ['x[1,,2]', 4, 'empty range between brackets or commas'],
  [
    'x[1-010]',
    2,
    'padding mismatch in "1-010": zero-padded bounds must have the same number of digits',
  ],
  [
    'x[01-100]',
    2,
    'padding mismatch in "01-100": zero-padded bounds must have the same number of digits',
  ],
  [
    'node0[9-10]',
    5,
    'padding mismatch in "09-010": zero-padded bounds must have the same number of digits (digits next to a bracket join its range)',
  ],
  [
    'node[1-3/2]0',
    4,
    'digits "0" after a bracket with a step are not supported (digits next to a bracket join its range)',
  ],
  ['x[5/2]', 2, '"5/2" has a step but no range (as in 1-10/2)'],
  ['x[1-2/a]', 2, 'step "a" is not a number'],
  ['x[1--5]', 2, '"1--5" is not a number or a range of numbers'],
  ['x[-05--01]', 2, 'zero padding is not supported in negative ranges: "-05--01"'],
  ['x[5--1]', 2, '"5--1" is not a number or a range of numbers'],
  ['x[-1--5]', 2, 'range start -1 is greater than end -5'],
  [
    `x[${'1'.repeat(101)}]`,
    2,
    `index ${'1'.repeat(101)} is above 1e100, the largest ClusterShell allows`,
  ],
  [
    `x${'9'.repeat(101)}`,
    1,
    `index ${'9'.repeat(101)} is above 1e100, the largest ClusterShell allows`,
  ],
  ['x[1:2-3]', 2, '"1:2-3" mixes Ansible\'s start:end[:step] with start-end/step'],
  ['x[1:2:3:4]', 2, '"1:2:3:4" is neither start:end nor start:end:step'],
  [
    'x[1-1000000000]',
    2,
    'range "1-1000000000" has more than 999999999 indexes (ClusterShell\'s limit)',
  ],
  ['x[1-800000/2]', 0, 'node set too fragmented: more than 200000 separate index ranges'],
  // operators
  ['a,,b', 1, 'missing node set after ","'],
  ['a, ', 1, 'missing node set after ","'],
  ['a!', 1, 'missing node set after "!"'],
  [',a', 0, 'missing node set before ","'],
  ['  !a', 2, 'missing node set before "!"'],
  // names
  ['node*', 4, 'wildcard "*" is not supported'],
  ['n?de', 1, 'wildcard "?" is not supported'],
  // groups
  ['@', 0, 'missing group name after "@"'],
  ['@nope', 0, 'unknown group @nope'],
  ['cloud1,@web!@nope', 12, 'unknown group @nope'],
  ['@broken,cloud1', 0, 'in group @broken ("cloud[3-1]"): range start 3 is greater than end 1'],
  ['@itself', 0, 'in group @itself ("cloud1,@itself"): group @itself includes itself'],
  [
    '@loopA',
    0,
    'in group @loopA ("@loopB"): in group @loopB ("@loopA"): group @loopA includes itself',
  ],
];

describe('node-set errors', () => {
  for (const [expr, offset, reason] of CASES) {
    it(`${JSON.stringify(expr)}: ${reason}`, () => {
      const expected = {
        name: 'NodeSetError',
        message: `invalid node set "${expr}": ${reason}`,
        expr,
        offset,
      };
      assert.throws(
        () => expandNodeSet(expr, resolveGroup),
        (error: unknown) => {
          assert.ok(error instanceof NodeSetError);
          const { name, message } = error;
          assert.deepEqual({ name, message, expr: error.expr, offset: error.offset }, expected);
          return true;
        },
      );
      assert.throws(() => countNodeSet(expr, resolveGroup), NodeSetError);
    });
  }

  it('refuses to list more than MAX_NAMES names, but counts them', () => {
    const expr = 'r[1-1000]n[1-1001]';
    assert.throws(() => expandNodeSet(expr), {
      name: 'NodeSetError',
      message: `invalid node set "${expr}": expands to more than 1000000 names`,
      offset: 0,
    });
    assert.equal(countNodeSet(expr), 1_001_000);
  });

  it('lets errors from the group resolver through untouched', () => {
    const failing = (): string[] => {
      throw new Error('LDAP is down');
    };
    assert.throws(() => expandNodeSet('@web', failing), { message: 'LDAP is down' });
  });
});
