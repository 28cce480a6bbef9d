// The CLI as an operator meets it: a real process, its stdout, stderr and exit code.
import { test } from 'node:test';
import assert from 'node:assert/strict';
import { spawnSync } from 'node:child_process';
import { mkdtempSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join, resolve } from 'node:path';

const BIN = resolve('bin/salvo');

function salvo(...args: string[]): { code: number | null; stdout: string; stderr: string } {
  const r = spawnSync(process.execPath, [BIN, ...args], {
    encoding: 'utf8',
    env: { ...process.env, SALVO_SERVICES: '' },
  });
  return { code: r.status, stdout: r.stdout, stderr: r.stderr };
}

test('nodeset -e / -f / -c', () => {
  assert.deepEqual(salvo('nodeset', '-e', 'cloud[1-3],cloud7'), {
    code: 0,
    stdout: 'cloud1 cloud2 cloud3 cloud7\n',
    stderr: '',
  });
  assert.equal(
    salvo('nodeset', '-f', 'cloud1', 'cloud2', 'cloud3', 'cloud5').stdout,
    'cloud[1-3,5]\n',
  );
  assert.equal(salvo('nodeset', '-c', 'cloud[1-21]!cloud8').stdout, '20\n');
  assert.equal(salvo('nodeset', '-e', 'cloud[1:3]').stdout, 'cloud1 cloud2 cloud3\n');
});

test('invalid node sets are usage errors (exit 2), no stack trace', () => {
  for (const bad of ['cloud[3-1]', 'cloud[1-']) {
    const r = salvo('nodeset', '-e', bad);
    assert.equal(r.code, 2, bad);
    assert.match(r.stderr, /invalid node set/);
    assert.doesNotMatch(r.stderr, /\n\s+at /);
  }
});

test('@groups come from the services file', () => {
  const r = salvo('-s', 'services.yaml', 'nodeset', '-f', '@web');
  assert.equal(r.code, 0, r.stderr);
  assert.equal(r.stdout, 'storm-web[1-4]\n');
});

test('check on the example services file', () => {
  const r = salvo('-s', 'services.yaml', 'check');
  assert.equal(r.code, 0, r.stderr);
  assert.match(r.stdout, /deployment storm/);
  assert.match(r.stdout, /cloud\[1-7,10-21\]/);
});

test('check reports every problem as file:line:col with exit 2', (t) => {
  const dir = mkdtempSync(join(tmpdir(), 'salvo-cli-'));
  t.after(() => rmSync(dir, { recursive: true, force: true }));
  const file = join(dir, 'services.yaml');
  writeFileSync(
    file,
    [
      'deployment: t',
      'hosts:',
      '  cloud[1-3]: { address: "198.18.1.{n}" }',
      'sevices:',
      '  hub: { hosts: "@nope" }',
      'compute_servers:',
      '  cloud1: maybe',
      '',
    ].join('\n'),
  );
  const r = salvo('-s', file, 'check');
  assert.equal(r.code, 2);
  const lines = r.stderr
    .trim()
    .split('\n')
    .filter((l) => l.startsWith(file));
  assert.ok(lines.length >= 2, r.stderr);
  assert.ok(
    lines.some((l) => l.startsWith(`${file}:4:1:`) && /did you mean/.test(l)),
    r.stderr,
  );
  assert.ok(
    lines.some((l) => l.startsWith(`${file}:7:`)),
    r.stderr,
  );
  assert.doesNotMatch(r.stderr, /\n\s+at /);
});

test('a missing services file is a config error, not a crash', () => {
  const r = salvo('-s', '/nonexistent/services.yaml', 'check');
  assert.equal(r.code, 2);
  assert.match(r.stderr, /services\.yaml:1:1: cannot read services file/);
});

test('unknown command and bad flags exit 2; --help exits 0', () => {
  assert.equal(salvo('frobnicate').code, 2);
  assert.equal(salvo('exec', '--fanout', 'x', 'cloud1', '--', 'true').code, 2);
  assert.equal(salvo('--help').code, 0);
});

test('the example deployment plans every rollout without touching a host (--dry-run)', () => {
  const r = salvo('-s', 'services.yaml', 'restart', 'all', '--dry-run');
  assert.equal(r.code, 0, r.stderr);
  // 12 guests + 7 cassandra + 4 web hosts × (2 hubs + snap + nginx) + haproxy, one unit at a time.
  assert.match(r.stdout, /^plan: restart all: 36 units in 36 batches \(serial\)/m);
  assert.match(
    r.stdout,
    /gate: running, seeing every peer up 3× in a row \(every 2s, within 3600s\)/,
  );
  // A guest restarts on its physical host: stop (ACPI, then QMP quit), start on a new overlay.
  assert.match(
    r.stdout,
    /vm#0@storm-db1\n\s+1\. stop \[on cloud1\]: bash -c .*\n\s+2\. start \[on cloud1\]/,
  );
  const up = salvo('-s', 'services.yaml', 'upgrade', 'hub', '--version', '2024.06.0', '--dry-run');
  assert.equal(up.code, 0, up.stderr);
  assert.match(up.stdout, /\/opt\/smc\/2024\.06\.0\/hub\.js/);
});

test('--version prints the package version', async () => {
  const { version } = JSON.parse(
    (await import('node:fs')).readFileSync('package.json', 'utf8'),
  ) as { version: string };
  assert.deepEqual(salvo('--version'), { code: 0, stdout: `${version}\n`, stderr: '' });
  assert.equal(salvo('-V').stdout, `${version}\n`);
});
