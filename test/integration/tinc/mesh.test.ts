// The tinc mesh on a real lab (tincd 1.0 in network namespaces): init → all pairs; a dead tincd
// is named exactly; `tinc start` heals; a sixth host joins; removed, it cannot come back.
import { test } from 'node:test';
import assert from 'node:assert/strict';
import { readFile } from 'node:fs/promises';
import { labAddHosts } from '../../../admin/lab/index.js';
import type { MeshMatrix, TincResult } from '../../../admin/tinc/index.js';
import { withLab, isRoot } from '../lab-fixture.js';
import { json, meshServices, nodes, onHosts, salvo, tincPids } from './fixture.js';

test('tinc mesh on a lab: init, verify, kill, start, add, remove', {
  skip: !isRoot && 'needs root (network namespaces)',
}, async (t) => {
  await withLab(5, async (lab) => {
    let s = await meshServices(lab, lab.hosts);
    let hosts = lab.hosts;
    try {
      await t.test(
        'init: keys made on the hosts, host files recorded, every pair pings',
        async () => {
          const r = await salvo(s, 'tinc', 'init', '--key-bits', '2048');
          assert.equal(r.code, 0, r.stderr + r.stdout);
          assert.match(r.stdout, /started: cloud\[1-5\] \(5\)/);
          assert.match(r.stdout, /mesh: 5 hosts, 20\/20 pairs ok/);
          const keys = await onHosts(s, 'cloud[1-5]', 'stat -c %a /etc/tinc/lab/rsa_key.priv');
          assert.deepEqual([...keys.values()], ['600', '600', '600', '600', '600']);
          const own = await onHosts(s, 'cloud[1-5]', 'cat "/etc/tinc/lab/hosts/$(hostname)"');
          for (const [host, text] of own) {
            const record = await readFile(`${lab.dir}/conf/tinc_hosts/${host}`, 'utf8');
            assert.equal(record.trim(), text, `${host}: the record is the host's own public file`);
            assert.doesNotMatch(record, /PRIVATE/);
          }
        },
      );

      await t.test('a killed tincd: verify fails and names exactly that host', async () => {
        await onHosts(s, 'cloud3', 'kill -9 "$(cat /run/tinc.lab.pid)"');
        const r = await salvo(s, 'tinc', 'verify', '--json');
        assert.equal(r.code, 1, r.stderr);
        const m = json<MeshMatrix>(r);
        assert.deepEqual(m.down, ['cloud3']);
        assert.deepEqual(m.failed, []);
        const text = await salvo(s, 'tinc', 'verify');
        assert.match(text.stdout, /^down: cloud3 \(no pair to or from it works\)$/m);
        assert.doesNotMatch(text.stdout, /^failed:/m);
      });

      await t.test('tinc start heals it and leaves the running daemons alone', async () => {
        const before = await tincPids(s, 'cloud[1-5]');
        const r = await salvo(s, 'tinc', 'start');
        assert.equal(r.code, 0, r.stderr + r.stdout);
        assert.match(r.stdout, /^started: cloud3 \(pid \d+\)$/m);
        assert.match(r.stdout, /already running: cloud\[1-2,4-5\] \(4\)/);
        assert.match(r.stdout, /mesh: 5 hosts, 20\/20 pairs ok/);
        const after = await tincPids(s, 'cloud[1-5]');
        const repaired = /^repaired: (.*) restarted/m.exec(r.stdout)?.[1] ?? '';
        for (const h of ['cloud1', 'cloud2', 'cloud4', 'cloud5']) {
          if (!repaired.includes(h)) {
            assert.equal(after.get(h), before.get(h), `${h} was not restarted`);
          }
        }
      });

      await t.test(
        'salvo restart tinc, one host at a time: every tincd gets a new pid and the mesh still verifies',
        async () => {
          const before = await tincPids(s, 'cloud[1-5]');
          const r = await salvo(s, 'restart', 'tinc', '-H', 'cloud[2-3]', '--serial');
          assert.equal(r.code, 0, r.stderr + r.stdout);
          const after = await tincPids(s, 'cloud[1-5]');
          for (const h of ['cloud2', 'cloud3']) {
            assert.notEqual(after.get(h), before.get(h), `${h} was restarted`);
          }
          for (const h of ['cloud1', 'cloud4', 'cloud5']) {
            assert.equal(after.get(h), before.get(h), `${h} was left alone`);
          }
          const status = await salvo(s, 'status', 'tinc', '--json');
          assert.equal(status.code, 0, status.stderr + status.stdout);
          const verify = await salvo(s, 'tinc', 'verify');
          assert.equal(verify.code, 0, verify.stderr + verify.stdout);
          assert.match(verify.stdout, /mesh: 5 hosts, 20\/20 pairs ok/);
        },
      );

      await t.test(
        'add a sixth host: the others reload (no restart) and all 30 pairs ping',
        async () => {
          hosts = (await labAddHosts(lab.dir, 1)).hosts;
          s = await meshServices(lab, hosts);
          const before = await tincPids(s, 'cloud[1-5]');
          const r = await salvo(s, 'tinc', 'add', 'cloud6', '--key-bits', '2048', '--json');
          assert.equal(r.code, 0, r.stderr + r.stdout);
          const result = json<TincResult>(r);
          assert.deepEqual(
            result.nodes.filter((n) => n.host !== 'cloud6').map((n) => n.action),
            ['reload', 'reload', 'reload', 'reload', 'reload'],
          );
          assert.deepEqual(result.keygen, ['cloud6']);
          assert.equal(result.matrix?.ok, true);
          assert.equal(result.matrix?.pairs.length, 30);
          const after = await tincPids(s, 'cloud[1-5]');
          for (const [h, pid] of before) {
            if (!result.repaired.includes(h)) {
              assert.equal(after.get(h), pid, `${h} kept its tincd`);
            }
          }
        },
      );

      await t.test(
        'remove it: its key is gone from every node, and a copy of its old config cannot join',
        async () => {
          // What a decommissioned (or stolen) machine might keep: its whole tinc directory.
          await onHosts(s, 'cloud6', 'cp -a /etc/tinc/lab /root/tinc-copy');
          s = await meshServices(lab, nodes(hosts, 1, 5), nodes(hosts, 6, 6));
          const refused = await salvo(s, 'tinc', 'add', 'cloud6');
          assert.equal(refused.code, 2, 'cloud6 has no vpn address any more');
          const r = await salvo(s, 'tinc', 'remove', 'cloud6');
          assert.equal(r.code, 0, r.stderr + r.stdout);
          assert.match(r.stdout, /mesh: 5 hosts, 20\/20 pairs ok/);
          assert.match(r.stdout, /cloud6's host file was deleted on 5 member\(s\)/);
          const left = await onHosts(
            s,
            'cloud[1-5]',
            'ls /etc/tinc/lab/hosts; grep -c cloud6 /etc/tinc/lab/tinc.conf || true',
          );
          for (const [h, out] of left) {
            assert.doesNotMatch(
              out.split('\n').slice(0, -1).join(' '),
              /cloud6/,
              `${h} still knows cloud6`,
            );
          }
          for (const [h, out] of left) {
            assert.equal(out.split('\n').at(-1), '0', `${h}: ConnectTo cloud6 left`);
          }
          const gone = await onHosts(
            s,
            'cloud6',
            'test -e /etc/tinc/lab && echo present; cat /run/tinc.lab.pid 2>/dev/null; true',
          );
          assert.equal(
            gone.get('cloud6'),
            '',
            'its tincd stopped and its tinc directory (with the key) deleted',
          );

          await onHosts(
            s,
            'cloud6',
            'tincd -c /root/tinc-copy --pidfile=/run/copy.pid --logfile=/run/copy.log',
          );
          try {
            await new Promise((r2) => setTimeout(r2, 3000));
            const ping = await onHosts(
              s,
              'cloud6',
              'ping -n -c1 -W1 10.1.1.1 >/dev/null 2>&1 && echo joined || echo refused',
            );
            assert.equal(ping.get('cloud6'), 'refused');
            const logs = await onHosts(
              s,
              'cloud[1-5]',
              'grep -c "unknown identity (cloud6)" /var/log/tinc.lab.log || true',
            );
            assert.ok(
              [...logs.values()].some((n) => Number(n) > 0),
              'members log the refused identity',
            );
            const v = await salvo(s, 'tinc', 'verify');
            assert.equal(v.code, 0, v.stdout);
          } finally {
            await onHosts(s, 'cloud6', 'kill "$(cat /run/copy.pid)"');
          }
        },
      );
    } finally {
      await salvo(s, 'tinc', 'stop'); // labDown would kill them too (it kills whatever runs in its namespaces)
    }
  });
});
