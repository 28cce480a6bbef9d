// The manifest a backup writes at publish time (remote/sums.ts, run here by the local sh): every
// file hashed as sha256sum would (odd names escaped), counts in .count, and in a snapshot
// hard-linked against the previous one the unchanged files' lines taken from the previous
// MANIFEST rather than from reading them again.
import { test } from 'node:test';
import assert from 'node:assert/strict';
import { execFileSync, spawn } from 'node:child_process';
import { existsSync, readdirSync, readFileSync, readlinkSync } from 'node:fs';
import { link, mkdir, mkdtemp, readFile, rm, writeFile } from 'node:fs/promises';
import { setTimeout as sleep } from 'node:timers/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { SUMS_FUNCTIONS } from '../../admin/backup/remote/sums.js';
import { parseSums } from '../../admin/backup/verify.js';

const sh = (script: string, ...args: string[]): string =>
  execFileSync('sh', ['-c', `${SUMS_FUNCTIONS}\n${script}`, 'sh', ...args], { encoding: 'utf8' });

/** What sha256sum says of every file under dir/tree (the reference). */
function reference(dir: string): Map<string, string> {
  return parseSums(
    execFileSync(
      'sh',
      ['-c', 'cd "$1/tree" && find . -type f -print0 | xargs -0 sha256sum', 'sh', dir],
      {
        encoding: 'utf8',
      },
    ),
  );
}

test('manifest: every file, odd names escaped; unchanged hard-linked files keep their line', async (t) => {
  const root = await mkdtemp(join(tmpdir(), 'salvo-manifest-'));
  t.after(() => rm(root, { recursive: true, force: true }));
  const one = join(root, 'one');
  const two = join(root, 'two');
  await mkdir(join(one, 'tree/srv/sub'), { recursive: true });
  const files: Record<string, string> = {
    'srv/same': 'unchanged\n',
    'srv/changed': 'before\n',
    'srv/sp ace': 'a space\n',
    'srv/new\nline': 'a newline\n',
    'srv/back\\slash': 'a backslash\n',
    'srv/sub/deep': 'x'.repeat(100_000),
  };
  for (const [p, text] of Object.entries(files)) {
    await writeFile(join(one, 'tree', p), text);
  }
  sh('manifest "$1" ""', one);
  const first = parseSums(await readFile(join(one, 'MANIFEST'), 'utf8'));
  assert.deepEqual(first, reference(one));
  assert.equal(first.size, 6);
  const size = Object.values(files).reduce((n, x) => n + Buffer.byteLength(x), 0);
  assert.equal((await readFile(join(one, '.count'), 'utf8')).trim(), `6 ${size}`);

  // The next snapshot as rsync --link-dest leaves it: unchanged files hard-linked, the changed
  // one a new file. The previous MANIFEST's line for srv/same is planted (a hash of nothing like
  // the file): finding it in the new MANIFEST shows the file was not read again.
  await mkdir(join(two, 'tree/srv/sub'), { recursive: true });
  for (const p of Object.keys(files).filter((x) => x !== 'srv/changed')) {
    await link(join(one, 'tree', p), join(two, 'tree', p));
  }
  await writeFile(join(two, 'tree/srv/changed'), 'after\n');
  await writeFile(join(two, 'tree/srv/added'), 'new file\n');
  const planted = `${'ab'.repeat(32)}  ./srv/same`;
  const old = await readFile(join(one, 'MANIFEST'), 'utf8');
  await writeFile(join(one, 'MANIFEST'), old.replace(/^.*\.\/srv\/same$/m, planted));
  sh('manifest "$1" "$2"', two, one);
  const text = await readFile(join(two, 'MANIFEST'), 'utf8');
  assert.match(text, new RegExp(`^${planted}$`, 'm'));
  const second = parseSums(text);
  const want = reference(two);
  want.set('./srv/same', 'ab'.repeat(32));
  assert.deepEqual(second, want);
  assert.notEqual(second.get('./srv/changed'), first.get('./srv/changed'));
  assert.equal((await readFile(join(two, '.count'), 'utf8')).trim(), `7 ${size - 7 + 6 + 9}`);
  const left = sh('ls -A "$1"', two).trim().split('\n').sort();
  assert.deepEqual(left, ['.count', 'MANIFEST', 'tree'], 'no work files left');
});

/**
 * rsync into dir/tree with the receiving rsync (a server, through a local "remote shell" $3: a
 * local rsync's own log comes from its sender) logging to the early hasher, as receive.ts runs
 * it; then `manifest`, with `between` run after the hasher ended and before the manifest.
 */
/** A "remote shell" that runs the remote command here. */
const RSH = '#!/bin/sh\nshift\nexec sh -c "$*"\n';

const withEarly = (between: string): string => `
mkdir -p "$2/tree" && early "$2" && [ -n "$ep" ] || exit 9
rsync -aH -e "$3" ${'${el:+"-M$el" "-M--log-file-format=%i %l %n"}'} "$1/" "x:$2/tree/" 5>&- || exit 8
early_end
${between}
manifest "$2" ""`;

test('early hashing: finished files hashed during the transfer; a hash is used only for an unchanged, fsynced inode', async (t) => {
  const root = await mkdtemp(join(tmpdir(), 'salvo-early-'));
  t.after(() => rm(root, { recursive: true, force: true }));
  const src = join(root, 'src');
  const snap = join(root, 'snap');
  await mkdir(join(src, 'd'), { recursive: true });
  for (let i = 1; i <= 40; i++) {
    await writeFile(join(src, 'd', `f${i}`), `${i}\n`.repeat(i * 100));
  }
  await writeFile(join(src, 'd', 'back\\slash'), 'odd\n');
  await link(join(src, 'd', 'f3'), join(src, 'd', 'f3-link'));
  // After the hasher: its records are there (two full batches of 16 were hashed and fsynced; the
  // rest is manifest's), then three planted hashes — for f1 (unchanged: the planted hash must be
  // used, which shows the file was not read again), for f10 (rewritten in place afterwards: its
  // ctime moves, so it is read again) and for f30 (another batch) with its batch's fsync record removed (not
  // durable as far as the manifest can tell: read again).
  const fake = (c: string): string => c.repeat(64);
  const between = `
    [ "$(grep -c . "$2/.early.k")" = 2 ] || exit 7
    for f in f1 f10 f30; do grep -q " \\./d/$f$" "$2/.early.s" || exit 7; done
    b5=$(awk '$NF == "./d/f30" { print $2 }' "$2/.early.s"); [ -n "$b5" ] || exit 6
    sed -i -e 's|^.\\{64\\} \\*\\./d/f1$|${fake('a')} *./d/f1|' -e 's|^.\\{64\\} \\*\\./d/f10$|${fake('b')} *./d/f10|' \\
      -e 's|^.\\{64\\} \\*\\./d/f30$|${fake('c')} *./d/f30|' "$2/.early.h"
    sed -i "/^K $b5$/d" "$2/.early.k"
    sleep 0.02; printf x | dd of="$2/tree/d/f10" bs=1 seek=0 conv=notrunc status=none`;
  const rsh = join(root, 'rsh');
  await writeFile(rsh, RSH, { mode: 0o755 });
  const hashedEarly = sh(`${withEarly(between)}; grep -c ' \\*' "$2/MANIFEST"`, src, snap, rsh);
  assert.ok(Number(hashedEarly) > 0);
  const got = parseSums(await readFile(join(snap, 'MANIFEST'), 'utf8'));
  const want = reference(snap);
  assert.equal(want.size, 42);
  assert.equal(got.get('./d/f1'), fake('a'), 'f1 taken from the early hasher');
  want.set('./d/f1', fake('a'));
  assert.deepEqual(got, want, 'every other file as sha256sum reads it now, f10 and f30 included');
  const left = sh('ls -A "$1"', snap).trim().split('\n').sort();
  assert.deepEqual(left, ['.count', 'MANIFEST', 'tree'], 'no work files left');
});

test('early hashing: the receiver killed -9 mid-transfer leaves no hasher once its rsync is gone', async (t) => {
  const root = await mkdtemp(join(tmpdir(), 'salvo-early-kill-'));
  t.after(() => rm(root, { recursive: true, force: true }));
  const src = join(root, 'src');
  const snap = join(root, 'snap');
  await mkdir(src, { recursive: true });
  for (let i = 1; i <= 64; i++) {
    await writeFile(join(src, `f${i}`), Buffer.alloc(32 << 10, i));
  }
  // The receiving rsync as a server (as in withEarly), slowed down (--bwlimit) so the kill comes
  // mid-transfer.
  const rsh = join(root, 'rsh');
  await writeFile(rsh, RSH, { mode: 0o755 });
  const script = `${SUMS_FUNCTIONS}
mkdir -p "$2/tree" && early "$2"
rsync -a --bwlimit=400 -e "$3" ${'${el:+"-M$el" "-M--log-file-format=%i %l %n"}'} "$1/" "x:$2/tree/" 5>&-
early_end`;
  const child = spawn('sh', ['-c', script, 'sh', src, snap, rsh], { stdio: 'ignore' });
  const cwdIn = (): string[] =>
    readdirSync('/proc')
      .filter((p) => /^\d+$/.test(p))
      .filter((p) => {
        try {
          return readlinkSync(`/proc/${p}/cwd`).startsWith(snap);
        } catch {
          return false;
        }
      });
  for (;;) {
    if (existsSync(join(snap, '.early.k')) && cwdIn().length > 0) {
      break;
    }
    assert.equal(child.exitCode, null, 'the transfer ended before the first batch was hashed');
    await sleep(20);
  }
  // The script and its rsync processes, by pid (SIGKILL: no trap runs); the hasher is left alone.
  const rsyncs = readdirSync('/proc').filter((p) => {
    try {
      return (
        readFileSync(`/proc/${p}/comm`, 'utf8').trim() === 'rsync' &&
        readFileSync(`/proc/${p}/cmdline`, 'utf8').includes(snap)
      );
    } catch {
      return false;
    }
  });
  assert.ok(rsyncs.length > 0);
  child.kill('SIGKILL');
  for (const p of rsyncs) {
    process.kill(Number(p), 'SIGKILL');
  }
  const since = Date.now();
  for (;;) {
    const left = cwdIn();
    if (left.length === 0) {
      break;
    }
    assert.ok(Date.now() - since < 30_000, `still running: ${left.join(' ')}`);
    await sleep(20);
  }
});
