// dep.copy / dep.gather and `salvo copy|gather` on a real lab: trees go out and come back
// byte-identical, with their modes and modification times; failures are per host.
import { test } from 'node:test';
import assert from 'node:assert/strict';
import { spawnSync } from 'node:child_process';
import { randomBytes } from 'node:crypto';
import { chmod, mkdir, readFile, stat, utimes, writeFile } from 'node:fs/promises';
import { basename, join, resolve } from 'node:path';
import { cmd } from '../../../admin/transport/command.js';
import { Deployment } from '../../../admin/deployment/deployment.js';
import { withLab, isRoot } from '../lab-fixture.js';

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
    const total = files.reduce((n, [, b]) => n + b.length, 0);
    /** The tree at `dir` on every host: names, modes, times and checksums as sent. */
    const sameTree = async (hosts: string, dir: string): Promise<void> => {
      const checks = await dep.exec(
        hosts,
        `cd ${dir} && find . -mindepth 1 | sort | while read f; do echo "$f $(stat -c "%a %Y" "$f") $(md5sum < "$f" 2>/dev/null | cut -c1-8)"; done`,
      );
      assert.ok(checks.allOk, JSON.stringify(checks.map((x) => x.failure)));
      for (const check of checks) {
        const got = check.stdout.trim().split('\n');
        assert.equal(got.length, want.length, `${check.host}: ${check.stdout}`);
        for (const [i, line] of got.entries()) {
          assert.ok(line.startsWith(want[i]!), `${check.host}: ${line} vs ${want[i]}`);
        }
      }
    };

    // cloud3 has no rsync: one made unexecutable in its own mount namespace (private
    // propagation: this machine's rsync is untouched, checked below).
    const [hidden] = await dep.exec(
      'cloud3',
      ': > /run/no-rsync && mount --bind /run/no-rsync "$(command -v rsync)" && ! rsync --version',
    );
    assert.ok(hidden?.ok, JSON.stringify(hidden));
    assert.equal(spawnSync('rsync', ['--version']).status, 0, 'the admin host keeps its rsync');

    await t.test(
      'copy a tree: rsync where both ends have it, SFTP on the host without',
      async () => {
        const notes: string[] = [];
        const noted = await Deployment.open(lab.servicesFile, {
          session: false,
          onNote: (h, n) => notes.push(`${h}: ${n}`),
        });
        t.after(() => noted.close());
        const r = await noted.copy('cloud[1-3]', src, '/srv/');
        assert.ok(r.allOk, JSON.stringify(r.map((x) => x.failure)));
        assert.equal(r.of('cloud1')?.stdout, `4 files, ${total} bytes via rsync\n`);
        assert.equal(r.of('cloud2')?.stdout, `4 files, ${total} bytes via rsync\n`);
        assert.equal(r.of('cloud3')?.stdout, `4 files, ${total} bytes via sftp\n`);
        assert.ok(notes.includes('cloud3: copy via sftp: no rsync on the host'), notes.join('\n'));
        assert.ok(
          notes.some((n) => n.startsWith('cloud1: copy via rsync')),
          notes.join('\n'),
        );
        await sameTree('cloud[1-3]', '/srv/tree');
      },
    );

    await t.test('--via sftp forced; --via rsync refuses the host without rsync', async () => {
      const r = await dep.copy('cloud[1-2]', src, '/srv/forced', { via: 'sftp' });
      assert.ok(r.allOk, JSON.stringify(r.map((x) => x.failure)));
      assert.equal(r[0]?.stdout, `4 files, ${total} bytes via sftp\n`);
      await sameTree('cloud[1-2]', '/srv/forced'); // to DEST itself: DEST becomes the tree
      const again = await dep.copy('cloud[1-2]', src, '/srv/forced-rsync', { via: 'rsync' });
      assert.ok(again.allOk, JSON.stringify(again.map((x) => x.failure)));
      assert.equal(again[0]?.stdout, `4 files, ${total} bytes via rsync\n`);
      await sameTree('cloud[1-2]', '/srv/forced-rsync');
      const refused = await dep.copy('cloud3', src, '/srv/x', { via: 'rsync' });
      assert.match(refused[0]?.failure?.message ?? '', /no rsync on cloud3/);
    });

    await t.test('auto: a new plain file goes by SFTP, one already there by rsync', async () => {
      const notes: string[] = [];
      const noted = await Deployment.open(lab.servicesFile, {
        session: false,
        onNote: (h, n) => notes.push(`${h}: ${n}`),
      });
      t.after(() => noted.close());
      const big = join(src, 'big.bin');
      const size = files[0]![1].length;
      await noted.exec('cloud[1-2]', 'mkdir -p /srv/auto');
      const fresh = await noted.copy('cloud[1-2]', big, '/srv/auto/');
      assert.ok(fresh.allOk, JSON.stringify(fresh.map((x) => x.failure)));
      assert.deepEqual(
        fresh.map((x) => x.stdout),
        [`1 file, ${size} bytes via sftp\n`, `1 file, ${size} bytes via sftp\n`],
      );
      assert.ok(
        notes.includes('cloud1: copy via sftp: new plain files, nothing for rsync to skip'),
        notes.join('\n'),
      );
      const again = await noted.copy('cloud[1-2]', big, '/srv/auto/');
      assert.deepEqual(
        again.map((x) => x.stdout),
        [`1 file, ${size} bytes via rsync\n`, `1 file, ${size} bytes via rsync\n`],
      );
      const checks = await dep.exec(
        'cloud[1-2]',
        'echo "$(stat -c "%a %Y" /srv/auto/big.bin) $(md5sum < /srv/auto/big.bin | cut -c1-8)"',
      );
      for (const c of checks) {
        assert.equal(c.stdout.trim(), want[0]!.slice('./big.bin '.length), c.host);
      }
    });

    await t.test('rsync: a changed file is copied again, an odd name stays a name', async () => {
      const odd = join(lab.dir, "it's $(touch pwned); a b");
      await writeFile(odd, 'odd\n');
      const r = await dep.copy('cloud1', odd, '/srv/tree/', { via: 'rsync' }); // new: auto is SFTP
      assert.ok(r.allOk, JSON.stringify(r.map((x) => x.failure)));
      const [cat] = await dep.exec('cloud1', cmd('cat', `/srv/tree/${basename(odd)}`));
      assert.equal(cat?.stdout, 'odd\n');
      const [none] = await dep.exec('cloud1', 'find / -xdev -name pwned 2>/dev/null | wc -l');
      assert.equal(none?.stdout, '0\n');
      await writeFile(join(src, 'run.sh'), '#!/bin/sh\necho changed\n');
      await utimes(join(src, 'run.sh'), when, new Date(when.getTime() + 1000));
      const again = await dep.copy('cloud1', join(src, 'run.sh'), '/srv/tree/run.sh');
      assert.ok(again.allOk);
      const [changed] = await dep.exec('cloud1', 'cat /srv/tree/run.sh');
      assert.equal(changed?.stdout, '#!/bin/sh\necho changed\n');
      await writeFile(join(src, 'run.sh'), files[1]![1]);
      await utimes(join(src, 'run.sh'), when, when);
      assert.ok((await dep.copy('cloud[1-3]', join(src, 'run.sh'), '/srv/tree/run.sh')).allOk);
    });

    /** The tree gathered into `out`/HOST/tree is the one sent: bytes, modes, times. */
    const gatheredSame = async (out: string, hosts: string[]): Promise<void> => {
      for (const host of hosts) {
        for (const [name, bytes, mode] of files) {
          const path = join(out, host, 'tree', name);
          assert.deepEqual(await readFile(path), bytes, path);
          const st = await stat(path);
          assert.equal(st.mode & 0o7777, mode, path);
          assert.equal(st.mtime.getTime(), when.getTime(), path);
        }
        assert.equal((await stat(join(out, host, 'tree', 'sub'))).mode & 0o7777, 0o750);
      }
    };

    await t.test('gather brings each host back into its own directory, identical', async () => {
      const notes: string[] = [];
      const noted = await Deployment.open(lab.servicesFile, {
        session: false,
        onNote: (h, n) => notes.push(`${h}: ${n}`),
      });
      t.after(() => noted.close());
      const out = join(lab.dir, 'gathered');
      const r = await noted.gather('cloud[1-3]', '/srv/tree/', out); // trailing /: same as none
      assert.ok(r.allOk, JSON.stringify(r.map((x) => x.failure)));
      // cloud1 has one file more there: the odd name copied in above.
      assert.equal(r.of('cloud1')?.stdout, `5 files, ${total + 4} bytes via rsync\n`);
      assert.equal(r.of('cloud2')?.stdout, `4 files, ${total} bytes via rsync\n`);
      assert.equal(r.of('cloud3')?.stdout, `4 files, ${total} bytes via sftp\n`);
      assert.ok(notes.includes('cloud3: gather via sftp: no rsync on the host'), notes.join('\n'));
      assert.ok(
        notes.some((n) => n.startsWith('cloud1: gather via rsync')),
        notes.join('\n'),
      );
      await gatheredSame(out, ['cloud1', 'cloud2', 'cloud3']);
      const bySftp = join(lab.dir, 'gathered-sftp');
      const forced = await dep.gather('cloud[1-2]', '/srv/tree', bySftp, { via: 'sftp' });
      assert.ok(forced.allOk, JSON.stringify(forced.map((x) => x.failure)));
      assert.equal(forced.of('cloud2')?.stdout, `4 files, ${total} bytes via sftp\n`);
      await gatheredSame(bySftp, ['cloud1', 'cloud2']);
      const refused = await dep.gather('cloud3', '/srv/tree', bySftp, { via: 'rsync' });
      assert.match(refused[0]?.failure?.message ?? '', /no rsync on cloud3/);
    });

    await t.test('one file to a path; failures are per host with a reason', async () => {
      const r = await dep.copy('cloud1', join(src, 'run.sh'), '/srv/renamed.sh');
      assert.ok(r.allOk);
      const [c] = await dep.exec('cloud1', 'stat -c %a /srv/renamed.sh');
      assert.equal(c?.stdout, '755\n');
      const bad = await dep.gather('cloud[1-2]', '/srv/no-such-file', join(lab.dir, 'g2'));
      assert.deepEqual([...bad.failed], ['cloud1', 'cloud2']);
      assert.match(bad[0]?.failure?.message ?? '', /no such file/i);
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
        const json = spawnSync(
          process.execPath,
          [BIN, ...s, 'copy', '-v', '--json', 'cloud[2-3]', src, '/srv/cli/'],
          { encoding: 'utf8' },
        );
        assert.equal(json.status, 0, json.stderr);
        const lines = json.stdout
          .trim()
          .split('\n')
          .map((l) => JSON.parse(l) as { host: string; stdout: string });
        const way = Object.fromEntries(lines.map((l) => [l.host, l.stdout.split(' via ')[1]]));
        assert.deepEqual(way, { cloud2: 'rsync\n', cloud3: 'sftp\n' });
        assert.match(json.stderr, /^cloud3: copy via sftp: no rsync on the host$/m);
        assert.match(json.stderr, /^cloud2: copy via rsync: rsync \S+ here and on the host$/m);
        await sameTree('cloud[2-3]', '/srv/cli/tree');
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
