// The guest lifecycle on a real lab, for either driver (qemu direct, libvirt): two guests on one
// host, exec inside both; restart one (new overlay, persistent disk kept); kill qemu → crashed,
// start recovers; stop leaves no process, tap or socket; bad definitions refused before anything
// starts. TCG here (/dev/kvm is kvm_pvm, the probe must fall back). At most 2 guests run at once
// (2-core machine). Used by vm.test.ts (qemu) and libvirt.test.ts.
import assert from 'node:assert/strict';
import { existsSync, readFileSync, writeFileSync } from 'node:fs';
import { mkdtemp } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { test } from 'node:test';
import { ConfigError, Deployment } from '../../../admin/index.js';
import { labAddVms, labDown, labLibvirt, labUp } from '../../../admin/lab/index.js';
import { isRoot } from '../lab-fixture.js';
import { runCli } from '../services/lab.js';

const qemuPid = (lab: string, host: string, guest: string): number =>
  Number(readFileSync(join(lab, host, 'srv', 'salvo-vm', 'guests', guest, 'qemu.pid'), 'utf8'));
const processAlive = (pid: number): boolean => {
  try {
    const st = readFileSync(`/proc/${pid}/status`, 'utf8');
    return !/^State:\s*Z/m.test(st);
  } catch {
    return false;
  }
};

export function lifecycleTest(driver: 'qemu' | 'libvirt', skip: string | false = false): void {
  test(`${driver} guests on a 1-host lab`, {
    skip: (!isRoot && 'needs root (network namespaces, qemu, taps)') || skip,
    timeout: 900_000,
  }, async (t) => {
    const dir = await mkdtemp(join(tmpdir(), 'salvo-test-vm-'));
    t.after(() => labDown(dir));
    const lab = await labUp({ hosts: 1, dir });
    await labAddVms(dir, 2);
    if (driver === 'libvirt') {
      const text = readFileSync(lab.servicesFile, 'utf8');
      writeFileSync(lab.servicesFile, text.replace(/^( {4}dir: \S+)$/m, '$1\n    driver: libvirt'));
      await labLibvirt(dir);
    }
    const dep = await Deployment.open(lab.servicesFile);
    t.after(() => dep.close());
    const guestDir = (g: string) => join(dir, 'cloud1', 'srv', 'salvo-vm', 'guests', g);

    await t.test('bad definitions are refused before anything starts', async () => {
      const text = readFileSync(lab.servicesFile, 'utf8');
      const bad = join(dir, 'services-bad.yaml');
      writeFileSync(
        bad,
        text
          .replace('base: lab-base', 'base: lab-bsae')
          .replace(
            /vm2: \{ vm_on: cloud1, address: (\S+) \}/,
            'vm2: { vm_on: cloud7, address: $1 }',
          ),
      );
      await assert.rejects(Deployment.open(bad), (e: unknown) => {
        assert.ok(e instanceof ConfigError);
        assert.match(
          e.message,
          /services-bad\.yaml:\d+:\d+: hosts\.vm2\.vm_on: host cloud7 is not defined/,
        );
        assert.match(
          e.message,
          /services-bad\.yaml:\d+:\d+: services\.vm\.base: unknown base image `lab-bsae`/,
        );
        return true;
      });
      assert.equal(existsSync(guestDir('vm1')), false, 'nothing was prepared on the host');
    });

    await t.test('two guests on one host boot; salvo exec works inside both', async () => {
      const r = await dep.vm.start();
      assert.equal(r.state, 'done', JSON.stringify(r.failures));
      const hn = await dep.exec('vm[1-2]', 'hostname; cat /proc/uptime; ls /disks');
      assert.equal(String(hn.ok), 'vm[1-2]');
      assert.match(hn.of('vm1')!.stdout, /^vm1\n/);
      assert.match(hn.of('vm2')!.stdout, /^vm2\n[\d.]+ [\d.]+\ndata\n$/);
      const st = await dep.vm.status();
      assert.deepEqual(
        st.map((s) => [s.name, s.physical, s.state, s.accel]),
        [
          ['vm1', 'cloud1', 'running', 'tcg'],
          ['vm2', 'cloud1', 'running', 'tcg'],
        ],
      );
      if (driver === 'libvirt') {
        const doms = await dep.exec('cloud1', 'virsh -q -c qemu:///system list --name');
        assert.equal(
          doms.of('cloud1')!.stdout.trim().split(/\s+/).sort().join(' '),
          'salvo-vm1 salvo-vm2',
        );
      }
      // Strict host keys: the key recorded before boot is the one the guest presents.
      assert.match(
        readFileSync(lab.knownHostsFile, 'utf8'),
        /^vm1,198\.18\.\d+\.201 ssh-ed25519 /m,
      );
    });

    await t.test('restart: a new overlay of the base image, the persistent disk kept', async () => {
      await dep.exec('vm1', 'echo kept > /disks/data/f && echo lost > /data/f && sync');
      const before = qemuPid(dir, 'cloud1', 'vm1');
      const r = await dep.vm.restart('vm1');
      assert.equal(r.state, 'done', JSON.stringify(r.failures));
      assert.notEqual(qemuPid(dir, 'cloud1', 'vm1'), before);
      const after = await dep.exec('vm1', 'cat /disks/data/f; cat /data/f 2>&1; cat /data/BASE');
      assert.match(after.of('vm1')!.stdout, /^kept\n.*No such file.*\nsalvo lab base image/s);
    });

    await t.test('qemu killed → crashed; start recovers it', async () => {
      const pid = qemuPid(dir, 'cloud1', 'vm2');
      process.kill(pid, 'SIGKILL');
      while (processAlive(pid)) {
        await new Promise((r) => setTimeout(r, 50));
      }
      const [s] = await dep.vm.status('vm2');
      assert.equal(s!.state, 'crashed');
      const cli = await runCli(lab.servicesFile, 'vm', 'status', 'vm2');
      assert.equal(cli.code, 1, cli.stderr);
      assert.match(cli.stdout, /^vm2\s+cloud1\s+crashed\s/m);
      const started = await runCli(lab.servicesFile, 'vm', 'start', 'vm2');
      assert.equal(started.code, 0, started.stdout + started.stderr);
      assert.match(started.stdout + started.stderr, /done: 1 done, 0 failed/);
      const again = await dep.exec('vm2', 'hostname');
      assert.equal(again.of('vm2')!.stdout, 'vm2\n');
    });

    await t.test('console shows the guest boot', async () => {
      const text = await dep.vm.console('vm2', { lines: 200 });
      assert.match(text, /SALVO-READY uptime=[\d.]+s hostname=vm2/);
    });

    await t.test('stop: no process, tap or socket left', async () => {
      const pids = ['vm1', 'vm2'].map((g) => qemuPid(dir, 'cloud1', g));
      const r = await dep.vm.stop();
      assert.equal(r.state, 'done', JSON.stringify(r.failures));
      for (const pid of pids) {
        assert.equal(processAlive(pid), false, `qemu ${pid} still runs`);
      }
      for (const g of ['vm1', 'vm2']) {
        assert.equal(existsSync(join(guestDir(g), 'qmp.sock')), false);
        assert.equal(existsSync(join(guestDir(g), 'qemu.pid')), false);
      }
      const st = await dep.vm.status();
      assert.deepEqual(
        st.map((s) => [s.name, s.state, s.leftovers]),
        [
          ['vm1', 'stopped', []],
          ['vm2', 'stopped', []],
        ],
      );
      const links = await dep.exec('cloud1', 'ls /sys/class/net');
      assert.doesNotMatch(links.of('cloud1')!.stdout, /^sv/m, 'a tap device is left');
    });
  });
}
