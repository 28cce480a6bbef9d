// The probe's torn-journal scenario on a lab (issue 10): a rolling hub restart killed with
// SIGKILL while a hub is drained in haproxy, the journal's tail torn, a resume killed too, then a
// resume to the end: the run is listed all along, nothing exits 70, the drained server comes back.
import { test } from 'node:test';
import assert from 'node:assert/strict';
import { spawn, type ChildProcess } from 'node:child_process';
import { readdirSync, readFileSync, statSync, truncateSync } from 'node:fs';
import { join } from 'node:path';
import { fileURLToPath } from 'node:url';
import { Deployment } from '../../../admin/deployment/deployment.js';
import { parseShowStat, serverRow, showStat } from '../../../admin/probes/haproxy/index.js';
import { haproxyPaths } from '../../../admin/services/layout.js';
import { withLab, isRoot } from '../lab-fixture.js';
import { runCli } from '../services/lab.js';

const SALVO = fileURLToPath(new URL('../../../../bin/salvo', import.meta.url));

function start(file: string, ...args: string[]): ChildProcess {
  return spawn(process.execPath, [SALVO, '-s', file, ...args], {
    stdio: ['ignore', 'ignore', 'ignore'],
  });
}
const exited = (c: ChildProcess): Promise<void> =>
  c.exitCode !== null || c.signalCode !== null
    ? Promise.resolve()
    : new Promise((r) => c.on('exit', () => r()));

async function until(what: string, check: () => boolean, timeoutMs = 60_000): Promise<void> {
  const started = Date.now();
  while (!check()) {
    if (Date.now() - started > timeoutMs) {
      throw new Error(`timed out waiting for ${what}`);
    }
    await new Promise((r) => setTimeout(r, 20));
  }
}

type Rec = { t: string; unit?: string; step?: number; ok?: boolean };
const records = (path: string): Rec[] =>
  readFileSync(path, 'utf8')
    .split('\n')
    .flatMap((l) => {
      try {
        return [JSON.parse(l) as Rec];
      } catch {
        return [];
      }
    });

test('torn journal, resume, SIGKILL, resume: the drained hub comes back', {
  skip: !isRoot && 'needs root (network namespaces)',
  timeout: 300_000,
}, async () => {
  await withLab(3, async (lab) => {
    const file = lab.servicesFile;
    for (const service of ['hub', 'haproxy']) {
      const r = await runCli(file, 'start', service);
      assert.equal(r.code, 0, `start ${service}: ${r.stdout}${r.stderr}`);
    }
    const runsDir = join(lab.dir, '.salvo', 'runs');
    const rolling = start(file, 'restart', 'hub', '--rolling');
    await until('a run directory', () => {
      try {
        return readdirSync(runsDir).some((n) => !n.startsWith('.') && n.includes('-restart-hub-'));
      } catch {
        return false;
      }
    });
    const runId = readdirSync(runsDir).find(
      (n) => !n.startsWith('.') && n.includes('-restart-hub-'),
    )!;
    const journal = join(runsDir, runId, 'journal.jsonl');
    // SIGKILL right after hub#0@cloud2 is drained (its first step ended), as the probe's sleep did.
    await until('hub#0@cloud2 drained', () =>
      records(journal).some((r) => r.t === 'step-end' && r.unit === 'hub#0@cloud2' && r.ok),
    );
    rolling.kill('SIGKILL');
    await exited(rolling);
    assert.equal(statSync(journal).mode & 0o777, 0o600);
    truncateSync(journal, statSync(journal).size - 25);

    const listed = await runCli(file, 'runs');
    assert.equal(listed.code, 0, listed.stderr);
    assert.match(listed.stdout, new RegExp(`${runId} .*interrupted, damaged`));
    assert.match(listed.stdout, /hub#0@cloud2 stopped at step \d+\/\d+ .*may be left drained/);
    // `salvo status` names the unit left mid-step and the resume that finishes it.
    const status = await runCli(file, 'status', 'hub');
    assert.match(
      status.stdout,
      new RegExp(
        `hub#0@cloud2: left at step \\d+/\\d+ \\([^)]+\\) by interrupted run ${runId}: .* resume ${runId}\n`,
      ),
    );
    const json = await runCli(file, 'status', 'hub', '--json');
    const rows = json.stdout
      .trim()
      .split('\n')
      .map((l) => JSON.parse(l) as { unit: string; leftBy: { runId: string } | null });
    assert.equal(rows.find((r) => r.unit === 'hub#0@cloud2')?.leftBy?.runId, runId);
    assert.ok(rows.filter((r) => r.unit !== 'hub#0@cloud2').every((r) => r.leftBy === null));

    // A resume killed once it is under way (its attempt record and a step started after it).
    const size = statSync(journal).size;
    const resume = start(file, 'resume', runId);
    await until('the resume under way', () => {
      const recs = records(journal);
      const at = recs.findIndex((r) => r.t === 'attempt');
      return at >= 0 && recs.slice(at).some((r) => r.t === 'step-start');
    });
    resume.kill('SIGKILL');
    await exited(resume);
    const text = readFileSync(journal, 'utf8');
    assert.ok(statSync(journal).size > size - 25);
    for (const line of text.trimEnd().split('\n')) {
      assert.doesNotThrow(() => JSON.parse(line), `every line is a whole record: ${line}`);
    }

    const last = await runCli(file, 'resume', runId, '--wait-lock', '30s');
    assert.equal(last.code, 0, `${last.stdout}${last.stderr}`);
    assert.doesNotMatch(last.stderr, /at .*\.js:\d+/, 'no stack trace');
    const after = await runCli(file, 'runs');
    assert.match(after.stdout, new RegExp(`${runId} .* done`));
    const cleared = await runCli(file, 'status', 'hub');
    assert.doesNotMatch(cleared.stdout, /left by an interrupted run/, cleared.stdout);

    const dep = await Deployment.open(file);
    try {
      const [stat] = await dep.exec(['cloud3'], showStat(haproxyPaths('lab').socket));
      const rows = parseShowStat(stat!.stdout);
      for (const server of ['cloud1:0', 'cloud1:1', 'cloud2:0', 'cloud2:1']) {
        assert.equal(serverRow(rows, 'hub', server)?.status, 'UP', `${server} in haproxy`);
      }
    } finally {
      await dep.close();
    }
  });
});
