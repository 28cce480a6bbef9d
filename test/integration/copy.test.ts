// dep.copy / dep.gather and `salvo copy|gather` on a real lab: trees go out and come back
// byte-identical, with their modes and modification times; failures are per host.
import { test } from 'node:test';
import assert from 'node:assert/strict';
import { spawnSync } from 'node:child_process';
import { randomBytes } from 'node:crypto';
import { chmod, mkdir, readFile, stat, utimes, writeFile } from 'node:fs/promises';
import { join, resolve } from 'node:path';
import { Deployment } from '../../admin/deployment/deployment.js';
import { withLab, isRoot } from './lab-fixture.js';

const BIN = resolve('bin/salvo');

test('copy and gather on a lab', {
  skip: !isRoot && 'needs root (network namespaces)',
}, async (t) => {
  await withLab(3, async (lab) => {
    const dep = await Deployment.open(lab.servicesFile, { session: false });
    t.after(() => dep.close());
    const src = join(lab.dir, 'tree');
    const files: [string, Buffer, number][] = [
      ['big.bin', randomBytes(3 * 1024 * 1024 + 17), 0o600],
      ['run.sh', Buffer.from('#!/bin/sh\necho hi\n'), 0o755],
      ['sub/conf.txt', Buffer.from('a=1\n'), 0o640],
      ['sub/empty', Buffer.alloc(0), 0o444],
    ];
    const when = new Date('2021-03-04T05:06:07Z');
    await mkdir(join(src, 'sub'), { recursive: true });
    for (const [name, bytes, mode] of files) {
      await writeFile(join(src, name), bytes);
      await chmod(join(src, name), mode);
      await utimes(join(src, name), when, when);
    }
    await chmod(join(src, 'sub'), 0o750);

    await t.test('copy a tree to every host: same bytes, modes and times there', async () => {
      const r = await dep.copy('cloud[1-3]', src, '/srv/');
      assert.ok(r.allOk, JSON.stringify(r.map((x) => x.failure)));
      const total = files.reduce((n, [, b]) => n + b.length, 0);
      assert.equal(r[0]?.stdout, `4 files, ${total} bytes\n`);
      const [check] = await dep.exec(
        'cloud2',
        'cd /srv/tree && find . -mindepth 1 | sort | while read f; do echo "$f $(stat -c "%a %Y" "$f") $(md5sum < "$f" 2>/dev/null | cut -c1-8)"; done',
      );
      const md5 = (b: Buffer) =>
        spawnSync('md5sum', { input: b, encoding: 'utf8' }).stdout.slice(0, 8);
      const secs = when.getTime() / 1000;
      const want = [
        `./big.bin 600 ${secs} ${md5(files[0]![1])}`,
        `./run.sh 755 ${secs} ${md5(files[1]![1])}`,
        `./sub 750`,
        `./sub/conf.txt 640 ${secs} ${md5(files[2]![1])}`,
        `./sub/empty 444 ${secs} ${md5(files[3]![1])}`,
      ];
      const got = (check?.stdout ?? '').trim().split('\n');
      assert.equal(got.length, want.length, check?.stdout);
      for (const [i, line] of got.entries()) {
        assert.ok(line.startsWith(want[i]!), `${line} vs ${want[i]}`);
      }
    });

    await t.test('gather brings each host back into its own directory, identical', async () => {
      const out = join(lab.dir, 'gathered');
      const r = await dep.gather('cloud[1-3]', '/srv/tree', out);
      assert.ok(r.allOk, JSON.stringify(r.map((x) => x.failure)));
      for (const host of ['cloud1', 'cloud2', 'cloud3']) {
        for (const [name, bytes, mode] of files) {
          const path = join(out, host, 'tree', name);
          assert.deepEqual(await readFile(path), bytes, path);
          const st = await stat(path);
          assert.equal(st.mode & 0o7777, mode, path);
          assert.equal(st.mtime.getTime(), when.getTime(), path);
        }
        assert.equal((await stat(join(out, host, 'tree', 'sub'))).mode & 0o7777, 0o750);
      }
    });

    await t.test('one file to a path; failures are per host with a reason', async () => {
      const r = await dep.copy('cloud1', join(src, 'run.sh'), '/srv/renamed.sh');
      assert.ok(r.allOk);
      const [c] = await dep.exec('cloud1', 'stat -c %a /srv/renamed.sh');
      assert.equal(c?.stdout, '755\n');
      const bad = await dep.gather('cloud[1-2]', '/srv/no-such-file', join(lab.dir, 'g2'));
      assert.deepEqual([...bad.failed], ['cloud1', 'cloud2']);
      assert.match(bad[0]?.failure?.message ?? '', /no such file/);
      const many = await dep.copy(
        'cloud1',
        [join(src, 'run.sh'), join(src, 'sub')],
        '/srv/renamed.sh',
      );
      assert.match(many[0]?.failure?.message ?? '', /not a directory/);
    });

    await t.test(
      'salvo copy / gather from the command line; --dry-run touches nothing',
      async () => {
        const s = ['-s', lab.servicesFile];
        const dry = spawnSync(
          process.execPath,
          [BIN, ...s, 'copy', '--dry-run', 'cloud[1-3]', src, '/srv/dry/'],
          {
            encoding: 'utf8',
          },
        );
        assert.equal(dry.status, 0, dry.stderr);
        assert.match(dry.stdout, /would copy .*tree\/ → \/srv\/dry\/tree/);
        const [none] = await dep.exec('cloud1', 'test -e /srv/dry && echo there || echo absent');
        assert.equal(none?.stdout, 'absent\n');
        const r = spawnSync(
          process.execPath,
          [BIN, ...s, 'gather', 'cloud[1-2]', '/srv/renamed.sh', join(lab.dir, 'g3')],
          {
            encoding: 'utf8',
          },
        );
        assert.equal(r.status, 1, r.stderr); // cloud2 has no renamed.sh
        assert.match(r.stderr, /retry: salvo -s \S+ gather cloud2 \/srv\/renamed\.sh /);
        assert.equal(
          await readFile(join(lab.dir, 'g3', 'cloud1', 'renamed.sh'), 'utf8'),
          '#!/bin/sh\necho hi\n',
        );
      },
    );
  });
});
