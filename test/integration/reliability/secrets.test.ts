// Secrets stay secret, checked in one place on a 5-host lab with the Cassandra simulator: while
// `secrets init`, `cassandra auth-init`, cql as each user, a journaled repair and the --json
// reports run, no generated password appears in any process's argv (every process of this
// machine: the lab hosts share its process table), in any file of the lab (the journals under
// .salvo/, every host's /var/log, /srv and /root), in any CLI output, or in git after `git add -A`
// of the services directory.
import assert from 'node:assert/strict';
import { execFile, execFileSync } from 'node:child_process';
import { lstatSync, readFileSync, readdirSync } from 'node:fs';
import { join } from 'node:path';
import { test } from 'node:test';
import { isRoot, withLab } from '../lab-fixture.js';
import { runCli } from '../services/lab.js';

const sleep = (ms: number): Promise<void> => new Promise((r) => setTimeout(r, ms));

/** Every regular file under `dir`, except the subtree `skip`. */
function filesUnder(dir: string, skip: string): string[] {
  const out: string[] = [];
  for (const name of readdirSync(dir)) {
    const path = join(dir, name);
    const st = lstatSync(path);
    if (path === skip) {
      continue;
    }
    if (st.isDirectory()) {
      out.push(...filesUnder(path, skip));
    } else if (st.isFile()) {
      out.push(path);
    }
  }
  return out;
}

test('secrets: never in argv, logs, journals, --json output or git', {
  skip: !isRoot && 'needs root (network namespaces)',
  timeout: 600_000,
}, async () => {
  await withLab(5, async (lab) => {
    const file = lab.servicesFile;
    const started = await runCli(file, 'start', 'cassandra');
    assert.equal(started.code, 0, `${started.stdout}${started.stderr}`);
    for (let ring = await runCli(file, 'cassandra', 'status'); ring.code !== 0; ) {
      await sleep(300);
      ring = await runCli(file, 'cassandra', 'status');
    }

    // Every process of the machine, sampled until the work is done.
    const argvs = new Set<string>();
    let watching = true;
    const watcher = (async () => {
      while (watching) {
        const ps = await new Promise<string>((resolve) =>
          execFile('ps', ['-eo', 'args'], { maxBuffer: 16 << 20 }, (_e, out) => resolve(out)),
        );
        for (const line of ps.split('\n')) {
          argvs.add(line);
        }
      }
    })();
    const outputs: string[] = [];
    const run = async (...args: string[]) => {
      const r = await runCli(file, ...args);
      outputs.push(r.stdout, r.stderr);
      assert.equal(r.code, 0, `salvo ${args.join(' ')}: ${r.stdout}${r.stderr}`);
      return r;
    };
    let init: { dir: string; names: string[]; created: string[] };
    try {
      init = JSON.parse((await run('secrets', 'init', '--json')).stdout);
      await run('cassandra', 'auth-init');
      await run('cassandra', 'cql', '-e', 'LIST USERS', '--json');
      await run('cassandra', 'cql', '-u', 'hub', '-e', 'SELECT * FROM system.local', '--json');
      await run('cassandra', 'repair', '-k', 'system_auth');
      await run('cassandra', 'status', '--json');
      await run('secrets', 'list', '--json');
      await run('runs', '--json');
    } finally {
      watching = false;
      await watcher;
    }
    assert.deepEqual(init.created.sort(), ['hub', 'salvo_admin', 'snap']);
    const secrets = init.names.map((n) => readFileSync(join(init.dir, n), 'utf8').trim());
    for (const s of secrets) {
      assert.ok(s.length >= 16, 'a secret of at least 16 characters');
    }
    const leaks = (where: string, text: string | Buffer): string[] =>
      secrets.some((s) => text.includes(s)) ? [where] : [];

    assert.ok(argvs.size > 20, `ps was sampled (${argvs.size} distinct command lines)`);
    assert.deepEqual(
      [...argvs].flatMap((a) => leaks(`argv: ${a}`, a)),
      [],
    );
    assert.deepEqual(
      outputs.flatMap((o, i) => leaks(`output ${i}`, o)),
      [],
    );
    const files = filesUnder(lab.dir, join(lab.dir, 'secrets'));
    assert.ok(
      files.some((f) => f.includes(`${join('.salvo', 'runs')}`) && f.endsWith('journal.jsonl')),
      'the repair wrote a journal',
    );
    assert.ok(
      files.some((f) => f.endsWith('.log')),
      `the units wrote logs: ${files.filter((f) => f.includes('log')).slice(0, 20)}`,
    );
    assert.deepEqual(
      files.flatMap((f) => leaks(f, readFileSync(f))),
      [],
    );

    // git: the services directory added whole; secrets/ stays out (its own .gitignore).
    const git = (...args: string[]) =>
      execFileSync('git', ['-C', lab.dir, ...args], { encoding: 'utf8', maxBuffer: 64 << 20 });
    git('init', '-q');
    git('add', '-A');
    const tracked = git('ls-files').split('\n').filter(Boolean);
    assert.ok(
      tracked.some((f) => f.endsWith('services.yaml')),
      'the services file is tracked',
    );
    assert.deepEqual(
      tracked.filter((f) => f.startsWith('secrets/')),
      [],
    );
  });
});
