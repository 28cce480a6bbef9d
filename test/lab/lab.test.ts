// A 5-host lab, used through the machine's own OpenSSH client; grown to 6; torn down twice.
import assert from 'node:assert/strict';
import { spawn } from 'node:child_process';
import { existsSync } from 'node:fs';
import { readFile, stat } from 'node:fs/promises';
import { after, before, describe, test } from 'node:test';
import {
  labAddHosts,
  labDown,
  labStatus,
  labUp,
  recordPid,
  type Lab,
  type LabEvent,
} from '../../admin/lab/index.js';
import { NEEDS_ROOT, running, ssh, tempLabDir, traces } from './helpers.js';

describe('a 5-host lab', { skip: NEEDS_ROOT }, () => {
  let dir = '';
  let lab: Lab;
  const events: LabEvent[] = [];

  before(async () => {
    dir = await tempLabDir();
    lab = await labUp({ hosts: 5, dir }, (e) => events.push(e));
  });
  after(async () => {
    if (dir) {
      await labDown(dir);
    }
  });

  test('labUp returns the lab and reports typed progress', async () => {
    assert.equal(lab.hosts.length, 5);
    assert.equal(lab.bridge, `salvo${lab.id}`);
    assert.equal(lab.subnet, `198.18.${lab.id}.0/24`);
    assert.deepEqual(
      lab.hosts.map((h) => h.address),
      [1, 2, 3, 4, 5].map((n) => `198.18.${lab.id}.${n}`),
    );
    assert.ok(lab.hosts.every((h) => h.sshdPid > 1 && h.netns === `salvo${lab.id}-${h.name}`));
    assert.equal(events.filter((e) => e.kind === 'host-up').length, 5);
    assert.equal(events.at(-1)?.kind, 'ready');
    assert.equal((await stat(lab.identityFile)).mode & 0o777, 0o600);
    assert.equal((await stat(`${lab.identityFile}.pub`)).mode & 0o777, 0o600);
    assert.match(
      await readFile(lab.knownHostsFile, 'utf8'),
      new RegExp(`^cloud3,198\\.18\\.${lab.id}\\.3 ssh-ed25519 `, 'm'),
    );
  });

  test('ssh -F DIR/ssh_config cloudN hostname prints cloudN (OpenSSH, no prompts)', async () => {
    const names = await Promise.all(lab.hosts.map((h) => ssh(lab, h.name, 'hostname')));
    assert.deepEqual(
      names,
      lab.hosts.map((h) => h.name),
    );
  });

  test('each host has a private /srv, /root and /run, its own /etc/hosts, no IPv6, no default route', async () => {
    await ssh(lab, 'cloud1', 'touch /srv/only-on-cloud1');
    // data/: each host's own README, what the lab's backup rules back up.
    assert.equal(await ssh(lab, 'cloud2', 'ls /srv'), 'data');
    assert.equal(await ssh(lab, 'cloud1', 'ls /srv'), 'data\nonly-on-cloud1');
    assert.equal(
      await ssh(lab, 'cloud2', 'cat /srv/data/README'),
      "cloud2's data, backed up by salvo backup run",
    );
    assert.ok(existsSync(`${dir}/cloud1/srv/only-on-cloud1`));
    assert.equal(await ssh(lab, 'cloud3', 'ls -A /root'), '.profile\n.ssh');
    assert.equal(await ssh(lab, 'cloud3', 'ls /run'), 'lock\nsshd');
    assert.match(
      await ssh(lab, 'cloud3', 'getent hosts cloud5'),
      new RegExp(`^198\\.18\\.${lab.id}\\.5\\s+cloud5$`),
    );
    assert.equal(await ssh(lab, 'cloud3', 'cat /proc/sys/net/ipv6/conf/all/disable_ipv6'), '1');
    assert.equal(
      await ssh(lab, 'cloud3', 'ip route'),
      `198.18.${lab.id}.0/24 dev eth0 proto kernel scope link src 198.18.${lab.id}.3 `.trim(),
    );
    assert.equal(await ssh(lab, 'cloud3', 'ls /sys/class/net'), 'eth0\nlo');
  });

  test('hosts ssh to each other by name with their own keys', async () => {
    assert.equal(await ssh(lab, 'cloud1', 'ssh cloud2 hostname'), 'cloud2');
    assert.equal(await ssh(lab, 'cloud5', 'ssh cloud1 hostname'), 'cloud1');
  });

  test('labStatus: healthy, every sshd alive', async () => {
    const s = await labStatus(dir);
    assert.equal(s.healthy, true);
    assert.equal(s.id, lab.id);
    assert.deepEqual(
      s.hosts.map((h) => [h.name, h.netnsPresent, h.sshdAlive]),
      lab.hosts.map((h) => [h.name, true, true]),
    );
    assert.deepEqual(s.leftovers, []);
  });

  test('labAddHosts grows 5 → 6; old and new hosts know each other', async () => {
    lab = await labAddHosts(dir, 1);
    assert.deepEqual(
      lab.hosts.map((h) => h.name),
      ['cloud1', 'cloud2', 'cloud3', 'cloud4', 'cloud5', 'cloud6'],
    );
    assert.equal(await ssh(lab, 'cloud6', 'hostname'), 'cloud6');
    assert.equal(await ssh(lab, 'cloud1', 'ssh cloud6 hostname'), 'cloud6');
    assert.equal(await ssh(lab, 'cloud6', 'ssh cloud1 hostname'), 'cloud1');
    assert.match(await readFile(lab.servicesFile, 'utf8'), /"cloud\[1-6\]"/);
    assert.equal((await readFile(`${dir}/hosts.txt`, 'utf8')).trim().split('\n').length, 6);
  });

  test('labDown stops recorded pids (cmdline checked), open sessions, and leaves nothing; twice is fine', async () => {
    // a process a later feature would record: started inside cloud2, recorded in DIR/pids/
    const inside = spawn(
      'nsenter',
      ['-t', String(lab.hosts[1]!.sshdPid), '-n', '-m', '-u', '--', 'sleep', '1000'],
      { stdio: 'ignore', detached: true },
    );
    inside.unref();
    await new Promise((r) => setTimeout(r, 200));
    await recordPid(dir, 'sleeper', inside.pid!, 'sleep 1000');
    await recordPid(dir, 'not-ours', process.pid, 'no-such-command-line'); // must survive
    const session = spawn('ssh', ['-F', lab.sshConfigFile, 'cloud3', 'sleep 1000'], {
      stdio: 'ignore',
    });
    await new Promise((r) => setTimeout(r, 500));

    const sshdPids = lab.hosts.map((h) => h.sshdPid);
    const { removed } = await labDown(dir);
    assert.ok(removed.includes(`sleeper ${inside.pid}`), removed.join(', '));
    assert.ok(!removed.some((r) => r.startsWith('not-ours')));
    assert.ok(removed.includes(`bridge ${lab.bridge}`));
    assert.ok(removed.includes(dir));
    assert.deepEqual(running([...sshdPids, inside.pid!]), []);
    assert.deepEqual(await traces(lab.id), []);
    assert.equal(existsSync(dir), false);
    assert.equal(existsSync(`/sys/class/net/${lab.bridge}`), false);
    await new Promise<void>((resolve) =>
      session.exitCode !== null ? resolve() : session.once('exit', () => resolve()),
    );
    assert.deepEqual(await labDown(dir), { removed: [] });
    dir = '';
  });
});
