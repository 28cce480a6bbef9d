import { test } from 'node:test';
import assert from 'node:assert/strict';
import { spawnSync } from 'node:child_process';
import {
  chmodSync,
  mkdirSync,
  mkdtempSync,
  readFileSync,
  rmSync,
  statSync,
  writeFileSync,
} from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { UsageError } from '../../admin/errors.js';
import { journalPath } from '../../admin/rollout/journal/journal.js';
import { readJournal, replay } from '../../admin/rollout/journal/replay.js';
import { resumeRollout, runRollout, type RolloutDeps } from '../../admin/rollout/rollout.js';
import { findRun, listRuns } from '../../admin/rollout/journal/runs.js';
import type { RolloutEvent } from '../../admin/rollout/events.js';
import type { RolloutRequest } from '../../admin/rollout/types.js';
import { FakeFleet, fakeKind, inventoryOf, lookupOf } from './fakes.js';

const HOSTS = ['w1', 'w2', 'w3', 'w4'];

function deps(dir: string, fleet: FakeFleet, hosts = HOSTS): RolloutDeps {
  const inv = inventoryOf(
    hosts.map((name) => ({ name })),
    [{ kind: 'hub', hosts }],
    dir,
  );
  return { inv, exec: fleet.exec, kinds: lookupOf(fakeKind('hub')), nodes: (e) => e.split(',') };
}

const request: RolloutRequest = {
  op: 'restart',
  target: 'hub',
  batch: { kind: 'count', n: 1 },
  wait: true,
  budget: { kind: 'count', n: 0 },
  rolling: false,
  ignorePlacement: false,
  options: {},
};

function tempDir(): string {
  return mkdtempSync(join(tmpdir(), 'salvo-journal-'));
}

/** Interrupt after `steps` steps, as Ctrl-C would. */
async function interruptedRun(dir: string, fleet: FakeFleet, steps: number): Promise<string> {
  const ctl = new AbortController();
  const base = fleet.ran.length;
  fleet.afterStep = (n) => {
    if (n === base + steps) {
      ctl.abort();
    }
  };
  const r = await runRollout(deps(dir, fleet), request, { signal: ctl.signal });
  fleet.afterStep = undefined;
  assert.equal(r.state, 'interrupted');
  return r.runId!;
}

test('every step is journaled; the journal replays to the same progress', async () => {
  const dir = tempDir();
  try {
    const fleet = new FakeFleet();
    const r = await runRollout(deps(dir, fleet), request);
    assert.equal(r.state, 'done');
    const records = readJournal(journalPath(dir, r.runId!));
    assert.equal(records[0]!.t, 'run');
    assert.equal(records.filter((x) => x.t === 'step-end').length, 8);
    assert.equal(records.at(-1)!.t, 'end');
    const rep = replay(records);
    assert.equal(rep.end, 'done');
    assert.ok([...rep.units.values()].every((u) => u.state === 'done' && u.okSteps.size === 2));
    assert.deepEqual(
      listRuns(dir).map((x) => [x.state, x.unitsFinished, x.units]),
      [['done', 4, 4]],
    );
  } finally {
    rmSync(dir, { recursive: true });
  }
});

test('resume continues an interrupted run without redoing finished steps', async () => {
  const dir = tempDir();
  try {
    const fleet = new FakeFleet();
    const runId = await interruptedRun(dir, fleet, 3); // w1 done; w2 stopped, not started
    assert.equal(listRuns(dir)[0]!.state, 'interrupted');
    const events: RolloutEvent[] = [];
    const r = await resumeRollout(deps(dir, fleet), runId, { onEvent: (e) => events.push(e) });
    assert.equal(r.state, 'done');
    for (const h of HOSTS) {
      assert.equal(fleet.count(`stop hub#0@${h}`), 1, `stop ${h}`);
      assert.equal(fleet.count(`start hub#0@${h}`), 1, `start ${h}`);
    }
    const resumed = events.find((e) => e.kind === 'resume');
    assert.ok(resumed?.kind === 'resume');
    assert.deepEqual(resumed.done, ['hub#0@w1']);
    assert.deepEqual(resumed.partial, [{ unit: 'hub#0@w2', fromStep: 1 }]);
    assert.equal(listRuns(dir)[0]!.state, 'done');
    assert.equal(findRun(dir, runId.slice(0, 20)), runId);
  } finally {
    rmSync(dir, { recursive: true });
  }
});

test('a step in flight when the process died is run again; a torn last record is ignored', async () => {
  const dir = tempDir();
  try {
    const fleet = new FakeFleet();
    const runId = await interruptedRun(dir, fleet, 6);
    // Make it look like SIGKILL during w3's start: drop the tail after its step-start, tear a line.
    const path = journalPath(dir, runId);
    const lines = readFileSync(path, 'utf8').trim().split('\n');
    const cut = lines.findIndex(
      (l) => l.includes('"step-start"') && l.includes('hub#0@w3') && l.includes('"step":1'),
    );
    assert.ok(cut > 0);
    const kept = lines
      .slice(0, cut + 1)
      .join('\n')
      .replace(`"pid":${process.pid}`, '"pid":999999999');
    writeFileSync(path, `${kept}\n{"t":"step-e`);
    assert.equal(listRuns(dir)[0]!.state, 'interrupted');
    await resumeRollout(deps(dir, fleet), 'last');
    assert.equal(fleet.count('start hub#0@w3'), 2, 'the in-flight step runs again');
    assert.equal(fleet.count('stop hub#0@w3'), 1);
    assert.equal(fleet.count('start hub#0@w1'), 1);
  } finally {
    rmSync(dir, { recursive: true });
  }
});

test('resume refuses a finished run and a run whose plan changed', async () => {
  const dir = tempDir();
  try {
    const fleet = new FakeFleet();
    const done = await runRollout(deps(dir, fleet), request);
    await assert.rejects(
      resumeRollout(deps(dir, fleet), done.runId!),
      (e: unknown) => e instanceof UsageError && /is done/.test(e.message),
    );
    const runId = await interruptedRun(dir, fleet, 3);
    await assert.rejects(
      resumeRollout(deps(dir, fleet, ['w1', 'w2', 'w3']), runId),
      /plan changed since it started \(no longer planned: hub#0@w4\)/,
    );
    await assert.rejects(resumeRollout(deps(dir, fleet), 'nope'), /no run `nope`/);
  } finally {
    rmSync(dir, { recursive: true });
  }
});

test('a quarantined unit stays quarantined across a resume and counts against the budget', async () => {
  const dir = tempDir();
  try {
    const fleet = new FakeFleet();
    fleet.failStep.add('start hub#0@w1');
    const ctl = new AbortController();
    fleet.afterStep = (n) => {
      if (n === 4) {
        ctl.abort();
      }
    };
    const first = await runRollout(
      deps(dir, fleet),
      { ...request, budget: { kind: 'count', n: 1 } },
      { signal: ctl.signal },
    );
    assert.equal(first.state, 'interrupted');
    fleet.afterStep = undefined;
    fleet.failStep.clear();
    const r = await resumeRollout(deps(dir, fleet), first.runId!);
    assert.equal(r.state, 'failed');
    assert.deepEqual(
      r.failed.map((f) => f.unit),
      ['hub#0@w1'],
    );
    assert.equal(fleet.count('start hub#0@w1'), 1, 'not retried');
    assert.equal(r.done.length, 3);
  } finally {
    rmSync(dir, { recursive: true });
  }
});

test('runs lists a run whose process is gone as interrupted, with its progress', async () => {
  const dir = tempDir();
  try {
    const fleet = new FakeFleet();
    const runId = await interruptedRun(dir, fleet, 3);
    const path = journalPath(dir, runId);
    const lines = readFileSync(path, 'utf8')
      .trim()
      .split('\n')
      .filter((l) => !l.includes('"t":"end"'));
    writeFileSync(path, `${lines.join('\n')}\n`);
    const [run] = listRuns(dir);
    assert.deepEqual(
      { state: run!.state, finished: run!.unitsFinished, units: run!.units, op: run!.op },
      { state: 'running', finished: 1, units: 4, op: 'restart' },
    );
    // That pid (ours) is alive; once it is not, the run reads as interrupted.
    writeFileSync(
      path,
      readFileSync(path, 'utf8').replace(`"pid":${process.pid}`, '"pid":999999999'),
    );
    assert.equal(listRuns(dir)[0]!.state, 'interrupted');
  } finally {
    rmSync(dir, { recursive: true });
  }
});

test('torn journal, resume, kill, resume (the probe): appends start on a record boundary; the run is never lost', async () => {
  const dir = tempDir();
  try {
    const fleet = new FakeFleet();
    const runId = await interruptedRun(dir, fleet, 3); // w1 done; w2 stopped, not started
    const path = journalPath(dir, runId);
    assert.equal(statSync(path).mode & 0o777, 0o600, 'journals are 0600');
    // SIGKILL mid-write: the end record and the last bytes of the record before it are gone.
    const text = readFileSync(path, 'utf8').replace(`"pid":${process.pid}`, '"pid":999999999');
    const noEnd = text.slice(0, text.lastIndexOf('{"t":"end"'));
    writeFileSync(path, noEnd.slice(0, -25), { mode: 0o644 });
    const [listed] = listRuns(dir);
    assert.equal(listed!.state, 'interrupted');
    assert.match(listed!.damage!.join(), /line \d+: torn last record/);
    assert.deepEqual(
      listed!.inFlight?.map((u) => u.unit),
      ['hub#0@w2'],
      'the unit left stopped is shown',
    );
    // A resume killed right after its attempt record: nothing of it lands on the torn line.
    const events: RolloutEvent[] = [];
    const ctl = new AbortController();
    fleet.afterStep = () => ctl.abort();
    const r1 = await resumeRollout(deps(dir, fleet), runId, {
      signal: ctl.signal,
      onEvent: (e) => events.push(e),
    });
    fleet.afterStep = undefined;
    assert.equal(r1.state, 'interrupted');
    const resumed = events.find((e) => e.kind === 'resume');
    assert.ok(resumed?.kind === 'resume');
    assert.match(resumed.damage!.join(), /a torn last record \(\d+ bytes\) was cut/);
    const lines = readFileSync(path, 'utf8').trim().split('\n');
    assert.ok(
      lines.every((l) => JSON.parse(l)),
      'every line is one whole record',
    );
    assert.equal(statSync(path).mode & 0o777, 0o600, 'an appended journal is made 0600');
    // Kill mid-write again (tear the end record), then resume to the end.
    writeFileSync(path, readFileSync(path, 'utf8').slice(0, -10));
    const r2 = await resumeRollout(deps(dir, fleet), runId);
    assert.equal(r2.state, 'done');
    for (const h of HOSTS) {
      assert.equal(fleet.count(`start hub#0@${h}`) >= 1, true, `${h} started again`);
    }
    assert.equal(listRuns(dir)[0]!.state, 'done');
  } finally {
    rmSync(dir, { recursive: true });
  }
});

test('a record appended onto a torn one (older versions) is still read; the run resumes', async () => {
  const dir = tempDir();
  try {
    const fleet = new FakeFleet();
    const runId = await interruptedRun(dir, fleet, 3);
    const path = journalPath(dir, runId);
    const text = readFileSync(path, 'utf8').replace(`"pid":${process.pid}`, '"pid":999999999');
    const body = text.slice(0, text.lastIndexOf('{"t":"end"'));
    const attempt = JSON.stringify({ t: 'attempt', user: 'x', host: 'gone', pid: 1, at: 'now' });
    const step = JSON.stringify({ t: 'step-start', unit: 'hub#0@w3', step: 0, at: 'now' });
    writeFileSync(path, `${body.slice(0, -25)}${attempt}\n${step}\n{"t":"ste`);
    const [listed] = listRuns(dir);
    assert.equal(listed!.state, 'interrupted');
    assert.match(listed!.damage!.join('; '), /unreadable record .*; line \d+: torn last record/);
    const r = await resumeRollout(deps(dir, fleet), runId);
    assert.equal(r.state, 'done');
  } finally {
    rmSync(dir, { recursive: true });
  }
});

test('a journal whose run record is torn is listed as damaged; resume exits with a UsageError', async () => {
  const dir = tempDir();
  try {
    const fleet = new FakeFleet();
    const runId = await interruptedRun(dir, fleet, 3);
    const path = journalPath(dir, runId);
    writeFileSync(path, readFileSync(path, 'utf8').slice(0, 40));
    const [listed] = listRuns(dir);
    assert.deepEqual(
      { state: listed!.state, op: listed!.op, target: listed!.target, runId: listed!.runId },
      { state: 'damaged', op: 'restart', target: 'hub', runId },
    );
    await assert.rejects(
      resumeRollout(deps(dir, fleet), runId),
      (e: unknown) =>
        e instanceof UsageError && /run record is unreadable.*start a new run/.test(e.message),
    );
  } finally {
    rmSync(dir, { recursive: true });
  }
});

test('an unusable journal directory is a clear error (exit 2) before any host or the lock is touched', async (t) => {
  const dir = tempDir();
  t.after(() => rmSync(dir, { recursive: true, force: true }));
  const fleet = new FakeFleet();
  let locked = 0;
  const withLocker = (d: string): RolloutDeps => ({
    ...deps(d, fleet),
    locker: {
      where: 'fake',
      acquire: async () => {
        locked++;
        return {
          where: 'fake',
          lost: new Promise<string>(() => undefined),
          release: async () => {},
        };
      },
    },
  });
  // `.salvo` is a file.
  writeFileSync(join(dir, '.salvo'), 'oops');
  await assert.rejects(
    runRollout(withLocker(dir), request),
    (e: unknown) =>
      e instanceof UsageError &&
      e.message.includes(`cannot write the run journal under ${join(dir, '.salvo', 'runs')}`) &&
      /\.salvo is in the way \(not a directory\); no host was touched/.test(e.message),
  );
  // A read-only services directory (a read-only mount: root ignores file modes).
  const ro = join(dir, 'ro');
  mkdirSync(ro);
  const mounted =
    process.getuid?.() === 0 &&
    spawnSync('mount', ['-t', 'tmpfs', '-o', 'ro,size=1m', 'tmpfs', ro]).status === 0;
  if (!mounted) {
    chmodSync(ro, 0o555);
  }
  try {
    await assert.rejects(
      runRollout(withLocker(ro), request),
      (e: unknown) =>
        e instanceof UsageError &&
        /cannot write the run journal under .*: .*(EROFS|EACCES)/.test(e.message),
    );
  } finally {
    if (mounted) {
      spawnSync('umount', [ro]);
    }
  }
  assert.equal(fleet.ran.length, 0, 'no command ran');
  assert.equal(locked, 0, 'the lock was not taken');
});
