// Base images on a real 3-host lab: `vm image push` to three hosts arrives intact (sha256 of
// every file, as published); a second push sends nothing; a copy corrupted on arrival is refused
// on its host (the old image kept) while the others publish; `vm image list` shows it; `upgrade
// vm --image` boots a guest on the new image (a marker file inside the guest, the overlay's backing
// file), its persistent disk kept; a plain restart afterwards keeps that image and says so (its
// dry run too). One guest runs at a time (2-core machine, TCG).
import assert from 'node:assert/strict';
import { execFileSync } from 'node:child_process';
import { createHash } from 'node:crypto';
import {
  copyFileSync,
  existsSync,
  mkdirSync,
  openSync,
  readFileSync,
  readlinkSync,
  writeFileSync,
  writeSync,
  closeSync,
} from 'node:fs';
import { mkdtemp } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { test } from 'node:test';
import { Deployment } from '../../../admin/index.js';
import { labAddVms, labDown, labUp } from '../../../admin/lab/index.js';
import { LAB_IMAGE_CACHE } from '../../../admin/lab/vm-image/index.js';
import { isRoot } from '../lab-fixture.js';
import { runCli } from '../services/lab.js';

const sha = (path: string): string => createHash('sha256').update(readFileSync(path)).digest('hex');

/** A lab image whose system disk holds /BASE = `marker` (kernel and initrd: the lab's). */
function makeImage(dir: string, marker: string): void {
  mkdirSync(join(dir, 'fs'), { recursive: true });
  for (const f of ['vmlinux', 'initrd.gz']) {
    copyFileSync(join(LAB_IMAGE_CACHE, f), join(dir, f));
  }
  writeFileSync(join(dir, 'fs', 'BASE'), `${marker}\n`);
  execFileSync('sh', [
    '-c',
    'rm -f "$1/disk.raw" "$1/disk.qcow2" && mke2fs -q -t ext2 -L salvo-system -d "$1/fs" -F "$1/disk.raw" 8M && qemu-img convert -f raw -O qcow2 "$1/disk.raw" "$1/disk.qcow2" && rm -f "$1/disk.raw"',
    'mk',
    dir,
  ]);
  writeFileSync(
    join(dir, 'image.json'),
    JSON.stringify({
      kernel: 'vmlinux',
      initrd: 'initrd.gz',
      disk: 'disk.qcow2',
      append: 'console=ttyS0 quiet panic=-1 ipv6.disable=1',
    }),
  );
}

test('base images on a 3-host lab: push, verify, refuse, list, upgrade', {
  skip: !isRoot && 'needs root (network namespaces, qemu, taps)',
  timeout: 900_000,
}, async (t) => {
  const dir = await mkdtemp(join(tmpdir(), 'salvo-test-vm-image-'));
  t.after(() => labDown(dir));
  const lab = await labUp({ hosts: 3, dir });
  await labAddVms(dir, 1); // vm1 on cloud1, booting lab-base
  const dep = await Deployment.open(lab.servicesFile);
  t.after(() => dep.close());
  const src = join(dir, 'build', 'lab-next');
  makeImage(src, 'salvo NEXT image v1');
  const images = (host: string) => join(dir, host, 'srv', 'salvo-vm', 'images');
  /** The backing file of vm1's overlay (its /srv is DIR/cloud1/srv). */
  const backing = (): string =>
    (
      JSON.parse(
        execFileSync('qemu-img', [
          'info',
          '--output=json',
          '-U',
          join(dir, 'cloud1', 'srv', 'salvo-vm', 'guests', 'vm1', 'system.qcow2'),
        ]).toString(),
      ) as { 'backing-filename': string }
    )['backing-filename'];

  await t.test('pushed to three hosts, every copy arrives intact and is published', async () => {
    const r = await dep.vm.pushImage(src, { hosts: 'cloud[1-3]' });
    assert.deepEqual(
      r.hosts.map((h) => [h.host, h.outcome]),
      [
        ['cloud1', 'published'],
        ['cloud2', 'published'],
        ['cloud3', 'published'],
      ],
      JSON.stringify(r.hosts),
    );
    for (const h of ['cloud1', 'cloud2', 'cloud3']) {
      const link = readlinkSync(join(images(h), 'lab-next'));
      assert.equal(link, `.store/lab-next@${r.sha256.slice(0, 12)}`);
      for (const f of ['vmlinux', 'initrd.gz', 'disk.qcow2']) {
        assert.equal(sha(join(images(h), 'lab-next', f)), sha(join(src, f)), `${h}: ${f}`);
      }
      assert.equal(existsSync(join(images(h), '.incoming', 'lab-next')), false, 'staging left');
    }
    const meta = JSON.parse(readFileSync(join(dir, 'vm', 'images', 'lab-next.json'), 'utf8'));
    assert.equal(meta.sha256, r.sha256);
    assert.equal(r.registered, true);
  });

  await t.test('pushed again: every host has it, nothing is sent', async () => {
    const cli = await runCli(lab.servicesFile, 'vm', 'image', 'push', src, '-H', 'cloud[1-3]');
    assert.equal(cli.code, 0, cli.stdout + cli.stderr);
    assert.match(cli.stdout, /^cloud1\s+present\s/m);
    assert.match(cli.stdout, /^cloud3\s+present\s/m);
    assert.match(cli.stdout, /3 of 3 hosts have lab-next/);
  });

  let v1 = '';
  await t.test('a copy corrupted on arrival is refused; that host keeps the old one', async () => {
    v1 = sha(join(images('cloud2'), 'lab-next', 'disk.qcow2'));
    makeImage(src, 'salvo NEXT image v2');
    // Other content under a registered name needs --replace.
    await assert.rejects(dep.vm.pushImage(src, { hosts: 'cloud[1-3]' }), /--replace/);
    let corrupted = false;
    const stop = dep.onEvent((e) => {
      if (
        e.source === 'vm' &&
        e.event.kind === 'image-host' &&
        e.event.phase === 'staged' &&
        e.event.host === 'cloud2'
      ) {
        // The staged copy on cloud2 (its /srv is DIR/cloud2/srv): one byte flipped.
        const f = join(images('cloud2'), '.incoming', 'lab-next', 'disk.qcow2');
        const flipped = Buffer.from([readFileSync(f)[4096]! ^ 0xff]);
        const fd = openSync(f, 'r+');
        writeSync(fd, flipped, 0, 1, 4096);
        closeSync(fd);
        corrupted = true;
      }
    });
    await assert.rejects(
      dep.vm.pushImage(src, { hosts: 'cloud[1-3]', replace: true, bwlimit: 'fast' }),
      /--bwlimit fast: expected KiB\/s/,
    );
    const r = await dep.vm.pushImage(src, { hosts: 'cloud[1-3]', replace: true, bwlimit: '200m' });
    stop();
    assert.ok(corrupted, 'the staged event came');
    const by = Object.fromEntries(r.hosts.map((h) => [h.host, h]));
    assert.equal(by.cloud1!.outcome, 'published');
    assert.equal(by.cloud3!.outcome, 'published');
    assert.equal(by.cloud2!.outcome, 'refused', JSON.stringify(by.cloud2));
    assert.match(by.cloud2!.detail!, /checksum mismatch on arrival \(disk\.qcow2\).*kept/);
    assert.equal(sha(join(images('cloud2'), 'lab-next', 'disk.qcow2')), v1, 'old copy kept');
    assert.equal(existsSync(join(images('cloud2'), '.incoming', 'lab-next')), false);
    assert.equal(
      sha(join(images('cloud1'), 'lab-next', 'disk.qcow2')),
      sha(join(src, 'disk.qcow2')),
    );
  });

  await t.test('upgrade vm --image: the guest boots the new image, its disk kept', async () => {
    const started = await dep.vm.start('vm1');
    assert.equal(started.state, 'done', JSON.stringify(started.failures));
    const before = await dep.exec('vm1', 'cat /data/BASE; echo kept > /disks/data/f; sync');
    assert.match(before.of('vm1')!.stdout, /^salvo lab base image/);
    const cli = await runCli(lab.servicesFile, 'upgrade', 'vm', '--image', 'lab-next', '-H', 'vm1');
    assert.equal(cli.code, 0, cli.stdout + cli.stderr);
    const after = await dep.exec('vm1', 'cat /data/BASE /disks/data/f');
    assert.equal(after.of('vm1')!.stdout, 'salvo NEXT image v2\nkept\n');
    assert.match(backing(), /\/images\/\.store\/lab-next@[0-9a-f]{12}\/disk\.qcow2$/);
    const [st] = await dep.vm.status('vm1');
    assert.equal(st!.image, 'lab-next');
    assert.equal(st!.state, 'running');
  });

  await t.test('a plain restart keeps the image the guest runs, and says so', async () => {
    // The services file still says base: lab-base (issue 9 item 11: restart keeps what runs).
    const note =
      /note: vm#0@vm1 runs lab-next, the services file says lab-base: restart keeps lab-next; to switch, salvo upgrade vm --image lab-base/;
    const plan = await runCli(lab.servicesFile, 'restart', 'vm', '-H', 'vm1', '--dry-run');
    assert.equal(plan.code, 0, plan.stdout + plan.stderr);
    assert.match(plan.stdout, note);
    assert.match(plan.stdout, /salvo-vm start .*\bbase=lab-next\b/);
    assert.doesNotMatch(plan.stdout, /\bbase=lab-base\b/);
    const [before] = await dep.vm.status('vm1');
    const cli = await runCli(lab.servicesFile, 'vm', 'restart', 'vm1');
    assert.equal(cli.code, 0, cli.stdout + cli.stderr);
    assert.match(cli.stdout + cli.stderr, note);
    // A new overlay (a new qemu), backed by the new image again.
    assert.match(backing(), /\/images\/\.store\/lab-next@[0-9a-f]{12}\/disk\.qcow2$/);
    const [st] = await dep.vm.status('vm1');
    assert.equal(st!.state, 'running');
    assert.equal(st!.image, 'lab-next');
    assert.notEqual(st!.pid, before!.pid, 'a new qemu');
    const inside = await dep.exec('vm1', 'cat /data/BASE /disks/data/f');
    assert.equal(inside.of('vm1')!.stdout, 'salvo NEXT image v2\nkept\n');
  });

  await t.test('image list: which hosts have which images, which guests use them', async () => {
    const list = await dep.vm.images('cloud[1-3]');
    const row = (h: string, n: string) =>
      list.hosts.find((x) => x.host === h)!.images.find((i) => i.name === n);
    const meta = JSON.parse(readFileSync(join(dir, 'vm', 'images', 'lab-next.json'), 'utf8'));
    assert.equal(row('cloud1', 'lab-next')!.sha256, meta.sha256);
    assert.equal(row('cloud3', 'lab-next')!.sha256, meta.sha256);
    assert.notEqual(row('cloud2', 'lab-next')!.sha256, meta.sha256, 'cloud2 kept the old one');
    assert.ok(row('cloud1', 'lab-base'), 'the lab image is listed');
    const cli = await runCli(lab.servicesFile, 'vm', 'image', 'list', '-H', 'cloud[1-3]');
    assert.equal(cli.code, 0, cli.stderr);
    assert.match(
      cli.stdout,
      new RegExp(`^lab-next\\s+cloud1\\s+\\S+\\s+${meta.sha256.slice(0, 12)}\\s+vm1$`, 'm'),
    );
    assert.match(
      cli.stdout,
      /^lab-next: registered \w+, base of no guest; on cloud1,cloud3 with that checksum$/m,
    );
    const stopped = await dep.vm.stop('vm1');
    assert.equal(stopped.state, 'done', JSON.stringify(stopped.failures));
  });
});
