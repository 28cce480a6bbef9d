// The physical host's image script run here by bash on a scratch directory (no lab): publish
// verifies every file against the admin's manifest, refuses a mismatch (keeping the published
// image), switches NAME atomically; list's output parses. The manifest made in Node is exactly
// what sha256sum prints.
import assert from 'node:assert/strict';
import { execFileSync, spawnSync } from 'node:child_process';
import { mkdirSync, mkdtempSync, readlinkSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { test } from 'node:test';
import { toShell } from '../../admin/transport/command.js';
import {
  IMAGE_SCRIPT,
  imageCommand,
  manifestOf,
  parseImageList,
  REFUSED_EXIT,
  VM_SCRIPT,
} from '../../admin/vm/index.js';

function run(args: Parameters<typeof imageCommand>) {
  const r = spawnSync('sh', ['-c', toShell(imageCommand(...args))], { encoding: 'utf8' });
  return { code: r.status, stdout: r.stdout, stderr: r.stderr };
}

test('both remote scripts are valid bash', () => {
  for (const s of [IMAGE_SCRIPT, VM_SCRIPT]) {
    const r = spawnSync('bash', ['-n'], { input: s, encoding: 'utf8' });
    assert.equal(r.status, 0, r.stderr);
  }
});

test('image script: refuse a mismatch, publish a match atomically, list it', () => {
  const root = mkdtempSync(join(tmpdir(), 'salvo-image-unit-'));
  try {
    const dir = join(root, 'vm');
    const files = [
      { file: 'vmlinux', text: 'kernel\n' },
      { file: 'disk.qcow2', text: 'disk v1\n' },
    ];
    const sums = files.map((f) => ({
      file: f.file,
      sha256: execFileSync('sha256sum', { input: f.text }).toString().slice(0, 64),
    }));
    const { manifest, sha256 } = manifestOf(sums);
    const have = run(['have', { dir, name: 'base', files: 'vmlinux disk.qcow2' }]);
    assert.equal(have.code, 0, have.stderr);
    assert.match(have.stdout, /^current -$/m);
    const stage = join(dir, 'images', '.incoming', 'base');
    assert.match(have.stdout, new RegExp(`^stage ${stage}$`, 'm'));
    for (const f of files) {
      writeFileSync(join(stage, f.file), f.text);
    }
    // The manifest equals sha256sum's own listing of the staged files.
    const real = execFileSync('sh', ['-c', 'cd "$1" && LC_ALL=C ls | xargs sha256sum', 'x', stage])
      .toString()
      .trimEnd();
    assert.equal(manifest, real);
    const meta = '{"disk":"disk.qcow2","kernel":"vmlinux"}';
    // A corrupted staged file: refused, the copy removed.
    writeFileSync(join(stage, 'disk.qcow2'), 'disk v1 corrupted\n');
    const bad = run(['publish', { dir, name: 'base', sum: sha256, manifest, meta }]);
    assert.equal(bad.code, REFUSED_EXIT, bad.stderr);
    assert.match(bad.stdout, /^refused [0-9a-f]{64} {2}disk\.qcow2$/m);
    assert.match(bad.stdout, /^kept -$/m);
    assert.equal(spawnSync('test', ['-e', stage]).status, 1, 'the refused copy is removed');
    // Staged again, intact: published under .store, NAME switched to it.
    run(['have', { dir, name: 'base', files: 'vmlinux disk.qcow2' }]);
    for (const f of files) {
      writeFileSync(join(stage, f.file), f.text);
    }
    writeFileSync(join(stage, 'stray'), 'left by someone');
    const stray = run(['publish', { dir, name: 'base', sum: sha256, manifest, meta }]);
    assert.equal(stray.code, REFUSED_EXIT, 'a file the manifest does not name is refused too');
    run(['have', { dir, name: 'base', files: 'vmlinux disk.qcow2' }]);
    for (const f of files) {
      writeFileSync(join(stage, f.file), f.text);
    }
    const ok = run(['publish', { dir, name: 'base', sum: sha256, manifest, meta }]);
    assert.equal(ok.code, 0, ok.stderr + ok.stdout);
    assert.match(ok.stdout, /^verified 2$/m);
    assert.match(ok.stdout, new RegExp(`^published base@${sha256.slice(0, 12)}$`, 'm'));
    assert.equal(readlinkSync(join(dir, 'images', 'base')), `.store/base@${sha256.slice(0, 12)}`);
    const again = run(['have', { dir, name: 'base', files: 'vmlinux disk.qcow2' }]);
    assert.match(again.stdout, new RegExp(`^current ${sha256}$`, 'm'));
    // A guest that booted it, as the start action records it.
    const g = join(dir, 'guests', 'vm1');
    mkdirSync(g, { recursive: true });
    writeFileSync(join(g, 'wanted'), 'running\n');
    writeFileSync(join(g, 'image'), `base\t${sha256}\n`);
    const list = run(['list', { dir }]);
    assert.equal(list.code, 0, list.stderr);
    const parsed = parseImageList('cloud1', list.stdout);
    assert.equal(parsed.images.length, 1);
    assert.equal(parsed.images[0]!.name, 'base');
    assert.equal(parsed.images[0]!.sha256, sha256);
    assert.equal(parsed.images[0]!.version, `base@${sha256.slice(0, 12)}`);
    assert.ok(parsed.images[0]!.bytes >= 15);
    assert.deepEqual(parsed.guests, [{ name: 'vm1', wanted: 'running', image: 'base', sha256 }]);
  } finally {
    rmSync(root, { recursive: true, force: true });
  }
});
