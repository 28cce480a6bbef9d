// Bounded memory in the daily command: two hosts printing 1 GiB each through `salvo exec`, in
// streaming mode (-L: every line written out, none kept) and in folded mode (the head and tail of
// each host kept, the middle dropped and said so), stay under 200 MiB of peak RSS in the CLI
// process (measured by /usr/bin/time's maximum resident set size of the salvo process itself).
import { test } from 'node:test';
import assert from 'node:assert/strict';
import { spawnSync } from 'node:child_process';
import { existsSync, readFileSync, writeFileSync } from 'node:fs';
import { join, resolve } from 'node:path';
import { withLab, isRoot } from '../lab-fixture.js';

const BIN = resolve('bin/salvo');
const GiB = 2 ** 30;
const LINE = 4096; // bytes per line, newline included: 262144 lines per host
// 1 GiB per host of 4 KiB lines, written by the host's own coreutils.
const FLOOD = `yes "$(head -c ${LINE - 1} /dev/zero | tr '\\0' x)" | head -c ${GiB}`;

/** Run salvo under /usr/bin/time with stdout counted by wc -c: [exit, stdout bytes, stderr, KiB]. */
function measured(
  dir: string,
  args: string[],
): { code: number; bytes: number; stderr: string; rssKiB: number } {
  const rssFile = join(dir, `rss-${args.join('-').replace(/\W+/g, '_')}`);
  const errFile = `${rssFile}.err`;
  const q = (s: string): string => `'${s.replace(/'/g, `'\\''`)}'`;
  // pipefail: salvo's exit status, not wc's; the count proves every byte went through the pipe.
  const script = `set -o pipefail; /usr/bin/time -f %M -o ${q(rssFile)} ${q(process.execPath)} ${q(BIN)} ${args.map(q).join(' ')} 2>${q(errFile)} </dev/null | wc -c`;
  const r = spawnSync('bash', ['-c', script], { encoding: 'utf8', timeout: 600_000 });
  return {
    code: r.status ?? -1,
    bytes: Number(r.stdout.trim()),
    stderr: existsSync(errFile) ? readFileSync(errFile, 'utf8') : r.stderr,
    rssKiB: Number(readFileSync(rssFile, 'utf8').trim().split('\n').pop()),
  };
}

test('2 hosts × 1 GiB through salvo exec: streamed and folded within 200 MiB', {
  skip:
    (!isRoot && 'needs root (network namespaces)') ||
    (!existsSync('/usr/bin/time') && 'needs /usr/bin/time'),
  timeout: 1_200_000,
}, async (t) => {
  await withLab(2, async (lab) => {
    const s = ['-s', lab.servicesFile];

    // Sizes are read one way everywhere.
    assert.ok(/ {2}concurrency: 64\n/.test(readFileSync(lab.servicesFile, 'utf8')));

    await t.test('-L: every line written out with its prefix, none kept', (t) => {
      const r = measured(lab.dir, [...s, 'exec', '-L', 'cloud[1-2]', '--', FLOOD]);
      assert.equal(r.code, 0, r.stderr);
      const lines = GiB / LINE;
      assert.equal(r.bytes, 2 * (GiB + lines * 'cloudN: '.length), 'every byte, every prefix');
      assert.doesNotMatch(r.stderr, /output cut/, 'nothing was kept, so nothing was cut');
      t.diagnostic(`peak RSS ${Math.round(r.rssKiB / 1024)} MiB`);
      assert.ok(r.rssKiB < 200 * 1024, `peak RSS ${Math.round(r.rssKiB / 1024)} MiB`);
    });

    await t.test('-b: each host keeps its head and tail, the cut is said; bounded', (t) => {
      // Each host names itself first: the same flood's kept head and tail can be byte-identical on
      // both hosts (the tail window's phase is the same), and identical output folds into one
      // block, as it should; this test is about what each host keeps.
      const r = measured(lab.dir, [...s, 'exec', '-b', 'cloud[1-2]', '--', `hostname; ${FLOOD}`]);
      assert.equal(r.code, 0, r.stderr);
      // Per host the default 8.25 MiB kept (the tail window rolls: between 256 and 512 KiB).
      assert.ok(r.bytes > 16 * 2 ** 20 && r.bytes < 18 * 2 ** 20, `${r.bytes} bytes printed`);
      assert.match(
        r.stderr,
        /output cut: cloud\[1-2\] \(2\): \d+\.\d (MiB|GiB) in the middle not kept/,
      );
      t.diagnostic(`peak RSS ${Math.round(r.rssKiB / 1024)} MiB`);
      assert.ok(r.rssKiB < 200 * 1024, `peak RSS ${Math.round(r.rssKiB / 1024)} MiB`);
    });

    await t.test('--max-output sets what is kept', () => {
      const r = measured(lab.dir, [
        ...s,
        'exec',
        '--max-output',
        '256K',
        'cloud1',
        '--',
        'seq 1 1000000',
      ]);
      assert.equal(r.code, 0, r.stderr);
      assert.ok(r.bytes > 200_000 && r.bytes < 300_000, `${r.bytes} bytes printed`);
      assert.match(r.stderr, /output cut: cloud1 \(1\)/);
      const bad = spawnSync(
        process.execPath,
        [BIN, ...s, 'exec', '--max-output', '1K', 'cloud1', '--', 'true'],
        {
          encoding: 'utf8',
        },
      );
      assert.equal(bad.status, 2);
      assert.match(bad.stderr, /--max-output 1K: at least 64K/);
      // The services file's ssh.max_output is the default; the flag wins over it.
      const file = join(lab.dir, 'max-output.yaml');
      const text = readFileSync(lab.servicesFile, 'utf8');
      writeFileSync(
        file,
        text.replace(/ {2}concurrency: 64\n/, '  concurrency: 64\n  max_output: 128K\n'),
      );
      const small = measured(lab.dir, ['-s', file, 'exec', 'cloud1', '--', 'seq 1 1000000']);
      assert.equal(small.code, 0, small.stderr);
      assert.ok(small.bytes > 100_000 && small.bytes < 150_000, `${small.bytes} bytes printed`);
      const flag = measured(lab.dir, [
        '-s',
        file,
        'exec',
        '--max-output',
        '1M',
        'cloud1',
        '--',
        'seq 1 1000000',
      ]);
      assert.ok(flag.bytes > 1_000_000 && flag.bytes < 1_100_000, `${flag.bytes} bytes printed`);
      writeFileSync(
        file,
        text.replace(/ {2}concurrency: 64\n/, '  concurrency: 64\n  max_output: 1K\n'),
      );
      const refused = spawnSync(process.execPath, [BIN, '-s', file, 'check'], { encoding: 'utf8' });
      assert.equal(refused.status, 2, refused.stdout + refused.stderr);
      assert.match(refused.stdout + refused.stderr, /ssh\.max_output: at least 64K/);
    });
  });
});
