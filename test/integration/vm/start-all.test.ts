// `salvo vm start all` with a per-host limit, on a real lab: three guests on one physical host
// and `per_host: 2` in the services file. From the rollout's own JSON events (their timestamps,
// not the test's clock): at most two guests of the host boot at once, and two do (in parallel).
import assert from 'node:assert/strict';
import { readFileSync, writeFileSync } from 'node:fs';
import { mkdtemp } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { test } from 'node:test';
import { labAddVms, labDown, labUp } from '../../../admin/lab/index.js';
import { isRoot } from '../lab-fixture.js';
import { runCli } from '../services/lab.js';

interface Line {
  at: string;
  source: string;
  kind: string;
  unit?: string;
  name?: string;
  host?: string;
}

test('vm start all: at most per_host guests of one physical host boot at once', {
  skip: !isRoot && 'needs root (network namespaces, qemu, taps)',
  timeout: 900_000,
}, async (t) => {
  const dir = await mkdtemp(join(tmpdir(), 'salvo-test-vm-start-'));
  t.after(() => labDown(dir));
  const lab = await labUp({ hosts: 1, dir });
  await labAddVms(dir, 3); // vm1..vm3, all on cloud1
  const text = readFileSync(lab.servicesFile, 'utf8');
  assert.match(text, /^ {4}dir: \S+$/m);
  writeFileSync(lab.servicesFile, text.replace(/^( {4}dir: \S+)$/m, '$1\n    per_host: 2'));

  // The plan: --per-host on the command line wins over the file.
  const plan1 = await runCli(
    lab.servicesFile,
    'vm',
    'start',
    'all',
    '--per-host',
    '1',
    '--dry-run',
  );
  assert.equal(plan1.code, 0, plan1.stderr);
  assert.match(plan1.stdout, /1 per physical host/);

  const r = await runCli(lab.servicesFile, 'vm', 'start', 'all', '--json');
  t.after(() => runCli(lab.servicesFile, 'vm', 'stop', 'all'));
  assert.equal(r.code, 0, r.stdout + r.stderr);
  const events = r.stdout
    .split('\n')
    .filter((l) => l.startsWith('{'))
    .map((l) => JSON.parse(l) as Line);
  const batches = events.filter((e) => e.kind === 'batch-start') as unknown as {
    units: string[];
  }[];
  assert.deepEqual(
    batches.map((b) => b.units),
    [['vm#0@vm1', 'vm#0@vm2'], ['vm#0@vm3']],
  );
  // Each guest boots from its start step until its gate passes (it answers SSH).
  const span = new Map<string, { from: number; to: number }>();
  for (const e of events) {
    const at = Date.parse(e.at);
    if (e.kind === 'step-start' && e.name === 'start') {
      span.set(e.unit!, { from: at, to: Number.POSITIVE_INFINITY });
    } else if (e.kind === 'gate-pass') {
      span.get(e.unit!)!.to = at;
    }
  }
  assert.equal(span.size, 3);
  const spans = [...span.values()];
  const atOnce = Math.max(
    ...spans.map((s) => spans.filter((o) => o.from <= s.from && s.from < o.to).length),
  );
  assert.equal(atOnce, 2, JSON.stringify([...span]));
  const st = await runCli(lab.servicesFile, 'vm', 'status');
  assert.equal(st.code, 0, st.stdout);
  assert.equal(st.stdout.match(/ running /g)?.length, 3, st.stdout);
});
