// compute_servers: the plan is the services file's statuses against the table's rows.
import assert from 'node:assert/strict';
import { test } from 'node:test';
import { createTableCql, planComputeServers } from '../../admin/cassandra/compute-servers.js';
import { CassandraError } from '../../admin/cassandra/errors.js';

const row = (host: string, status: string) => ({ host, status, score: null, updated: null });

test('plan: new and changed hosts change, equal ones do not, unknown ones are reported', () => {
  const wanted = new Map([
    ['cloud1', 'on' as const],
    ['cloud2', 'no-new' as const],
    ['cloud3', 'off' as const],
  ]);
  const plan = planComputeServers(wanted, [
    row('cloud1', 'on'),
    row('cloud2', 'on'),
    row('cloud9', 'on'),
  ]);
  assert.deepEqual(plan.changes, [
    { host: 'cloud2', from: 'on', to: 'no-new' },
    { host: 'cloud3', from: null, to: 'off' },
  ]);
  assert.deepEqual(plan.unchanged, ['cloud1']);
  assert.deepEqual(plan.unknown, ['cloud9']);
});

test('the table DDL names a checked keyspace', () => {
  assert.equal(
    createTableCql('smc'),
    'CREATE TABLE IF NOT EXISTS smc.compute_servers (host text PRIMARY KEY, status text, score int, updated timestamp)',
  );
  assert.throws(() => createTableCql('smc; DROP'), CassandraError);
});
