import { test } from 'node:test';
import assert from 'node:assert/strict';
import {
  mkdirSync,
  mkdtempSync,
  readdirSync,
  readFileSync,
  rmSync,
  statSync,
  writeFileSync,
} from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { writeFileAtomic, writeFileAtomicSync } from '../../admin/fs/index.js';

function scratch(t: { after: (fn: () => void) => void }): string {
  const dir = mkdtempSync(join(tmpdir(), 'salvo-fs-'));
  t.after(() => rmSync(dir, { recursive: true, force: true }));
  return dir;
}

test('replaces a file whole, with exactly the mode asked, and leaves no temp file', async (t) => {
  const dir = scratch(t);
  const file = join(dir, 'f');
  writeFileSync(file, 'old');
  await writeFileAtomic(file, 'new text', { mode: 0o600, fsync: true });
  assert.equal(readFileSync(file, 'utf8'), 'new text');
  assert.equal(statSync(file).mode & 0o777, 0o600);
  writeFileAtomicSync(file, Buffer.from('sync text'), { mode: 0o640 });
  assert.equal(readFileSync(file, 'utf8'), 'sync text');
  assert.equal(statSync(file).mode & 0o777, 0o640);
  assert.deepEqual(readdirSync(dir), ['f']);
});

test('a write that cannot land leaves the old file as it was and no temp file', async (t) => {
  const dir = scratch(t);
  const target = join(dir, 'd');
  mkdirSync(join(target, 'inside'), { recursive: true }); // rename onto a non-empty directory fails
  await assert.rejects(writeFileAtomic(target, 'x'));
  assert.throws(() => writeFileAtomicSync(target, 'x'));
  assert.deepEqual(readdirSync(dir), ['d']);
  assert.deepEqual(readdirSync(target), ['inside']);
});

test('concurrent writers of one file: the file is one of them, whole', async (t) => {
  const dir = scratch(t);
  const file = join(dir, 'f');
  const texts = Array.from({ length: 20 }, (_, i) => `${i}`.repeat(10_000));
  await Promise.all(texts.map((x) => writeFileAtomic(file, x)));
  assert.ok(texts.includes(readFileSync(file, 'utf8')));
  assert.deepEqual(readdirSync(dir), ['f']);
});
