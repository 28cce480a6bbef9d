// Expansion, counting and the API contract, checked against recorded ClusterShell 1.9.1 output.
import assert from 'node:assert/strict';
import { describe, it } from 'node:test';

import { AdminError, UsageError } from '../../../admin/errors.js';
import {
  countNodeSet,
  expandNodeSet,
  foldNodeSet,
  NodeSetError,
} from '../../../admin/inventory/nodeset.js';
import { GROUPS, OPERATORS, ORACLE_GROUPS, type Recorded, SYNTAX } from './oracle.js';

function thrownBy(work: () => unknown): unknown {
  try {
    work();
  } catch (error) {
    return error;
  }
  assert.fail('expected an error');
}

const resolveOracleGroup = (name: string): string[] | undefined => ORACLE_GROUPS[name];

/** Each recorded case: `nodeset -e` order, `nodeset -c` count, and `nodeset -f` of the result. */
function checkRecorded(
  cases: Recorded[],
  resolveGroup?: (name: string) => string[] | undefined,
): void {
  for (const { expr, expand, count, fold } of cases) {
    it(`${JSON.stringify(expr)} → ${fold === '' ? '(nothing)' : fold}`, () => {
      const names = expandNodeSet(expr, resolveGroup);
      if (expand !== undefined) {
        assert.deepEqual(names, expand === '' ? [] : expand.split(' '));
      }
      assert.equal(countNodeSet(expr, resolveGroup), count ?? names.length);
      assert.equal(names.length, count ?? names.length);
      assert.equal(foldNodeSet(names), fold);
    });
  }
}

describe('expandNodeSet: syntax, as nodeset -e prints it', () => checkRecorded(SYNTAX));
describe('expandNodeSet: operators, left to right', () => checkRecorded(OPERATORS));
describe('expandNodeSet: @groups', () => checkRecorded(GROUPS, resolveOracleGroup));

describe('expandNodeSet: Ansible ranges', () => {
  const cases: [string, string][] = [
    ['cloud[1:21]', 'cloud[1-21]'],
    ['node[01:10]', 'node[01-10]'],
    ['x[1:10:3]', 'x[1-10/3]'],
    ['r[1:2]n[1:3]', 'r[1-2]n[1-3]'],
    ['cloud[1:3,5]', 'cloud[1-3,5]'],
    ['cloud[ 1 : 3 ]', 'cloud[1-3]'],
  ];
  for (const [ansible, clustershell] of cases) {
    it(`${ansible} means ${clustershell}`, () => {
      assert.deepEqual(expandNodeSet(ansible), expandNodeSet(clustershell));
    });
  }
});

describe('expandNodeSet: groups', () => {
  it('passes the name without "@" to the resolver, once per group', () => {
    const asked: string[] = [];
    const names = expandNodeSet('@web,@db!cloud2', (name) => {
      asked.push(name);
      return ORACLE_GROUPS[name];
    });
    assert.deepEqual(asked, ['web', 'db']);
    assert.equal(foldNodeSet(names), 'cloud[1,3-4],storm-cassandra[1-7]');
  });

  it('reads each member of a group as a node set', () => {
    const groups: Record<string, string[]> = {
      mix: ['cloud[1-3]', 'cloud7', '@web'],
      web: ['cloud9'],
    };
    assert.deepEqual(
      expandNodeSet('@mix', (name) => groups[name]),
      ['cloud1', 'cloud2', 'cloud3', 'cloud7', 'cloud9'],
    );
  });

  it('treats "@" inside a name as part of the name', () => {
    assert.deepEqual(expandNodeSet('root@cloud[1-2]'), ['root@cloud1', 'root@cloud2']);
  });

  it('refuses a group without a resolver', () => {
    const message = 'invalid node set "@web": unknown group @web';
    assert.throws(() => expandNodeSet('@web'), { name: 'NodeSetError', message });
  });
});

describe('countNodeSet', () => {
  it('counts distinct names', () => {
    assert.equal(countNodeSet('cloud[1-7,10-21]'), 19);
    assert.equal(countNodeSet('cloud[1-5],cloud[3-9]'), 9);
    assert.equal(countNodeSet('r[1-100]n[1-100]!r1n[1-50]'), 9950);
    assert.equal(countNodeSet('@web', resolveOracleGroup), 4);
  });
});

describe('NodeSetError', () => {
  it('is a UsageError carrying the expression and the offset', () => {
    const error = thrownBy(() => expandNodeSet('cloud[3-1]'));
    assert.ok(
      error instanceof NodeSetError && error instanceof UsageError && error instanceof AdminError,
    );
    assert.equal(error.name, 'NodeSetError');
    assert.equal(error.expr, 'cloud[3-1]');
    assert.equal(error.offset, 6);
    assert.equal(
      error.message,
      'invalid node set "cloud[3-1]": range start 3 is greater than end 1',
    );
  });
});
