// The real nginx on the lab (a case of services.test.ts; `start all` has started it on @web):
// each host's nginx serves its own /srv (the lab hosts share every other path), haproxy routes
// /static/ to them, `restart nginx` under load is a HUP reload (same master pids, no request
// failed), and a stop drains the unit in haproxy first, QUITs it, and the start brings it back.
import assert from 'node:assert/strict';
import { existsSync } from 'node:fs';
import { join } from 'node:path';
import type { Deployment } from '../../../admin/deployment/deployment.js';
import type { Lab } from '../../../admin/lab/index.js';
import { nginxPaths } from '../../../admin/services/layout.js';
import { cmd } from '../../../admin/transport/command.js';
import { failures, runOp, statusOf } from './helpers.js';
import { get } from './lab.js';
import { duringLoad } from './load.js';

const WEB = ['cloud1', 'cloud2'];
const unit = { service: 'nginx', instance: 0 };

/** Which hosts' files answered `count` requests for /static/who.json through haproxy. */
async function servedBy(url: string, count: number): Promise<Set<string>> {
  const ids = new Set<string>();
  for (let i = 0; i < count; i++) {
    ids.add((JSON.parse(await get(url)) as { id: string }).id);
  }
  return ids;
}

export async function nginxChecks(lab: Lab, dep: Deployment): Promise<void> {
  const edge = lab.hosts[2]!.address;
  const { config, root } = nginxPaths('lab', unit);
  // A file that differs per host, written on the host itself (into its own /srv).
  for (const host of WEB) {
    const [r] = await dep.exec(
      [host],
      cmd('sh', '-c', 'printf \'{"id":"nginx@%s"}\\n\' "$1" >"$2/who.json"', 'salvo', host, root),
    );
    assert.ok(r!.ok, r!.stderr);
    assert.ok(
      existsSync(join(lab.dir, host, 'srv/salvo/lab/static/who.json')),
      "under the host's own /srv",
    );
  }
  const [cfg] = await dep.exec(['cloud1'], cmd('cat', config));
  assert.match(cfg!.stdout, /^ {8}listen 8080;$/m);
  assert.match(cfg!.stdout, /^pid \/srv\/salvo\/lab\/pids\/nginx\.0\.pid;$/m);

  const before = await statusOf(dep, 'nginx');
  assert.deepEqual(
    before.map((s) => s.health?.state),
    ['running', 'running'],
  );
  assert.ok(
    before.every((s) => /^1\.\d+\.\d+$/.test(s.health?.version ?? '')),
    'the version nginx -v reports',
  );
  assert.equal(await get(`http://${lab.hosts[0]!.address}:8080/alive`), 'ok\n');
  assert.equal(
    await get(`http://${lab.hosts[1]!.address}:8080/who.json`),
    '{"id":"nginx@cloud2"}\n',
  );
  const url = `http://${edge}:8000/static/who.json`;
  assert.deepEqual(
    [...(await servedBy(url, 10))].sort(),
    ['nginx@cloud1', 'nginx@cloud2'],
    'haproxy routes /static/ to both',
  );

  // restart = render + HUP: under load through haproxy nothing fails and the masters stay.
  const { result: runs, report } = await duringLoad(
    url,
    () => runOp(dep, 'restart', 'nginx'),
    4,
    0,
  );
  assert.deepEqual(failures(runs), []);
  assert.equal(
    runs.filter((r) => /^reloaded \(pid \d+, new workers/.test(r.output)).length,
    2,
    runs.map((r) => r.output).join('\n'),
  );
  assert.deepEqual(report.errors, []);
  assert.ok(report.ok > 0);
  assert.deepEqual(
    (await statusOf(dep, 'nginx')).map((s) => s.health?.pid),
    before.map((s) => s.health?.pid),
    'the same masters',
  );

  // stop: drained in haproxy, then QUIT; /static/ is served by the other host meanwhile.
  const stop = await runOp(dep, 'stop', 'nginx', { hosts: ['cloud2'] });
  assert.deepEqual(failures(stop), []);
  assert.deepEqual(
    stop.map((r) => r.name),
    [
      'nginx#0@cloud2: drain nginx/cloud2:0 in haproxy',
      'nginx#0@cloud2: wait until nginx/cloud2:0 has no sessions',
      'nginx#0@cloud2: stop',
    ],
  );
  assert.match(stop[2]!.output, /^stopped \(pid \d+, QUIT\)$/);
  assert.equal((await statusOf(dep, 'nginx', ['cloud2']))[0]!.health?.state, 'stopped');
  assert.deepEqual([...(await servedBy(url, 6))], ['nginx@cloud1']);
  const start = await runOp(dep, 'start', 'nginx', { hosts: ['cloud2'] });
  assert.deepEqual(failures(start), []);
  assert.match(start[1]!.output, /^started \(pid \d+\)$/);
  assert.match(start[3]!.output, /nginx\/cloud2:0 is UP in haproxy/);
  assert.deepEqual([...(await servedBy(url, 10))].sort(), ['nginx@cloud1', 'nginx@cloud2']);
}
