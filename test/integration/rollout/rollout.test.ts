// Rollouts on a lab fleet with the marker kind (real commands over SSH that leave evidence on
// the hosts): dry-run touches nothing, SIGKILL mid-rollout then resume redoes no finished step,
// the operator lock refuses a second run and names its holder, Ctrl-C and SIGTERM stop a run
// cleanly (journaled interrupted, exit 130 / 143), the failure budget holds.
import { test } from 'node:test';
import assert from 'node:assert/strict';
import { spawn, spawnSync, type ChildProcess } from 'node:child_process';
import { existsSync, mkdirSync, readFileSync, readdirSync, rmSync, writeFileSync } from 'node:fs';
import { hostname } from 'node:os';
import { join } from 'node:path';
import { fileURLToPath } from 'node:url';
import type { Lab } from '../../../admin/lab/index.js';
import { withLab, isRoot } from '../lab-fixture.js';
import { MARK_DIR, STEPS } from './marker-kind.js';

const DRIVER = fileURLToPath(new URL('./driver.js', import.meta.url));
const HOSTS = ['cloud1', 'cloud2', 'cloud3', 'cloud4'];

function servicesFile(lab: Lab): string {
  const dir = join(lab.dir, 'rollout');
  mkdirSync(dir, { recursive: true });
  const hosts = lab.hosts.map((h) => `  ${h.name}: { address: ${h.address} }`).join('\n');
  const file = join(dir, 'services.yaml');
  writeFileSync(
    file,
    `deployment: rollouttest
ports: { nginx: 8080 }
ssh: { user: root, identity: ${lab.identityFile}, known_hosts: ${lab.knownHostsFile}, config: null }
hosts:
${hosts}
services:
  nginx: { hosts: "cloud[1-4]" }
`,
  );
  return file;
}

interface Run {
  code: number | null;
  stdout: string;
  stderr: string;
}

function salvo(file: string, args: string[], stepSec = 0.05): Run {
  const r = spawnSync(process.execPath, [DRIVER, 'run', '-s', file, ...args], {
    encoding: 'utf8',
    env: { ...process.env, MARK_STEP_SEC: String(stepSec) },
  });
  return { code: r.status, stdout: r.stdout, stderr: r.stderr };
}

function start(file: string, args: string[], stepSec: number): ChildProcess {
  return spawn(process.execPath, [DRIVER, 'run', '-s', file, ...args], {
    stdio: ['ignore', 'pipe', 'pipe'],
    env: { ...process.env, MARK_STEP_SEC: String(stepSec) },
  });
}

const srv = (lab: Lab, host: string): string => join(lab.dir, host, 'srv');
const marksOf = (lab: Lab, host: string): string[] => {
  const f = join(srv(lab, host), MARK_DIR.replace('/srv/', ''), 'marks');
  return existsSync(f) ? readFileSync(f, 'utf8').trim().split('\n').filter(Boolean) : [];
};
const allMarks = (lab: Lab): string[] => HOSTS.flatMap((h) => marksOf(lab, h));
const resetHosts = (lab: Lab): void => {
  for (const h of HOSTS) {
    rmSync(join(srv(lab, h), 'salvo-test'), { recursive: true, force: true });
  }
};

/** Every file under each host's /srv with its content: what "touches nothing" is checked against. */
function snapshot(lab: Lab): string {
  const walk = (d: string): string[] =>
    readdirSync(d, { withFileTypes: true }).flatMap((e) => {
      const p = join(d, e.name);
      return e.isDirectory() ? [p, ...walk(p)] : [`${p}=${readFileSync(p, 'utf8')}`];
    });
  return HOSTS.flatMap((h) => walk(srv(lab, h))).join('\n');
}

const runsDir = (file: string): string => join(file, '..', '.salvo', 'runs');
type Rec = { t: string; at: string; unit?: string; step?: number; ok?: boolean; state?: string };
const parse = (text: string): Rec[] =>
  text
    .trim()
    .split('\n')
    .filter(Boolean)
    .flatMap((l) => {
      try {
        return [JSON.parse(l) as Rec];
      } catch {
        return [];
      }
    });
/** Run directories (a dot-name is one being created). */
const runIds = (file: string): string[] =>
  readdirSync(runsDir(file)).filter((n) => !n.startsWith('.'));
/** The records of the newest run (by its start time: two runs may share a second). */
function journalLines(file: string): Rec[] {
  const all = runIds(file).map((id) =>
    parse(readFileSync(join(runsDir(file), id, 'journal.jsonl'), 'utf8')),
  );
  return (
    all
      .filter((r) => r.length)
      .sort((a, b) => a[0]!.at.localeCompare(b[0]!.at))
      .at(-1) ?? []
  );
}
const okSteps = (file: string): Set<string> =>
  new Set(
    journalLines(file)
      .filter((r) => r.t === 'step-end' && r.ok)
      .map((r) => `${r.unit} restart ${r.step}`),
  );

async function until(what: string, check: () => boolean, timeoutMs = 30_000): Promise<void> {
  const started = Date.now();
  while (!check()) {
    if (Date.now() - started > timeoutMs) {
      throw new Error(`timed out waiting for ${what}`);
    }
    await new Promise((r) => setTimeout(r, 50));
  }
}

const exited = (c: ChildProcess): Promise<number | null> =>
  c.exitCode !== null || c.signalCode !== null
    ? Promise.resolve(c.exitCode)
    : new Promise((r) => c.on('exit', (code) => r(code)));

test('rollouts on a lab', { skip: !isRoot && 'needs root (network namespaces)' }, async (t) => {
  await withLab(4, async (lab) => {
    const file = servicesFile(lab);

    await t.test('--dry-run prints the plan and changes nothing on the hosts', () => {
      const before = snapshot(lab);
      const r = salvo(file, ['restart', 'nginx', '--dry-run']);
      assert.equal(r.code, 0, r.stderr);
      assert.match(
        r.stdout,
        /plan: restart nginx: 4 units in 4 batches \(serial\), health gates on, failure budget 0/,
      );
      assert.match(
        r.stdout,
        /1\. mark 0: sh -c <script, 4 lines> salvo 'nginx#0@cloud1' 0 restart/,
      );
      assert.match(r.stdout, /gate: running 2× in a row/);
      assert.equal(snapshot(lab), before);
      assert.equal(existsSync(runsDir(file)), false, 'a dry run writes no journal');
    });

    await t.test('SIGKILL mid-rollout, then resume: finished steps are not redone', async () => {
      resetHosts(lab);
      const child = start(file, ['restart', 'nginx', '--serial'], 0.3);
      try {
        await until('5 finished steps', () => existsSync(runsDir(file)) && okSteps(file).size >= 5);
      } finally {
        child.kill('SIGKILL');
      }
      await exited(child);
      const finished = okSteps(file);
      assert.ok(
        finished.size >= 5 && finished.size < HOSTS.length * STEPS,
        `killed too late: ${finished.size} finished`,
      );
      assert.match(salvo(file, ['runs']).stdout, /restart nginx .* interrupted/);

      const resumed = salvo(file, ['resume', 'last', '--wait-lock', '20s'], 0.3); // same step length: same plan
      assert.equal(resumed.code, 0, resumed.stdout + resumed.stderr);
      assert.match(resumed.stdout, /resuming \S+: \d unit\(s\) already done/);
      const marks = allMarks(lab);
      for (const h of HOSTS) {
        for (let i = 0; i < STEPS; i++) {
          const step = `nginx#0@${h} restart ${i}`;
          const n = marks.filter((m) => m === step).length;
          if (finished.has(step)) {
            assert.equal(n, 1, `${step} was finished before the kill but ran ${n} times`);
          } else {
            assert.ok(n === 1 || n === 2, `${step} ran ${n} times`); // 2: it was in flight when killed
          }
        }
      }
      assert.equal(journalLines(file).at(-1)!.state, 'done');
      assert.match(salvo(file, ['runs']).stdout, /restart nginx .* done +4\/4 units/);
    });

    await t.test(
      'the lock refuses a second run, names the holder, and --wait-lock waits for it',
      async () => {
        // Steps of 1.5 s: the holder must outlast two cold CLI runs on a loaded machine.
        const holder = start(file, ['restart', 'nginx', '--serial'], 1.5);
        try {
          await until('the first run to hold the lock', () => runIds(file).length === 2);
          const refused = salvo(file, ['restart', 'nginx']);
          assert.equal(refused.code, 4, refused.stderr);
          const user = process.env.SUDO_USER ?? process.env.USER ?? 'root';
          assert.match(
            refused.stderr,
            new RegExp(
              `locked by ${user} on ${hostname()} \\(pid ${holder.pid}\\) since \\d{4}-\\d\\d-\\d\\dT[\\d:.]+Z: restart nginx`,
            ),
          );
          assert.equal(holder.exitCode, null, 'the holder still runs when the second run starts');
          const waited = salvo(file, ['start', 'nginx', '--wait-lock', '60s']);
          assert.equal(waited.code, 0, waited.stderr);
          assert.match(
            waited.stdout,
            /waiting for the deployment lock \(cloud1:\/run\/lock\/salvo-rollouttest.lock\): locked by/,
          );
          assert.equal(await exited(holder), 0);
        } finally {
          if (holder.exitCode === null) {
            holder.kill('SIGKILL');
          }
        }
      },
    );

    await t.test(
      'Ctrl-C: remote steps stop, the journal says interrupted, resume finishes the rest',
      async () => {
        resetHosts(lab);
        const before = runIds(file).length;
        const child = start(file, ['restart', 'nginx', '--serial'], 0.3);
        let out = '';
        child.stdout!.on('data', (d) => {
          out += String(d);
        });
        await until(
          '2 finished steps',
          () => runIds(file).length > before && okSteps(file).size >= 2,
        );
        child.kill('SIGINT');
        assert.equal(await exited(child), 130, out);
        assert.equal(journalLines(file).at(-1)!.state, 'interrupted');
        const runId = /resume: salvo -s \S+ resume (\S+)/.exec(out)?.[1];
        assert.ok(runId, out);
        const finished = okSteps(file);
        const resumed = salvo(file, ['resume', runId, '--wait-lock', '20s'], 0.3);
        assert.equal(resumed.code, 0, resumed.stdout + resumed.stderr);
        for (const step of finished) {
          assert.equal(allMarks(lab).filter((m) => m === step).length, 1, step);
        }
        assert.equal(allMarks(lab).length >= HOSTS.length * STEPS, true);
      },
    );

    await t.test(
      'SIGTERM (systemd, a cron wrapper) is handled like Ctrl-C: remote step killed, journal interrupted, exit 143',
      async () => {
        resetHosts(lab);
        const before = runIds(file).length;
        const child = start(file, ['restart', 'nginx', '--serial'], 1); // 1 s steps: one is in flight at the kill
        let out = '';
        let err = '';
        child.stdout!.on('data', (d) => {
          out += String(d);
        });
        child.stderr!.on('data', (d) => {
          err += String(d);
        });
        await until(
          '1 finished step',
          () => runIds(file).length > before && okSteps(file).size >= 1,
        );
        child.kill('SIGTERM');
        assert.equal(await exited(child), 143, out + err);
        const marks = allMarks(lab).length;
        assert.match(err, /terminated \(SIGTERM\): stopping remote commands/);
        assert.equal(journalLines(file).at(-1)!.state, 'interrupted');
        // Progress lines are stamped HH:MM:SS when stdout is not a terminal.
        assert.match(
          out,
          /^(?:\d\d:\d\d:\d\d )?interrupted: 0 done, 0 failed, 4 not finished in /m,
        );
        assert.match(out, /resume: salvo -s \S+ resume \S+/);
        await new Promise((r) => setTimeout(r, 1500)); // longer than a step: one left running would mark
        assert.equal(allMarks(lab).length, marks, 'a remote step went on after the run ended');
      },
    );

    await t.test(
      'failure budget: a failing unit is quarantined with its log; over budget, the rest never starts',
      () => {
        resetHosts(lab);
        mkdirSync(join(srv(lab, 'cloud2'), 'salvo-test'), { recursive: true });
        writeFileSync(join(srv(lab, 'cloud2'), 'salvo-test', 'fail'), '');
        const stopped = salvo(file, ['restart', 'nginx', '--serial']);
        assert.equal(stopped.code, 1, stopped.stderr);
        assert.match(
          stopped.stdout,
          /✗ nginx#0@cloud2 quarantined \(1 failed, budget 0\): step "mark 0" on cloud2 failed/,
        );
        assert.match(stopped.stdout, /\| boom: nginx#0@cloud2 cannot restart \(disk full\)/);
        assert.match(
          stopped.stdout,
          /failure budget exceeded: 1 failed, budget 0; stopping — not started: nginx#0@cloud3, nginx#0@cloud4/,
        );
        assert.match(stopped.stdout, /retry: salvo -s \S+ restart nginx -H cloud2/);
        assert.deepEqual(marksOf(lab, 'cloud3'), [], 'cloud3 was touched');
        assert.deepEqual(marksOf(lab, 'cloud4'), []);

        const tolerated = salvo(file, ['restart', 'nginx', '--serial', '--budget', '1']);
        assert.equal(tolerated.code, 1);
        assert.match(tolerated.stdout, /failed: 3 done, 1 failed/);
        assert.equal(marksOf(lab, 'cloud4').length, STEPS);
      },
    );
  });
});
