// `salvo lab up` writes a backup section and rules that validate for every lab size ≥ 2: each
// host's /srv/data to the next two hosts (one in a lab of two), never to itself.
import { test } from 'node:test';
import assert from 'node:assert/strict';
import { planSeries } from '../../admin/backup/plan.js';
import { parseRules } from '../../admin/backup/rules/index.js';
import { backupRulesYaml, servicesYaml } from '../../admin/lab/client-files.js';
import type { LabState } from '../../admin/lab/netns/state.js';
import { parseInventory } from '../../admin/inventory/parse.js';

function state(n: number): LabState {
  return {
    dir: '/tmp/lab-x',
    id: 7,
    namePrefix: 'cloud',
    bridge: 'salvo7',
    subnet: '198.18.7.0/24',
    hosts: Array.from({ length: n }, (_, i) => ({
      name: `cloud${i + 1}`,
      n: i + 1,
      address: `198.18.7.${i + 1}`,
      netns: `salvo7-cloud${i + 1}`,
    })),
  } as unknown as LabState;
}

test('lab backup rules: every host backed up to min(2, n-1) others', () => {
  for (const n of [2, 3, 5, 12]) {
    const inv = parseInventory(servicesYaml(state(n)), '/tmp/lab-x/services.yaml', {
      home: '/nonexistent-home',
    });
    assert.equal(inv.backup?.rules, '/tmp/lab-x/backup-rules.yaml');
    const rules = parseRules(backupRulesYaml(state(n)), '/tmp/lab-x/backup-rules.yaml', inv);
    const series = planSeries(inv, rules, { set: 'data' });
    assert.equal(series.length, n * Math.min(2, n - 1), `lab of ${n}`);
    // Cassandra on the db hosts (cloud3-5, folded onto the hosts a small lab has), snapshotted
    // by the nodetool stand-in into the data directory its rule names.
    const db = planSeries(inv, rules, { set: 'cassandra' });
    const dbHosts = new Set(inv.services.get('cassandra')!.hosts);
    assert.equal(db.length, dbHosts.size * Math.min(2, n - 1), `lab of ${n}`);
    assert.ok(db.every((s) => dbHosts.has(s.source) && s.source !== s.target.host));
    assert.equal(db[0]!.cassandra!.dataDir, '/srv/cassandra/data');
    assert.deepEqual(db[0]!.cassandra!.nodetool.slice(-2), ['--data-dir', '/srv/cassandra/data']);
    assert.ok(series.every((s) => s.source !== s.target.host));
    assert.deepEqual(series[0]!.paths, ['/srv/data']);
  }
  const one = parseInventory(servicesYaml(state(1)), '/tmp/lab-x/services.yaml', {
    home: '/nonexistent-home',
  });
  assert.equal(one.backup, undefined, 'a lab of one has nowhere to back up to');
});
