// The backup rules file: valid rules become sets with their targets chosen; every problem is
// reported with file:line:col; a node is never its own target, nor one on its physical host.
import { test } from 'node:test';
import assert from 'node:assert/strict';
import { parseRules } from '../../admin/backup/rules/index.js';
import { planSeries } from '../../admin/backup/plan.js';
import { sourceScript } from '../../admin/backup/remote/source.js';
import { ConfigError } from '../../admin/errors.js';
import { load, yaml } from '../inventory/helpers.js';

const inv = load(yaml`
  deployment: storm
  hosts:
    "cloud[1-4]": { address: "10.0.0.{n}" }
    "vm[1-4]": { vm_on: "cloud{n}" }
  groups: { web: "cloud[1-2]" }
`);

function problems(text: string, i = inv): string[] {
  try {
    parseRules(text, 'rules.yaml', i);
  } catch (err) {
    assert.ok(err instanceof ConfigError, String(err));
    return err.issues.map((i) => `${i.file}:${i.line}:${i.col}: ${i.message}`);
  }
  assert.fail('the rules were accepted');
}

test('valid rules: defaults, targets chosen round the ring, series directories', () => {
  const rules = parseRules(
    yaml`
      sets:
        srv:
          hosts: "cloud[1-4]"
          paths: [/srv/data, /etc/salvo/]
          copies: 2
          bwlimit: 10M
    `,
    'rules.yaml',
    inv,
  );
  assert.equal(rules.user, 'root');
  const [set] = rules.sets;
  assert.deepEqual(set!.paths, ['/srv/data', '/etc/salvo']);
  assert.deepEqual(set!.retention, { last: 0, daily: 7, weekly: 4, monthly: 6 });
  assert.equal(set!.maxAgeMs, 26 * 3_600_000);
  const series = planSeries(inv, rules);
  assert.deepEqual(
    series.map((s) => s.id),
    [
      'srv/cloud1@cloud2',
      'srv/cloud1@cloud3',
      'srv/cloud2@cloud3',
      'srv/cloud2@cloud4',
      'srv/cloud3@cloud4',
      'srv/cloud3@cloud1',
      'srv/cloud4@cloud1',
      'srv/cloud4@cloud2',
    ],
  );
  assert.equal(series[0]!.dir, '/srv/backup/storm/srv/cloud1');
  assert.deepEqual(series[0]!.target, {
    host: 'cloud2',
    address: '10.0.0.2',
    port: 22,
    user: 'root',
  });
  assert.deepEqual(
    planSeries(inv, rules, { series: 'srv/cloud4' }).map((s) => s.id),
    ['srv/cloud4@cloud1', 'srv/cloud4@cloud2'],
  );
});

test('a VM is never backed up to its own physical host (avoid: host), unless avoid: none', () => {
  const text = (avoid: string) => yaml`
    sets:
      vms: { hosts: "vm1", targets: "cloud[1-2]", paths: [/srv], avoid: ${avoid} }
  `;
  const series = planSeries(inv, parseRules(text('host'), 'rules.yaml', inv));
  assert.deepEqual(
    series.map((s) => s.id),
    ['vms/vm1@cloud2'],
  );
  const none = planSeries(inv, parseRules(text('none'), 'rules.yaml', inv));
  assert.deepEqual(
    none.map((s) => s.id),
    ['vms/vm1@cloud1'],
  );
});

test('every problem located: unknown keys, bad node sets, paths, counts, schedule, too few targets', () => {
  assert.deepEqual(
    problems(yaml`
      sets:
        srv:
          hosts: "cloud[1-5]"
          paths: [data]
          copie: 2
        one:
          hosts: cloud1
          targets: cloud1
          paths: /srv
          schedule: "every day"
          max_age: 2 days
        db:
          type: cassandra
          hosts: "@web"
          paths: [/var/lib/cassandra]
    `),
    [
      'rules.yaml:3:12: not hosts of the services file: cloud5',
      'rules.yaml:4:13: expected an absolute path without ..',
      'rules.yaml:5:5: unknown key "copie" (expected: type, hosts, paths, exclude, targets, copies, avoid, root, retention, max_age, schedule, bwlimit, data, keyspaces)',
      'rules.yaml:10:15: schedule: expected five cron fields ("17 3 * * *") or @daily, got "every day"',
      'rules.yaml:11:14: expected a duration like 90m, 26h or 8d, got "2 days"',
      'rules.yaml:13:11: type cassandra: the services file has no cassandra service',
      'rules.yaml:15:5: paths: a cassandra set backs up the snapshot directories under `data` (no paths)',
    ],
  );
});

const withDb = load(yaml`
  deployment: storm
  hosts:
    "cloud[1-4]": { address: "10.0.0.{n}" }
  ports: { cassandra_native: 9042, cassandra_internode: [7000, 7001] }
  services:
    cassandra: { hosts: "cloud[2-3]", nodetool: [/opt/cassandra/bin/nodetool, -h, "{address}"] }
`);

test('a cassandra set: its db nodes, their nodetool, data directory and keyspaces', () => {
  const rules = parseRules(
    yaml`
      sets:
        db:
          type: cassandra
          hosts: "cloud[2-3]"
          targets: "cloud[1-4]"
          data: /data/cassandra
          keyspaces: [storm]
          copies: 2
    `,
    'rules.yaml',
    withDb,
  );
  const series = planSeries(withDb, rules);
  assert.deepEqual(
    series.map((s) => s.id),
    ['db/cloud2@cloud3', 'db/cloud2@cloud4', 'db/cloud3@cloud4', 'db/cloud3@cloud1'],
  );
  assert.deepEqual(series[0]!.paths, []);
  assert.deepEqual(series[2]!.cassandra, {
    dataDir: '/data/cassandra',
    keyspaces: ['storm'],
    nodetool: ['/opt/cassandra/bin/nodetool', '-h', '10.0.0.3'],
  });
  // One snapshot per node and run, whatever its targets: begin, each series, end.
  const script = sourceScript(
    series.filter((s) => s.source === 'cloud2'),
    { deployment: 'storm', host: 'cloud2', logMaxBytes: 1024 },
  );
  assert.match(
    script,
    /^nt_0\(\) \{ timeout 600 \/opt\/cassandra\/bin\/nodetool -h 10\.0\.0\.2 "\$@"; \}$/m,
  );
  const calls = script
    .split('\n')
    .filter((l) => /^(cass_begin|cass_one|cass_end)( |$)/.test(l))
    .map((l) => l.split(' ').slice(0, 2).join(' '));
  assert.deepEqual(calls, [
    'cass_begin db',
    'cass_one db/cloud2@cloud3',
    'cass_one db/cloud2@cloud4',
    'cass_end',
  ]);
  assert.match(script, /^cass_begin db \/data\/cassandra nt_0 storm$/m);
  assert.deepEqual(
    problems(
      yaml`
      sets:
        db: { type: cassandra, hosts: "cloud[1-2]", targets: "cloud[1-4]", data: var/lib }
        srv: { hosts: cloud1, targets: cloud2, paths: [/srv], keyspaces: [a] }
    `,
      withDb,
    ).map((p) => p.replace(/^rules\.yaml:\d+:\d+: /, '')),
    [
      'not hosts of the cassandra service: cloud1',
      'expected an absolute path without ..',
      'keyspaces: only for a set of type cassandra',
    ],
  );
});

test('a node is never its own only target', () => {
  assert.deepEqual(
    problems(yaml`
      sets:
        one: { hosts: "cloud1", targets: "cloud1", paths: [/srv] }
        vm: { hosts: "vm2", targets: "cloud2", paths: [/srv], copies: 1 }
    `),
    [
      'rules.yaml:2:36: cloud1 needs 1 target other than itself and its physical host; the targets offer 0',
      'rules.yaml:3:32: vm2 needs 1 target other than itself and its physical host; the targets offer 0',
    ],
  );
});
