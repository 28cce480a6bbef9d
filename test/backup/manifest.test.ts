// The manifest a backup writes at publish time (remote/sums.ts, run here by the local sh): every
// file hashed as sha256sum would (odd names escaped), counts in .count, and in a snapshot
// hard-linked against the previous one the unchanged files' lines taken from the previous
// MANIFEST rather than from reading them again.
import { test } from 'node:test';
import assert from 'node:assert/strict';
import { execFileSync } from 'node:child_process';
import { link, mkdir, mkdtemp, readFile, rm, writeFile } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { HASH_SPLIT_BYTES, SUMS_FUNCTIONS } from '../../admin/backup/remote/sums.js';
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
  assert.equal((await readFile(join(`${one}.work`, '.count'), 'utf8')).trim(), `6 ${size}`);

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
  assert.equal(
    (await readFile(join(`${two}.work`, '.count'), 'utf8')).trim(),
    `7 ${size - 7 + 6 + 9}`,
  );
  const left = sh('ls -A "$1"', two).trim().split('\n').sort();
  assert.deepEqual(left, ['MANIFEST', 'tree'], 'no work file in the snapshot');
});

test('manifest: much to hash is hashed in two halves, every file once, each line whole', async (t) => {
  const root = await mkdtemp(join(tmpdir(), 'salvo-manifest-split-'));
  t.after(() => rm(root, { recursive: true, force: true }));
  const snap = join(root, 'snap');
  const work = join(root, 'work');
  await mkdir(join(snap, 'tree/d'), { recursive: true });
  // Above HASH_SPLIT_BYTES in all, files of different sizes (the halves are made by size).
  const n = 40;
  let total = 0;
  for (let i = 1; i <= n; i++) {
    const size = Math.ceil((HASH_SPLIT_BYTES / n) * 1.5) + i * 4099;
    total += size;
    await writeFile(join(snap, 'tree/d', `f${i}`), Buffer.alloc(size, i));
  }
  sh('manifest "$1" "" "$2"', snap, work);
  const second = (await readFile(join(work, '.tohash2'), 'utf8')).trim().split('\n');
  const first = (await readFile(join(work, '.tohash'), 'utf8')).trim().split('\n');
  assert.ok(second.length > n / 4 && first.length > n / 4, `${first.length} + ${second.length}`);
  assert.equal(first.length + second.length, n);
  const text = await readFile(join(snap, 'MANIFEST'), 'utf8');
  assert.equal(text.split('\n').filter(Boolean).length, n, 'one line a file');
  assert.deepEqual(parseSums(text), reference(snap));
  assert.equal((await readFile(join(work, '.count'), 'utf8')).trim(), `${n} ${total}`);
  // Little to hash: one list only.
  const small = join(root, 'small');
  await mkdir(join(small, 'tree'), { recursive: true });
  await writeFile(join(small, 'tree/a'), 'a');
  await writeFile(join(small, 'tree/b'), 'b');
  sh('manifest "$1" ""', small);
  assert.equal(await readFile(join(`${small}.work`, '.tohash2'), 'utf8'), '');
  assert.deepEqual(parseSums(await readFile(join(small, 'MANIFEST'), 'utf8')), reference(small));
});
