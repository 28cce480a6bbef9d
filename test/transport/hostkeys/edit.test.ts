// Writing known_hosts: atomic, idempotent, readable by ssh-keygen afterwards.
import assert from 'node:assert/strict';
import { chmod, readdir, readFile, stat, symlink, writeFile, lstat } from 'node:fs/promises';
import { join } from 'node:path';
import { after, before, describe, it } from 'node:test';
import {
  appendKnownHosts,
  editKnownHosts,
  removeKnownHosts,
} from '../../../admin/transport/hostkeys/known-hosts/edit.js';
import { KnownHosts } from '../../../admin/transport/hostkeys/known-hosts/index.js';
import {
  generateKey,
  keygenFindLines,
  keygenFingerprints,
  tempDir,
  type GeneratedKey,
} from './fixtures.js';

describe('known_hosts editing', () => {
  let tmp: Awaited<ReturnType<typeof tempDir>>;
  let a: GeneratedKey;
  let b: GeneratedKey;
  let e: GeneratedKey;
  let n = 0;
  const fresh = (): string => join(tmp.dir, `case${++n}`, 'sub', 'known_hosts');

  before(async () => {
    tmp = await tempDir('khw');
    a = await generateKey(tmp.dir, 'a', 'ed25519');
    b = await generateKey(tmp.dir, 'b', 'ed25519');
    e = await generateKey(tmp.dir, 'e', 'ecdsa', 256);
  });
  after(() => tmp.remove());

  it('creates the directory and file, in a form ssh-keygen reads', async () => {
    const file = fresh();
    const added = await appendKnownHosts(file, [
      { names: ['cloud3', '198.18.1.3'], port: 22, blob: a.blob },
      { names: ['cloud4'], port: 2222, blob: e.blob },
    ]);
    assert.equal(added.length, 2);
    assert.equal(
      await readFile(file, 'utf8'),
      `cloud3,198.18.1.3 ${a.type} ${a.blob.toString('base64')}\n` +
        `[cloud4]:2222 ${e.type} ${e.blob.toString('base64')}\n`,
    );
    assert.deepEqual(await keygenFindLines(file, 'cloud3'), [1]);
    assert.deepEqual(await keygenFindLines(file, '[cloud4]:2222'), [2]);
    assert.deepEqual(
      (await keygenFingerprints(file)).map((f) => f.label),
      ['ED25519', 'ECDSA'],
    );
    assert.equal((await stat(join(file, '..'))).mode & 0o777, 0o700);
  });

  it('never duplicates a key already listed, nor within one batch', async () => {
    const file = fresh();
    await appendKnownHosts(file, [{ names: ['cloud3'], port: 22, blob: a.blob }]);
    const before = await readFile(file, 'utf8');
    assert.deepEqual(
      await appendKnownHosts(file, [{ names: ['cloud3'], port: 22, blob: a.blob }]),
      [],
    );
    assert.equal(await readFile(file, 'utf8'), before);
    const added = await appendKnownHosts(file, [
      { names: ['cloud3', '198.18.1.3'], port: 22, blob: a.blob },
      { names: ['198.18.1.3'], port: 22, blob: a.blob },
    ]);
    assert.deepEqual(
      added,
      [`198.18.1.3 ${a.type} ${a.blob.toString('base64')}`],
      'only the missing name',
    );
  });

  it('keeps existing content and mode, adds a missing final newline, leaves no temp file', async () => {
    const file = fresh();
    await appendKnownHosts(file, [{ names: ['x'], port: 22, blob: b.blob }]);
    await writeFile(file, `# mine\nold ${b.type} ${b.blob.toString('base64')}`);
    await chmod(file, 0o600);
    await appendKnownHosts(file, [{ names: ['cloud3'], port: 22, blob: a.blob }]);
    const text = await readFile(file, 'utf8');
    assert.ok(text.startsWith(`# mine\nold ${b.type} ${b.blob.toString('base64')}\ncloud3 `));
    assert.equal((await stat(file)).mode & 0o777, 0o600);
    assert.deepEqual(await readdir(join(file, '..')), ['known_hosts']);
  });

  it('writes hashed names that ssh-keygen -F and our checker both find', async () => {
    const file = fresh();
    const added = await appendKnownHosts(
      file,
      [{ names: ['cloud3', '198.18.1.3'], port: 2222, blob: a.blob }],
      { hash: true },
    );
    assert.equal(added.length, 2);
    assert.ok(added.every((l) => l.startsWith('|1|')));
    assert.deepEqual(await keygenFindLines(file, '[cloud3]:2222'), [1]);
    assert.deepEqual(await keygenFindLines(file, '[198.18.1.3]:2222'), [2]);
    assert.deepEqual((await KnownHosts.load([file])).check(['cloud3'], 2222, a.blob), {
      status: 'ok',
    });
    assert.deepEqual(
      await appendKnownHosts(file, [{ names: ['cloud3'], port: 2222, blob: a.blob }], {
        hash: true,
      }),
      [],
    );
  });

  it('removes a host like ssh-keygen -R, keeping other names, wildcards and revocations', async () => {
    const file = fresh();
    await appendKnownHosts(file, [{ names: ['cloud9'], port: 22, blob: e.blob }]);
    const text = [
      `cloud3,198.18.1.3,alias ${a.type} ${a.blob.toString('base64')}`,
      `*.lab ${a.type} ${a.blob.toString('base64')}`,
      `@revoked cloud3 ${b.type} ${b.blob.toString('base64')}`,
      `cloud4 ${a.type} ${a.blob.toString('base64')}`,
      '',
    ].join('\n');
    await writeFile(file, text);
    await appendKnownHosts(file, [{ names: ['cloud3'], port: 22, blob: e.blob }], { hash: true });
    const removed = await removeKnownHosts(file, [{ names: ['cloud3', '198.18.1.3'], port: 22 }]);
    assert.equal(removed, 3, 'two names on line 1 and the hashed line');
    const after = (await readFile(file, 'utf8')).split('\n');
    assert.equal(after[0], `alias ${a.type} ${a.blob.toString('base64')}`);
    assert.equal(after.length, 5);
    assert.deepEqual(await keygenFindLines(file, '198.18.1.3'), []);
    assert.deepEqual(await keygenFindLines(file, 'cloud3'), [3], 'only the @revoked line is left');
  });

  it('replaces in one rewrite and follows a symlinked file', async () => {
    const real = fresh();
    await appendKnownHosts(real, [{ names: ['cloud3'], port: 22, blob: a.blob }]);
    const link = join(tmp.dir, 'link_known_hosts');
    await symlink(real, link);
    const result = await editKnownHosts(link, {
      remove: [{ names: ['cloud3'], port: 22 }],
      add: [{ names: ['cloud3'], port: 22, blob: b.blob }],
    });
    assert.deepEqual([result.removed, result.added.length], [1, 1]);
    assert.ok((await lstat(link)).isSymbolicLink());
    assert.equal(await readFile(real, 'utf8'), `cloud3 ${b.type} ${b.blob.toString('base64')}\n`);
  });

  it('serialises concurrent appends to one file', async () => {
    const file = fresh();
    const names = Array.from({ length: 20 }, (_, i) => `host${i}`);
    await Promise.all(
      names.map((name) => appendKnownHosts(file, [{ names: [name], port: 22, blob: a.blob }])),
    );
    const known = await KnownHosts.load([file]);
    for (const name of names) {
      assert.deepEqual(known.check([name], 22, a.blob), { status: 'ok' }, name);
    }
  });
});
