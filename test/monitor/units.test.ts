// The monitor's pure parts: the host probe's parser on recorded output, thresholds, the flap
// limit, folding by host set, and the services file's monitor section with located errors.
import assert from 'node:assert/strict';
import { readFileSync } from 'node:fs';
import { test } from 'node:test';
import { fileURLToPath } from 'node:url';
import { foldFindings } from '../../admin/cli/render/subsystems/monitor.js';
import {
  backupFinding,
  compactionFinding,
  resourceFindings,
  snapshotFinding,
} from '../../admin/monitor/checks.js';
import { parseHostProbe } from '../../admin/monitor/host-probe.js';
import { Tracker } from '../../admin/monitor/tracker.js';
import { hubProgressFinding, type HubMemory } from '../../admin/monitor/hub-progress.js';
import { levelOf, type Finding, type ScanResult } from '../../admin/monitor/types.js';
import { issues, load, yaml } from '../inventory/helpers.js';

const recorded = readFileSync(
  fileURLToPath(new URL('../../../test/monitor/fixtures/host-probe.txt', import.meta.url)),
  'utf8',
);

test('host probe output (recorded on a VM): load, cores, data mounts only, memory, clock, snapshots', () => {
  const f = parseHostProbe(recorded);
  assert.equal(f.load1, 12);
  assert.equal(f.cores, 2);
  // devtmpfs, /dev/shm and /sys/fs/cgroup are no data an operator fills; a tmpfs elsewhere is.
  assert.deepEqual(
    f.disks.map((d) => [d.mount, d.type, d.percent]),
    [
      ['/', 'ext4', 24],
      ['/mnt/sandboxing/model_tools_env/v1/python', 'tmpfs', 0],
    ],
  );
  assert.deepEqual(
    f.inodes.map((d) => [d.mount, d.percent]),
    [
      ['/', 3],
      ['/mnt/sandboxing/model_tools_env/v1/python', 1],
    ],
  );
  assert.equal(f.memoryPercent, 6.2);
  assert.ok(Math.abs(f.clock! - 1796219343.964) < 0.001, String(f.clock));
  assert.deepEqual([...f.snapshots.keys()], ['snap#0@here', 'snap#1@here']);
  assert.ok(Math.abs((f.snapshots.get('snap#0@here') as number) - 1796219343.923) < 0.001);
  assert.equal(f.snapshots.get('snap#1@here'), 'missing');
});

const limits = {
  hosts: ['h'],
  load: { warning: 2, critical: 4 },
  disk: { warning: 85, critical: 95 },
  inodes: { warning: 85, critical: 95 },
  memory: { warning: 90, critical: 97 },
  clock: { warning: 2, critical: 10 },
};

test('thresholds: at or past a level is in it; load is per core; a full disk names host and mount', () => {
  assert.equal(levelOf(84.9, limits.disk), 'ok');
  assert.equal(levelOf(85, limits.disk), 'warning');
  assert.equal(levelOf(95, limits.disk), 'critical');
  const f = parseHostProbe(
    recorded.replace('25095556  81295356      24% /', '81295356  25095556      77% /'),
  );
  const found = resourceFindings(
    'cloud2',
    f,
    { ...limits, disk: { warning: 70, critical: 76 } },
    3,
  );
  const byKey = new Map(found.map((x) => [x.key, x]));
  assert.equal(byKey.get('load cloud2')!.state, 'critical'); // 12 / 2 cores = 6 per core
  assert.equal(byKey.get('disk cloud2:/')!.state, 'critical');
  assert.equal(byKey.get('disk cloud2:/')!.message, 'cloud2:/: disk 77% used (critical at 76)');
  assert.equal(byKey.get('clock cloud2')!.state, 'warning');
  assert.equal(byKey.get('memory cloud2')!.state, 'ok');
});

test('snapshot age: old is stuck, none and missing are critical', () => {
  const lim = { snapshots: '-', maxAge: { warning: 60, critical: 300 } };
  const u = { id: 'snap#0@c1', service: 'snap', host: 'c1' };
  assert.equal(snapshotFinding(u, 5, lim).state, 'ok');
  assert.equal(snapshotFinding(u, 61, lim).state, 'warning');
  assert.match(
    snapshotFinding(u, 400, lim).message,
    /no new snapshot for 400s \(critical at 300s\): alive but stuck/,
  );
  assert.equal(snapshotFinding(u, null, lim).state, 'critical');
  assert.equal(snapshotFinding(u, 'missing', lim).message, 'snap#0@c1: no snapshot directory');
});

function scan(findings: Finding[]): ScanResult {
  return { at: new Date().toISOString(), durationMs: 1, findings, worst: 'ok', exitCode: 0 };
}
const unit = (state: Finding['state']): Finding => ({
  key: 'progress snap#0@c1',
  check: 'progress',
  host: 'c1',
  unit: 'snap#0@c1',
  service: 'snap',
  state,
  message: state,
});

test('tracker: one change per state change, first-seen ok is none; flap limit counts restarts within M scans', () => {
  const t = new Tracker();
  assert.deepEqual(t.observe(scan([unit('ok')])), []);
  assert.deepEqual(
    t.observe(scan([unit('critical')])).map((c) => [c.from, c.to]),
    [['ok', 'critical']],
  );
  t.restarted('snap#0@c1');
  assert.deepEqual(t.observe(scan([unit('critical')])), []); // still critical: nothing new
  t.restarted('snap#0@c1');
  assert.equal(t.recentRestarts('snap#0@c1', 5), 2);
  assert.equal(t.recentRestarts('snap#0@c1', 1), 1);
  t.observe(scan([unit('critical')]));
  const gaveUp = t.unmonitor('snap#0@c1', unit('critical'), 2, 5);
  assert.equal(gaveUp.to, 'unmonitored');
  assert.equal(t.isUnmonitored('snap#0@c1'), true);
  // Healthy again: monitored again, reported once.
  const back = t.observe(scan([unit('ok')]));
  assert.deepEqual(
    back.map((c) => [c.key, c.from, c.to]),
    [
      ['progress snap#0@c1', 'critical', 'ok'],
      ['heal snap#0@c1', 'unmonitored', 'ok'],
    ],
  );
  assert.equal(t.isUnmonitored('snap#0@c1'), false);
  // Restarts age out of the window.
  for (let i = 0; i < 6; i++) {
    t.observe(scan([unit('ok')]));
  }
  assert.equal(t.recentRestarts('snap#0@c1', 5), 0);
});

test('a tracker started from the history keeps an unmonitored unit alone', () => {
  const t = new Tracker(new Map([['heal snap#0@c1', 'unmonitored']]));
  assert.equal(t.isUnmonitored('snap#0@c1'), true);
});

test('scan lines fold the hosts that say the same', () => {
  const f = (host: string, pct: number): Finding => ({
    key: `disk ${host}:/srv`,
    check: 'disk',
    host,
    state: 'warning',
    message: `${host}:/srv: disk ${pct}% used (warning at 85)`,
  });
  assert.deepEqual(
    foldFindings([f('cloud1', 90), f('cloud2', 90), f('cloud3', 90), f('cloud5', 91)]).map(
      (r) => r.text,
    ),
    [
      'cloud[1-3]:/srv: disk 90% used (warning at 85)',
      'cloud5:/srv: disk 91% used (warning at 85)',
    ],
  );
});

const BASE = yaml`
  deployment: t
  hosts: { "web[1-2]": {} }
  ports: { hub: 5000, hub_proxy: 5100, snap: 5200 }
  services:
    hub: { hosts: "web[1-2]", command: [hub] }
    snap: { hosts: "web[1-2]", command: [snap] }
`;

test('the monitor section: defaults filled in', () => {
  const inv = load(
    `${BASE}monitor:\n  progress: { snap: { snapshots: "{dir}/s" } }\n  resources: {}\n  heal: { snap: null }\n`,
  );
  const m = inv.monitor!;
  assert.equal(m.intervalMs, 60_000);
  assert.deepEqual(m.liveness, ['hub', 'snap']);
  assert.deepEqual(m.progress.snap, {
    snapshots: '{dir}/s',
    maxAge: { warning: 600, critical: 1800 },
  });
  assert.deepEqual(m.resources!.hosts, ['web1', 'web2']);
  assert.deepEqual(m.heal, { snap: { restarts: 3, within: 5 } });
  assert.match(m.history, /\.salvo\/monitor\/t\.jsonl$/);
});

test('the monitor section: schema problems located', () => {
  assert.deepEqual(
    issues(`${BASE}monitor:
  resources: { disk: { warning: 90, critical: 80 } }
  alerts: { email: { to: ops@x, smtp: "mail.example:25" } }
`),
    [
      'services.yaml:8:22: monitor.resources.disk: warning must not be above critical',
      'services.yaml:9:39: monitor.alerts.email.smtp: expected smtp://HOST:PORT or smtps://HOST:PORT, got string "mail.example:25"',
    ],
  );
});

test('the monitor section: names checked against the file, each located', () => {
  assert.deepEqual(
    issues(`${BASE}monitor:
  liveness: [hub, snapp]
  progress: { snap: {}, hubb: {} }
  resources: { hosts: "web[1-3]" }
  heal: { nginx: null }
`),
    [
      'services.yaml:8:19: monitor.liveness[1]: no service `snapp` in this file (did you mean `snap`?)',
      'services.yaml:9:15: monitor.progress.snap: needs `snapshots:` (the directory the snap server writes snapshots into)',
      'services.yaml:9:25: monitor.progress.hubb: no progress check for `hubb` (did you mean `hub`?): there are snap, hub, cassandra',
      'services.yaml:10:23: monitor.resources.hosts: host web3 is not defined under hosts',
      'services.yaml:11:11: monitor.heal.nginx: no service `nginx` in this file',
    ],
  );
});

test('hub progress: traffic sent and the counter still: stalled scans counted; a moving or reset counter clears them', () => {
  const memory: HubMemory = new Map();
  const limits = { warning: 1, critical: 2 };
  const u = { id: 'hub#0@c1', host: 'c1' };
  const at = (sent: number, answered: number) =>
    hubProgressFinding(u, { sent, answered }, memory, limits);
  assert.equal(at(10, 10).state, 'ok'); // first sample
  assert.equal(at(20, 20).state, 'ok');
  assert.equal(at(20, 20).state, 'ok'); // no traffic: no evidence either way
  assert.equal(at(25, 20).state, 'warning');
  const crit = at(31, 20);
  assert.equal(crit.state, 'critical');
  assert.match(
    crit.message,
    /haproxy sent it 6 request\(s\) since the last scan and its counter stayed at 20 \(2 scan\(s\) in a row\)/,
  );
  assert.equal(at(40, 0).state, 'ok'); // restarted: counts from 0 again
  assert.equal(hubProgressFinding(u, { answered: 3 }, memory, limits).state, 'ok');
  assert.equal(memory.has('hub#0@c1'), false);
});

test('pending compactions by their levels, never a unit to heal; unreadable is a warning', () => {
  const limits = { warning: 20, critical: 100 };
  const u = { id: 'cassandra#0@db1', host: 'db1' };
  assert.equal(compactionFinding(u, 0, limits).state, 'ok');
  assert.equal(compactionFinding(u, 20, limits).state, 'warning');
  const c = compactionFinding(u, 250, limits);
  assert.equal(c.state, 'critical');
  assert.equal(c.unit, undefined);
  assert.equal(c.key, 'compactions cassandra#0@db1');
  const gone = compactionFinding(u, { error: 'nodetool: Failed to connect' }, limits);
  assert.equal(gone.state, 'warning');
  assert.match(gone.message, /pending compactions unknown \(nodetool: Failed to connect\)/);
});

test('backup freshness: past 1× max_age warning, past 2× critical, never made critical, unreadable unreachable', () => {
  const f = { warning: 1, critical: 2 };
  const h = 3_600_000;
  const row = (ageMs: number | undefined, state = 'fresh') => ({
    series: 'srv/cloud1@cloud2',
    ...(ageMs === undefined ? {} : { ageMs }),
    maxAgeMs: 26 * h,
    state,
  });
  assert.equal(backupFinding(row(2 * h), f).state, 'ok');
  assert.equal(backupFinding(row(26 * h), f).state, 'ok');
  const w = backupFinding(row(30 * h, 'stale'), f);
  assert.equal(w.state, 'warning');
  assert.equal(w.host, 'cloud1');
  assert.equal(w.key, 'backup srv/cloud1@cloud2');
  assert.equal(backupFinding(row(53 * h, 'stale'), f).state, 'critical');
  assert.equal(backupFinding(row(undefined, 'never'), f).state, 'critical');
  assert.equal(
    backupFinding({ ...row(undefined, 'unknown'), error: 'timeout' }, f).state,
    'unreachable',
  );
});

const DB = yaml`
  deployment: t
  hosts: { "db[1-3]": {} }
  ports: { cassandra_native: 9042, cassandra_internode: [7000, 7001] }
  services:
    cassandra: { hosts: "db[1-3]", command: [cassandra] }
`;

test('the monitor section: cassandra progress and backup freshness', () => {
  const m = load(`${DB}backup: { rules: rules.yaml }
monitor:
  progress: { cassandra: {} }
  backups: { warning: 1.5, critical: 3 }
`).monitor!;
  assert.deepEqual(m.progress.cassandra, { pendingCompactions: { warning: 20, critical: 100 } });
  assert.deepEqual(m.backups, { warning: 1.5, critical: 3 });
  assert.deepEqual(
    load(`${DB}backup: { rules: rules.yaml }\nmonitor: { backups: true }\n`).monitor!.backups,
    { warning: 1, critical: 2 },
  );
  assert.equal(load(`${DB}monitor: { interval: 30 }\n`).monitor!.backups, undefined);
  assert.deepEqual(
    issues(`${DB}monitor:
  backups: true
  progress: { cassandra: { max_age: { warning: 1, critical: 2 } } }
`),
    [
      'services.yaml:7:3: monitor.backups: backup freshness needs a `backup:` section (the rules name each series and its max_age)',
      'services.yaml:8:28: monitor.progress.cassandra.max_age: not a setting of the cassandra progress check (pending_compactions)',
    ],
  );
});
