// The CLI against a real lab: --json, host-key trust on purpose, Ctrl-C and SIGTERM with partial results.
import { test } from 'node:test';
import assert from 'node:assert/strict';
import { spawn, spawnSync, execFileSync } from 'node:child_process';
import { readFile, writeFile } from 'node:fs/promises';
import { join, resolve } from 'node:path';
import { withLab, isRoot } from '../lab-fixture.js';

const BIN = resolve('bin/salvo');

function salvo(args: string[]): { code: number | null; stdout: string; stderr: string } {
  const r = spawnSync(process.execPath, [BIN, ...args], { encoding: 'utf8' });
  return { code: r.status, stdout: r.stdout, stderr: r.stderr };
}

// Processes (in any lab namespace: they share this machine's pid space) whose argv is `marker`.
function countProcesses(marker: string): number {
  const left = execFileSync(
    'sh',
    ['-c', `ps -eo args | grep -c '[${marker[0]}]${marker.slice(1)}' || true`],
    { encoding: 'utf8' },
  );
  return Number(left.trim());
}

test('CLI on a lab', { skip: !isRoot && 'needs root (network namespaces)' }, async (t) => {
  await withLab(5, async (lab) => {
    const s = ['-s', lab.servicesFile];

    await t.test('--json prints one object per host', () => {
      const r = salvo([...s, 'exec', '--json', 'cloud[1-5]', '--', 'hostname']);
      assert.equal(r.code, 0, r.stderr);
      const rows = r.stdout
        .trim()
        .split('\n')
        .map((l) => JSON.parse(l) as { host: string; ok: boolean; stdout: string });
      assert.deepEqual(rows.map((x) => x.host).sort(), [
        'cloud1',
        'cloud2',
        'cloud3',
        'cloud4',
        'cloud5',
      ]);
      for (const row of rows) {
        assert.equal(row.stdout, `${row.host}\n`);
      }
    });

    await t.test(
      'exec output through a slow pipe arrives whole (the same bytes as into a file)',
      async () => {
        const cmd = `"${process.execPath}" "${BIN}" -s "${lab.servicesFile}" exec 'cloud[1-2]' -- 'seq 1 100000'`;
        const file = join(lab.dir, 'exec-out.txt');
        execFileSync('sh', ['-c', `${cmd} > "${file}"`]);
        const intoFile = (await readFile(file)).length;
        assert.ok(intoFile > 588_000, `file got ${intoFile} bytes`);
        const piped = Number(
          execFileSync('sh', ['-c', `${cmd} | (sleep 1; wc -c)`], { encoding: 'utf8' }).trim(),
        );
        assert.equal(piped, intoFile);
      },
    );

    await t.test('-v prints what each connection negotiated, one line per host, on stderr', () => {
      const r = salvo([...s, 'exec', '-v', 'cloud[1-3]', '--', 'true']);
      assert.equal(r.code, 0, r.stderr);
      const lines = r.stderr
        .split('\n')
        .filter((l) => / kex /.test(l))
        .sort();
      assert.equal(lines.length, 3, r.stderr);
      for (const [i, line] of lines.entries()) {
        assert.match(
          line,
          new RegExp(
            `^cloud${i + 1}: root@198\\.18\\.\\d+\\.\\d+:22: kex curve25519-sha256, host key ssh-ed25519, cipher \\S+$`,
          ),
        );
      }
      assert.doesNotMatch(r.stdout, / kex /, 'nothing of it on stdout');
    });

    await t.test('an unknown host key is refused until trusted on purpose', async () => {
      const original = await readFile(lab.knownHostsFile, 'utf8');
      await writeFile(
        lab.knownHostsFile,
        original
          .split('\n')
          .filter((l) => !l.startsWith('cloud5,'))
          .join('\n'),
      );
      const refused = salvo([...s, 'exec', 'cloud[4-5]', '--', 'true']);
      assert.equal(refused.code, 3, refused.stderr);
      assert.match(refused.stdout, /salvo hosts trust cloud5/);
      assert.match(refused.stderr, /unreachable: cloud5 \(1\)/);

      const trusted = salvo([...s, 'hosts', 'trust', 'cloud5']);
      assert.equal(trusted.code, 0, trusted.stderr + trusted.stdout);
      // The fingerprint OpenSSH computes from the key the lab recorded when it made the host.
      const line = original.split('\n').find((l) => l.startsWith('cloud5,'))!;
      const keyFile = join(lab.dir, 'cloud5.pub');
      await writeFile(keyFile, `${line}\n`);
      const expected = execFileSync('ssh-keygen', ['-lf', keyFile], { encoding: 'utf8' }).split(
        ' ',
      )[1]!;
      assert.match(
        trusted.stdout,
        new RegExp(`cloud5\\s+added\\s+.*${expected.replace(/[+/]/g, '\\$&')}`),
      );
      assert.equal(salvo([...s, 'exec', 'cloud5', '--', 'true']).code, 0);
      const again = salvo([...s, 'hosts', 'trust', 'cloud5']);
      assert.match(again.stdout, /already known/);
    });

    // SIGTERM (systemd, a cron wrapper) goes through main() like Ctrl-C, with its own exit code.
    // --json shows the moment cloud1's result has arrived (folded output shows nothing until the
    // end), so the signal lands when one host is done and four still run, however loaded the
    // machine; folded output is checked with all five still running.
    for (const [signal, exitCode, mode] of [
      ['SIGINT', 130, 'json'],
      ['SIGTERM', 143, 'fold'],
    ] as const) {
      await t.test(
        `${signal} stops remote work and prints partial results (exit ${exitCode}, ${mode})`,
        async () => {
          const marker = `sleep 400.${process.pid}`;
          const all = mode === 'fold';
          const child = spawn(
            process.execPath,
            [
              BIN,
              ...s,
              'exec',
              ...(all ? [] : ['--json']),
              'cloud[1-5]',
              '--',
              all ? marker : `test "$(hostname)" = cloud1 || ${marker}`,
            ],
            { stdio: ['ignore', 'pipe', 'pipe'] },
          );
          let out = '';
          let err = '';
          child.stdout.on('data', (d) => {
            out += String(d);
          });
          child.stderr.on('data', (d) => {
            err += String(d);
          });
          // Signal only once every remote sleep runs (then the CLI's handlers are in place
          // whatever its start-up took) and, in --json, once cloud1's row is out.
          const sleeping = all ? 5 : 4;
          const deadline = Date.now() + 60_000;
          while (countProcesses(marker) < sleeping || (!all && !/"host":"cloud1"/.test(out))) {
            assert.ok(Date.now() < deadline, `the remote sleeps never all started:\n${out}${err}`);
            assert.equal(child.exitCode, null, `exec ended early:\n${out}${err}`);
            await new Promise((r) => setTimeout(r, 100));
          }
          child.kill(signal);
          const code = await new Promise<number | null>((r) => child.on('exit', (c) => r(c)));
          assert.equal(code, exitCode, err);
          if (all) {
            assert.match(out, /cloud\[1-5\] \(5\) aborted/);
            assert.match(err, /aborted: cloud\[1-5\] \(5\)/);
          } else {
            const rows = out
              .trim()
              .split('\n')
              .map((l) => JSON.parse(l) as { host: string; ok: boolean; exitCode?: number });
            const cloud1 = rows.find((r) => r.host === 'cloud1');
            assert.equal(cloud1?.ok, true, out);
            assert.equal(cloud1?.exitCode, 0, out);
            assert.match(err, /aborted: cloud\[2-5\] \(4\)/);
          }
          // The CLI has killed them before exiting; sshd reaps on its own time.
          const reaped = Date.now() + 5000;
          while (countProcesses(marker) > 0 && Date.now() < reaped) {
            await new Promise((r) => setTimeout(r, 100));
          }
          assert.equal(countProcesses(marker), 0, 'remote sleeps are gone');
        },
      );
    }
  });
});
