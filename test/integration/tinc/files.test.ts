// tinc files on a real lab: re-running init restarts nothing; status reports drift; a damaged
// host file is a clear error naming the host and the file; hub ConnectTo from the services file.
import { test } from 'node:test';
import assert from 'node:assert/strict';
import { readFile, writeFile } from 'node:fs/promises';
import { join } from 'node:path';
import type { MeshStatus, TincResult } from '../../../admin/tinc/index.js';
import { withLab, isRoot } from '../lab-fixture.js';
import { json, meshServices, onHosts, salvo, tincPids } from './fixture.js';

test('tinc files on a lab: idempotence, drift, damaged files', {
  skip: !isRoot && 'needs root (network namespaces)',
}, async (t) => {
  await withLab(5, async (lab) => {
    const s = await meshServices(lab, lab.hosts);
    const record = (name: string): string => join(lab.dir, 'conf', 'tinc_hosts', name);
    try {
      await t.test('dry run changes nothing; init brings the mesh up', async () => {
        const dry = await salvo(s, 'tinc', 'init', '--key-bits', '2048', '--dry-run');
        assert.equal(dry.code, 0, dry.stderr);
        assert.match(
          dry.stdout,
          /cloud\[1-5\] \(5\): generate a key pair on the host; write tinc.conf, tinc-up, tinc-down, hosts\/cloud\[1-5\] \(missing\); start tincd/,
        );
        assert.deepEqual([...(await tincPids(s, 'cloud[1-5]')).values()], ['', '', '', '', '']);
        const r = await salvo(s, 'tinc', 'init', '--key-bits', '2048');
        assert.equal(r.code, 0, r.stderr + r.stdout);
      });

      await t.test(
        'init again with nothing changed: nothing written, nothing restarted',
        async () => {
          const before = await tincPids(s, 'cloud[1-5]');
          const r = await salvo(s, 'tinc', 'init', '--json');
          assert.equal(r.code, 0, r.stderr);
          const result = json<TincResult>(r);
          assert.deepEqual(
            result.nodes.map((n) => [n.changes.length, n.action]),
            Array(5).fill([0, 'none']),
          );
          assert.deepEqual(result.recorded, []);
          assert.deepEqual(await tincPids(s, 'cloud[1-5]'), before);
          assert.match((await salvo(s, 'tinc', 'init')).stdout, /nothing restarted/);
        },
      );

      await t.test(
        'status: in sync; then a damaged copy and a loose key mode are reported and repaired',
        async () => {
          const ok = await salvo(s, 'tinc', 'status');
          assert.equal(ok.code, 0, ok.stdout + ok.stderr);
          assert.match(ok.stdout, /tincd running: cloud\[1-5\] \(5\)\nin sync/);
          await onHosts(
            s,
            'cloud1',
            'echo "Address = 203.0.113.9" > /etc/tinc/lab/hosts/cloud5; chmod 644 /etc/tinc/lab/rsa_key.priv',
          );
          const drift = await salvo(s, 'tinc', 'status', '--json');
          assert.equal(drift.code, 1);
          const st = json<MeshStatus>(drift);
          assert.deepEqual(st.nodes.find((n) => n.host === 'cloud1')?.drift, [
            { file: '/etc/tinc/lab/hosts/cloud5', problem: `differs from ${record('cloud5')}` },
            { file: '/etc/tinc/lab/rsa_key.priv', problem: 'private key mode 644, want 600' },
          ]);
          assert.ok(st.nodes.filter((n) => n.host !== 'cloud1').every((n) => n.drift.length === 0));
          const fix = await salvo(s, 'tinc', 'init', '--json');
          const result = json<TincResult>(fix);
          assert.deepEqual(
            result.nodes.filter((n) => n.action !== 'none').map((n) => [n.host, n.action]),
            [['cloud1', 'reload']],
          );
          assert.equal((await salvo(s, 'tinc', 'status')).code, 0);
        },
      );

      await t.test(
        'a damaged own host file: a clear error naming host and file; nothing is changed',
        async () => {
          await onHosts(s, 'cloud2', 'sed -i "/END RSA PUBLIC KEY/d" /etc/tinc/lab/hosts/cloud2');
          const before = await tincPids(s, 'cloud[1-5]');
          const r = await salvo(s, 'tinc', 'init');
          assert.equal(r.code, 1);
          assert.match(
            r.stderr,
            /salvo: cloud2: \/etc\/tinc\/lab\/hosts\/cloud2:\d+: -----BEGIN RSA PUBLIC KEY----- has no -----END line/,
          );
          assert.deepEqual(await tincPids(s, 'cloud[1-5]'), before);
          const st = await salvo(s, 'tinc', 'status');
          assert.match(
            st.stdout,
            /cloud2: \/etc\/tinc\/lab\/hosts\/cloud2: -----BEGIN RSA PUBLIC KEY----- has no -----END line/,
          );
          // The way out the message gives: delete it, and init restores it from the record.
          await onHosts(s, 'cloud2', 'rm /etc/tinc/lab/hosts/cloud2');
          const again = await salvo(s, 'tinc', 'init');
          assert.equal(again.code, 0, again.stderr + again.stdout);
        },
      );

      await t.test('a damaged record file: a clear error naming it', async () => {
        const file = record('cloud4');
        const good = await readFile(file, 'utf8');
        await writeFile(file, good.replace(/^[A-Za-z0-9+/]{64}$/m, 'not*base64'));
        const r = await salvo(s, 'tinc', 'status');
        assert.equal(r.code, 1);
        assert.match(
          r.stderr,
          new RegExp(`${file}:\\d+: not base64 inside the RSA PUBLIC KEY block`),
        );
        assert.match(r.stderr, /salvo tinc init collects cloud4's host file again from the host/);
        await writeFile(file, good);
      });

      await t.test(
        'connect_to a subset: members dial only the hubs, and the mesh still routes all pairs',
        async () => {
          await writeFile(
            s,
            (await readFile(s, 'utf8')).replace('connect_to: all', 'connect_to: "cloud[1-2]"'),
          );
          const r = await salvo(s, 'tinc', 'init', '--json');
          assert.equal(r.code, 0, r.stderr);
          const result = json<TincResult>(r);
          assert.ok(
            result.nodes.every((n) => n.action === 'reload'),
            'ConnectTo changes are a reload',
          );
          assert.equal(result.matrix?.ok, true);
          const conf = await onHosts(
            s,
            'cloud[1,4]',
            'grep ^ConnectTo /etc/tinc/lab/tinc.conf | tr "\\n" " "',
          );
          assert.equal(conf.get('cloud1'), 'ConnectTo = cloud2');
          assert.equal(conf.get('cloud4'), 'ConnectTo = cloud1 ConnectTo = cloud2');
        },
      );
    } finally {
      const stop = await salvo(s, 'tinc', 'stop');
      assert.equal(stop.code, 0, stop.stderr);
      assert.deepEqual([...(await tincPids(s, 'cloud[1-5]')).values()], ['', '', '', '', '']);
    }
  });
});
