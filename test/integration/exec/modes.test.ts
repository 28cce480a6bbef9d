// salvo exec as a clush/pdsh user drives it, on a real lab: lines streamed as they arrive (tail -f),
// remote stderr on our stderr, stdin forwarded to every host (never read from a terminal), a pty,
// retry hints that keep the run's flags, and a connect timeout that means what it says.
import { test } from 'node:test';
import assert from 'node:assert/strict';
import { spawn, spawnSync } from 'node:child_process';
import { readFile, writeFile } from 'node:fs/promises';
import { join, resolve } from 'node:path';
import { withLab, isRoot } from '../lab-fixture.js';
import { Deployment } from '../../../admin/index.js';

const BIN = resolve('bin/salvo');

function salvo(
  args: string[],
  input?: string,
): { code: number | null; stdout: string; stderr: string; ms: number } {
  const started = Date.now();
  const r = spawnSync(process.execPath, [BIN, ...args], {
    encoding: 'utf8',
    ...(input !== undefined ? { input } : { stdio: ['ignore', 'pipe', 'pipe'] }),
  });
  return { code: r.status, stdout: r.stdout, stderr: r.stderr, ms: Date.now() - started };
}

/** Start salvo and resolve once `pattern` shows up on its stdout (the process keeps running). */
function startUntil(args: string[], pattern: RegExp) {
  const child = spawn(process.execPath, [BIN, ...args], { stdio: ['ignore', 'pipe', 'pipe'] });
  let stdout = '';
  let stderr = '';
  const exited = new Promise<number | null>((res) => child.once('exit', (c) => res(c)));
  const seen = new Promise<string>((res, rej) => {
    child.stdout.on('data', (d: Buffer) => {
      stdout += d.toString();
      if (pattern.test(stdout)) {
        res(stdout);
      }
    });
    child.stderr.on('data', (d: Buffer) => {
      stderr += d.toString();
    });
    void exited.then(() => rej(new Error(`exited before ${pattern}: ${stdout} / ${stderr}`)));
  });
  return { child, seen, exited, output: () => ({ stdout, stderr }) };
}

test('salvo exec modes on a lab', {
  skip: !isRoot && 'needs root (network namespaces)',
}, async (t) => {
  await withLab(3, async (lab) => {
    const s = ['-s', lab.servicesFile];

    await t.test('-L prints each line as it arrives, before the command ends', async () => {
      const run = startUntil(
        [...s, 'exec', '-L', 'cloud[1-2]', '--', 'echo first; sleep 60; echo never'],
        /cloud1: first\n[\s\S]*cloud2: first\n|cloud2: first\n[\s\S]*cloud1: first\n/,
      );
      await run.seen; // both lines are here while the hosts still sleep
      assert.equal(run.child.exitCode, null, 'still running');
      run.child.kill('SIGINT');
      assert.equal(await run.exited, 130);
      assert.doesNotMatch(run.output().stdout, /never/);
    });

    await t.test('tail -f shows lines appended while it runs', async () => {
      const log = '/var/log/salvo-exec-test.log';
      assert.equal(salvo([...s, 'exec', 'cloud1', '--', `: > ${log}`]).code, 0);
      const run = startUntil(
        [...s, 'exec', '-L', 'cloud1', '--', `tail -n 0 -f ${log}`],
        /appended/,
      );
      run.seen.catch(() => undefined); // awaited below through the output itself
      // tail has started once its process is there; then append, and wait for the line.
      for (let i = 0; ; i++) {
        const ps = salvo([...s, 'exec', 'cloud1', '--', `pgrep -f 'tail -n 0 -f ${log}'`]);
        if (ps.code === 0) {
          break;
        }
        assert.ok(i < 100, 'tail never started');
        await new Promise((r) => setTimeout(r, 100));
      }
      assert.equal(salvo([...s, 'exec', 'cloud1', '--', `echo appended-line >> ${log}`]).code, 0);
      await new Promise<void>((res) => {
        const check = (): void => {
          if (/cloud1: appended-line\n/.test(run.output().stdout)) {
            res();
          } else {
            setTimeout(check, 50);
          }
        };
        check();
      });
      run.child.kill('SIGINT');
      await run.exited;
    });

    await t.test(
      '-L streams every byte of a flood past the kept-output bound, through a pipe',
      () => {
        // 2e6 lines ≈ 15 MB: more than a result keeps (8 MiB head + tail), all of it streamed.
        const cmd = `"${process.execPath}" "${BIN}" -s "${lab.servicesFile}" exec -L cloud1 -- 'seq 1 2000000' | (sleep 1; awk 'NR==1{f=$2} {n++; l=$2} END{print n, f, l}')`;
        const r = spawnSync('sh', ['-c', cmd], { encoding: 'utf8' });
        assert.equal(r.stdout.trim(), '2000000 1 2000000', r.stderr);
      },
    );

    await t.test('remote stderr goes to our stderr, folded or streamed', () => {
      for (const mode of ['-b', '-L']) {
        const r = salvo([...s, 'exec', mode, 'cloud[1-2]', '--', 'echo out; echo oops >&2']);
        assert.equal(r.code, 0, r.stderr);
        assert.doesNotMatch(r.stdout, /oops/, `${mode}: no stderr on stdout`);
        assert.match(r.stderr, /oops/, mode);
        assert.match(r.stdout, /out/, mode);
      }
    });

    await t.test('stdin is forwarded to every host', () => {
      const r = salvo([...s, 'exec', 'cloud[1-2]', '--', 'cat'], 'hello\n');
      assert.equal(r.code, 0, r.stderr);
      assert.match(r.stdout, /cloud\[1-2\] \(2\) exit 0\n-+\nhello\n/);
      const file = join(lab.dir, 'input.txt');
      return writeFile(file, 'from a file\n').then(() => {
        const f = salvo([...s, 'exec', '--stdin', file, '-L', 'cloud[1-3]', '--', 'cat']);
        assert.deepEqual(f.stdout.trim().split('\n').sort(), [
          'cloud1: from a file',
          'cloud2: from a file',
          'cloud3: from a file',
        ]);
      });
    });

    await t.test('no stdin is read from a terminal; --no-stdin sends none', async () => {
      // `script` gives salvo a terminal as stdin: cat must see EOF at once, not wait for typing.
      const cmd = `"${process.execPath}" "${BIN}" -s "${lab.servicesFile}" exec -b cloud1 -- cat; echo rc=$?`;
      const r = spawnSync('script', ['-qec', cmd, '/dev/null'], {
        encoding: 'utf8',
        timeout: 20_000,
      });
      assert.match(r.stdout, /rc=0/, r.stdout);
      // A pipe that never ends: with --no-stdin the command does not wait for it.
      const child = spawn(
        process.execPath,
        [BIN, ...s, 'exec', '--no-stdin', 'cloud1', '--', 'cat'],
        {
          stdio: ['pipe', 'pipe', 'pipe'],
        },
      );
      const code = await new Promise((res) => child.once('exit', res));
      child.stdin.destroy();
      assert.equal(code, 0);
    });

    await t.test('-t/--tty (and the old --pty) allocates a terminal', () => {
      for (const flag of ['-t', '--tty', '--pty']) {
        const r = salvo([...s, 'exec', flag, 'cloud1', '--', 'tty; test -t 0 && echo is-a-tty']);
        assert.equal(r.code, 0, r.stderr);
        assert.match(r.stdout, /\n\/dev\/pts\/\d+\nis-a-tty\n/, flag);
      }
      const plain = salvo([...s, 'exec', 'cloud1', '--', 'tty']);
      assert.match(plain.stdout, /not a tty/);
    });

    await t.test(
      '--script FILE runs a local script on every host, with its arguments',
      async () => {
        const file = join(lab.dir, "it's setup.sh");
        // bash syntax ([[ ]], arrays) under #!/bin/bash -eu: the #! line chose the interpreter.
        await writeFile(
          file,
          '#!/bin/bash -eu\nargs=("$@")\n[[ ${#args[@]} -eq 3 ]] && echo "argc 3"\n' +
            'printf "<%s>\\n" "$@"\necho "host $(hostname) mode $(stat -c %a "$0")"\n' +
            'case "$0" in "${TMPDIR:-/tmp}"/salvo-script.*) echo in-tmp;; esac\n' +
            'read -r line; echo "stdin: $line"\n',
        );
        const r = salvo(
          [...s, 'exec', 'cloud[1-2]', '--script', file, '--', 'a b', "it's", '$HOME;`x`'],
          'hello\n',
        );
        assert.equal(r.code, 0, r.stderr);
        for (const h of ['cloud1', 'cloud2']) {
          assert.ok(
            r.stdout.includes(
              `argc 3\n<a b>\n<it's>\n<$HOME;\`x\`>\nhost ${h} mode 600\nin-tmp\nstdin: hello\n`,
            ),
            r.stdout,
          );
        }
        // Removed after the run; and after a run killed by its timeout.
        const leftovers = (): string[] =>
          spawnSync('sh', ['-c', 'ls /tmp/salvo-script.* 2>/dev/null'], { encoding: 'utf8' })
            .stdout.split('\n')
            .filter(Boolean);
        assert.deepEqual(leftovers(), []);
        const slow = join(lab.dir, 'slow.sh');
        await writeFile(slow, 'echo started; sleep 60\n');
        const killed = salvo([...s, 'exec', '-T', '2s', 'cloud1', '--script', slow]);
        assert.equal(killed.code, 1, killed.stderr);
        assert.match(killed.stdout, /started/);
        assert.match(killed.stderr, /retry: salvo -s \S+ exec -T 2s --script \S+slow\.sh cloud1\n/);
        assert.deepEqual(leftovers(), []);
        // A script's exit status is the host's; its name, not its text, is what people see.
        await writeFile(slow, 'exit 7\n');
        const json = salvo([...s, 'exec', '--json', 'cloud1', '--script', slow, '--', 'x y']);
        const row = JSON.parse(json.stdout.trim()) as { exitCode: number };
        assert.equal(row.exitCode, 7);
        const dep = await Deployment.open(lab.servicesFile, { session: false });
        try {
          const [one] = await dep.script('cloud1', { name: 'slow.sh', content: 'exit 7\n' }, [
            'x y',
          ]);
          assert.equal(one?.exitCode, 7);
          assert.equal(one?.command, "script slow.sh 'x y'");
          const [root] = await dep.script('cloud1', { name: 'id.sh', content: 'id -un' }, [], {
            sudo: true,
          });
          assert.equal(root?.stdout, 'root\n');
          assert.equal(root?.command, 'sudo -n -- script id.sh');
        } finally {
          await dep.close();
        }
        // Arguments without -- would be ambiguous with a command: refused.
        const bad = salvo([...s, 'exec', 'cloud1', '--script', slow, 'uptime']);
        assert.equal(bad.code, 2, bad.stderr);
        assert.match(bad.stderr, /put the script's arguments after --/);
      },
    );

    await t.test('the retry hint keeps the flags and quotes the node set', () => {
      const r = salvo([...s, 'exec', '-T', '1s', '-f', '2', '-t', 'cloud[1-2]', '--', 'sleep 5']);
      assert.equal(r.code, 1);
      const hint = /retry: (.*)\n/.exec(r.stderr)?.[1];
      assert.equal(
        hint,
        `salvo -s ${lab.servicesFile} exec -f 2 -T 1s -t 'cloud[1-2]' -- 'sleep 5'`,
        r.stderr,
      );
      // The old spelling of the timeout is refused, not read as a node set or a duration.
      const old = salvo([...s, 'exec', '-t', '1s', 'cloud1', '--', 'true']);
      assert.equal(old.code, 2, old.stderr);
      assert.match(old.stderr, /-t 1s: -t now allocates a terminal .* -T\/--timeout 1s/);
    });

    await t.test('connect_timeout bounds the connect: no hidden retries past it', async () => {
      const text = await readFile(lab.servicesFile, 'utf8');
      const file = join(lab.dir, 'dead.yaml');
      // .200 is on the lab's subnet but nobody answers: the SYN gets no reply at all.
      await writeFile(
        file,
        text
          .replace(/ {2}concurrency: 64\n/, '  concurrency: 64\n  connect_timeout: 1\n')
          .replace(/hosts:\n/, `hosts:\n  dead1: { address: "198.18.${lab.id}.200" }\n`),
      );
      const r = salvo(['-s', file, 'exec', '-v', 'dead1', '--', 'true']);
      assert.equal(r.code, 3, r.stderr);
      assert.match(r.stdout + r.stderr, /within 1000 ms/);
      // One attempt: a retry would be noted under -v and counted in the message.
      assert.doesNotMatch(r.stdout + r.stderr, /connect attempt|attempts within/);
      // Timed in-process (no Node start-up in it): three attempts would take 3 s.
      const dep = await Deployment.open(file, { session: false });
      try {
        const started = Date.now();
        const [one] = await dep.exec('dead1', 'true');
        const ms = Date.now() - started;
        assert.equal(one?.ok, false);
        assert.ok(ms < 2900, `took ${ms} ms`);
      } finally {
        await dep.close();
      }
    });
  });
});
