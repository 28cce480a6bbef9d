// conf/tinc_hosts: only changed files are written; a damaged record names its file.
import { test } from 'node:test';
import assert from 'node:assert/strict';
import { mkdtemp, readFile, rm, writeFile } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { readRecord, writeRecord } from '../../admin/tinc/record.js';
import { TincFileError } from '../../admin/tinc/errors.js';
import { renderHostFile } from '../../admin/tinc/config/host-file.js';
import { KEY } from './fixtures.js';

const text = renderHostFile({
  addresses: ['198.18.1.1'],
  port: 655,
  subnets: ['10.1.1.1/32'],
  publicKey: KEY,
  extra: [],
});

test('write, re-write nothing, remove a stale one; README and other names are ignored', async () => {
  const dir = await mkdtemp(join(tmpdir(), 'salvo-tinc-record-'));
  try {
    await writeFile(join(dir, 'README.md'), '# not a host\n');
    const first = await writeRecord(
      join(dir, 'x'),
      new Map(),
      new Map([
        ['cloud1', text],
        ['cloud2', text],
      ]),
      [],
    );
    assert.deepEqual(
      first.map((c) => c.change),
      ['added', 'added'],
    );
    const current = await readRecord(join(dir, 'x'));
    assert.deepEqual([...current.keys()], ['cloud1', 'cloud2']);
    assert.equal(current.get('cloud1')?.parsed.publicKey, KEY);
    const again = await writeRecord(join(dir, 'x'), current, new Map([['cloud1', text]]), [
      'cloud2',
      'cloud9',
    ]);
    assert.deepEqual(again, [{ file: join(dir, 'x', 'cloud2'), change: 'removed' }]);
    assert.equal(await readFile(join(dir, 'x', 'cloud1'), 'utf8'), text);
    assert.deepEqual([...(await readRecord(dir)).keys()], []); // README.md is not a tinc name
    assert.deepEqual([...(await readRecord(join(dir, 'missing'))).keys()], []);
  } finally {
    await rm(dir, { recursive: true, force: true });
  }
});

test('a damaged record file: an error naming the file and line, and how to recover', async () => {
  const dir = await mkdtemp(join(tmpdir(), 'salvo-tinc-record-'));
  try {
    await writeFile(join(dir, 'cloud3'), text.replace('-----END RSA PUBLIC KEY-----\n', ''));
    await assert.rejects(readRecord(dir), (e: unknown) => {
      assert.ok(e instanceof TincFileError);
      assert.equal(e.file, join(dir, 'cloud3'));
      assert.match(
        e.message,
        new RegExp(
          `^${join(dir, 'cloud3')}:6: -----BEGIN RSA PUBLIC KEY----- has no -----END line`,
        ),
      );
      assert.match(e.message, /salvo tinc init collects cloud3's host file again/);
      return true;
    });
  } finally {
    await rm(dir, { recursive: true, force: true });
  }
});
