// The remote scripts, run here by a local sh exactly as a host's shell would run them (the text
// toShell() sends), against a scratch directory standing in for /etc/tinc/NET.
import { test } from 'node:test';
import assert from 'node:assert/strict';
import { spawn, spawnSync } from 'node:child_process';
import { chmod, mkdir, mkdtemp, readFile, rm, stat, writeFile } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { toShell, type Command } from '../../admin/transport/command.js';
import {
  parsePings,
  parseProbe,
  pingCommand,
  probeCommand,
  pushCommand,
  pushInput,
  parseControlPid,
  controlCommand,
} from '../../admin/tinc/remote/commands.js';
import { sha256 } from '../../admin/tinc/plan/plan.js';
import type { TincPaths } from '../../admin/tinc/remote/paths.js';

function run(c: Command, input = ''): { code: number | null; stdout: string; stderr: string } {
  const r = spawnSync('sh', ['-c', toShell(c)], { input, encoding: 'utf8' });
  return { code: r.status, stdout: r.stdout, stderr: r.stderr };
}

async function scratch(): Promise<TincPaths> {
  const dir = await mkdtemp(join(tmpdir(), 'salvo-tinc-unit-'));
  return {
    confDir: join(dir, 'etc-tinc-lab'),
    pidFile: join(dir, 'tinc.pid'),
    logFile: join(dir, 'tinc.log'),
  };
}

test('push writes atomically with modes, deletes, chmods; probe reads it all back', async () => {
  const p = await scratch();
  try {
    const input = pushInput([
      { op: 'w', path: 'tinc.conf', mode: 0o644, text: 'Name = cloud2\n' },
      { op: 'w', path: 'tinc-up', mode: 0o755, text: '#!/bin/sh\necho "it\'s $INTERFACE"\n' },
      { op: 'w', path: 'hosts/cloud2', mode: 0o644, text: 'Subnet = 10.1.2.1/32\n' },
      { op: 'w', path: 'hosts/cloud1', mode: 0o644, text: 'Subnet = 10.1.1.1/32\n' },
      { op: 'w', path: 'hosts/empty', mode: 0o644, text: '' },
    ]);
    assert.equal(run(pushCommand(p), input).code, 0);
    await writeFile(join(p.confDir, 'rsa_key.priv'), 'secret', { mode: 0o644 });
    await chmod(join(p.confDir, 'rsa_key.priv'), 0o644);
    assert.equal(
      run(
        pushCommand(p),
        pushInput([
          { op: 'd', path: 'hosts/empty' },
          { op: 'm', path: 'rsa_key.priv', mode: 0o600 },
        ]),
      ).code,
      0,
    );
    assert.equal((await stat(join(p.confDir, 'tinc-up'))).mode & 0o777, 0o755);
    assert.equal((await stat(join(p.confDir, 'rsa_key.priv'))).mode & 0o777, 0o600);

    const probe = run(probeCommand(p, 'cloud2'));
    assert.equal(probe.code, 0, probe.stderr);
    const s = parseProbe(probe.stdout);
    assert.equal(s.pid, undefined);
    assert.equal(s.keyMode, '600');
    assert.equal(s.files.get('tinc-up')?.mode, '755');
    assert.equal(s.files.get('tinc-up')?.text, '#!/bin/sh\necho "it\'s $INTERFACE"\n');
    assert.equal(s.files.get('hosts/cloud2')?.text, 'Subnet = 10.1.2.1/32\n');
    assert.deepEqual([...s.hashes], [['hosts/cloud1', sha256('Subnet = 10.1.1.1/32\n')]]);
    assert.equal(s.files.has('tinc-down'), false);
  } finally {
    await rm(join(p.confDir, '..'), { recursive: true, force: true });
  }
});

test('push writes any bytes exactly (escapes, UTF-8, "-", empty, NUL), leaves no staging, probe hashes every peer', async () => {
  const p = await scratch();
  try {
    const texts: Record<string, string> = {
      'hosts/a':
        'Address = 198.18.0.1\nSubnet = 10.1.1.1/32\n\n-----BEGIN RSA PUBLIC KEY-----\nMIIB\\x\n',
      'hosts/b': ' leading space, tab\tand a trailing one \n% not a format %s \u00e9\u2026',
      'hosts/c': '-',
      'hosts/d': '',
      'hosts/e': 'nul\u0000inside\n',
      'tinc-up': '#!/bin/sh\nip addr add "$ADDR" dev "$INTERFACE"\n',
    };
    const ops = Object.entries(texts).map(([path, text]) => ({
      op: 'w' as const,
      path,
      mode: path === 'tinc-up' ? 0o755 : 0o644,
      text,
    }));
    const r = run(pushCommand(p), pushInput(ops));
    assert.equal(r.code, 0, r.stderr);
    for (const [path, text] of Object.entries(texts)) {
      assert.deepEqual(await readFile(join(p.confDir, path)), Buffer.from(text), path);
    }
    assert.equal((await stat(join(p.confDir, 'tinc-up'))).mode & 0o777, 0o755);
    assert.equal((await stat(join(p.confDir, 'hosts/a'))).mode & 0o777, 0o644);
    assert.equal(
      spawnSync('ls', ['-A', p.confDir], { encoding: 'utf8' }).stdout,
      'hosts\ntinc-up\n',
    );
    const probe = parseProbe(run(probeCommand(p, 'a')).stdout);
    assert.deepEqual(
      [...probe.hashes].sort(),
      ['hosts/b', 'hosts/c', 'hosts/d', 'hosts/e'].map((f) => [f, sha256(texts[f]!)]),
    );
    assert.equal(probe.files.get('hosts/a')?.text, texts['hosts/a']);
  } finally {
    await rm(join(p.confDir, '..'), { recursive: true, force: true });
  }
});

test("push refuses paths outside tinc's own files, and never writes the private key", async () => {
  const p = await scratch();
  try {
    for (const bad of [
      '../../etc/passwd',
      'hosts/../x',
      'hosts/a/b',
      'rsa_key.priv.pub',
      'hosts/',
    ]) {
      const r = run(pushCommand(p), pushInput([{ op: 'w', path: bad, mode: 0o644, text: 'x' }]));
      assert.equal(r.code, 2, `${bad}: ${r.stderr}`);
      assert.match(r.stderr, /refusing path/);
    }
    const key = run(
      pushCommand(p),
      pushInput([{ op: 'w', path: 'rsa_key.priv', mode: 0o600, text: 'x' }]),
    );
    assert.equal(key.code, 2);
    assert.match(key.stderr, /refusing to w the private key/);
  } finally {
    await rm(join(p.confDir, '..'), { recursive: true, force: true });
  }
});

test('a pid file naming a process that is not tincd counts as not running', async () => {
  const p = await scratch();
  try {
    await mkdir(p.confDir, { recursive: true });
    await writeFile(p.pidFile, `${process.pid}\n`);
    assert.equal(parseProbe(run(probeCommand(p, 'cloud1')).stdout).pid, undefined);
    assert.equal(await readFile(p.pidFile, 'utf8'), `${process.pid}\n`); // probing changes nothing
  } finally {
    await rm(join(p.confDir, '..'), { recursive: true, force: true });
  }
});

test('pings: one line per address, all in parallel (loopback only here)', () => {
  const r = run(pingCommand(['127.0.0.1', '127.0.0.2']));
  assert.equal(r.code, 0);
  assert.deepEqual([...parsePings(r.stdout)].sort(), [
    ['127.0.0.1', true],
    ['127.0.0.2', true],
  ]);
  assert.deepEqual(
    [...parsePings('ok 10.1.1.1\nfail 10.1.2.1\nnoise\n')],
    [
      ['10.1.1.1', true],
      ['10.1.2.1', false],
    ],
  );
});

test('control output: the pid line', () => {
  assert.equal(parseControlPid('pid 4242\n'), 4242);
  assert.equal(parseControlPid(''), undefined);
});

// A restart that must keep its links, against stand-ins on PATH: `tincd` starts a process named
// tincd and counts its starts; `ping ADDR` fails while a rule "ADDR FROM TO" says the address is
// dark at this count of starts; `ip` shows the VPN address. Nothing leaves the machine.
const FAKE_TINCD = `#!/bin/bash
for a; do case $a in --pidfile=*) p=\${a#--pidfile=} ;; esac; done
n=$(cat "$STATE/starts" 2>/dev/null || echo 0); echo $((n + 1)) > "$STATE/starts"
( exec -a tincd-stand-in sleep 300 ) </dev/null >/dev/null 2>&1 &
echo $! > "$p"
`;
const FAKE_PING = `#!/bin/bash
for a; do addr=$a; done
n=$(cat "$STATE/starts" 2>/dev/null || echo 0)
while read -r x from to; do
  [ "$x" = "$addr" ] && [ "$n" -ge "$from" ] && [ "$n" -lt "$to" ] && exit 1
done < "$STATE/dark"
exit 0
`;
const FAKE_IP = '#!/bin/sh\necho "3: lab    inet $ADDR/32 scope global lab"\n';

async function relinkLab(dark: string) {
  const p = await scratch();
  const root = join(p.confDir, '..');
  const bin = join(root, 'bin');
  await mkdir(bin, { recursive: true });
  await mkdir(p.confDir, { recursive: true });
  await writeFile(join(p.confDir, 'tinc.conf'), 'Name = cloud2\n');
  for (const [name, text] of [
    ['tincd', FAKE_TINCD],
    ['ping', FAKE_PING],
    ['ip', FAKE_IP],
  ]) {
    await writeFile(join(bin, name!), text!, { mode: 0o755 });
  }
  await writeFile(join(root, 'dark'), dark);
  const env = { ...process.env, PATH: `${bin}:${process.env.PATH}`, STATE: root, ADDR: '10.1.2.1' };
  const target = { netname: 'lab', iface: 'lab', vpn: '10.1.2.1', peers: ['10.1.1.1', '10.1.3.1'] };
  const control = (action: 'start' | 'restart' | 'stop') =>
    new Promise<{ code: number | null; stdout: string; stderr: string }>((resolve) => {
      const child = spawn('sh', ['-c', toShell(controlCommand(p, target, action))], { env });
      let stdout = '';
      let stderr = '';
      child.stdout.on('data', (d) => (stdout += d));
      child.stderr.on('data', (d) => (stderr += d));
      child.on('close', (code) => resolve({ code, stdout, stderr }));
    });
  const starts = async () => Number(await readFile(join(root, 'starts'), 'utf8'));
  const done = async () => {
    await control('stop');
    await rm(root, { recursive: true, force: true });
  };
  return { control, starts, done };
}

test('restart keeps links: a peer left dark by the key race gets one more restart', async () => {
  // 10.1.3.1 answers before the restart (start 1), is dark after it (start 2), back after start 3
  const lab = await relinkLab('10.1.3.1 2 3\n');
  try {
    assert.equal((await lab.control('start')).code, 0);
    const r = await lab.control('restart');
    assert.equal(r.code, 0, r.stderr);
    assert.match(r.stdout, /^relinked after 1 more restart\(s\)$/m);
    assert.equal(r.stdout.match(/^pid \d+$/gm)?.length, 1, 'one pid line: the running one');
    assert.equal(await lab.starts(), 3);
  } finally {
    await lab.done();
  }
});

test('restart keeps links: a link that never returns fails, named, after two more restarts', async () => {
  const lab = await relinkLab('10.1.3.1 2 99\n');
  try {
    assert.equal((await lab.control('start')).code, 0);
    const r = await lab.control('restart');
    assert.equal(r.code, 1);
    assert.match(r.stderr, /^links lost by the restart: 10\.1\.3\.1$/m);
    assert.equal(await lab.starts(), 4);
  } finally {
    await lab.done();
  }
});

test('restart keeps links: a peer dark before the restart is not waited for', async () => {
  const lab = await relinkLab('10.1.3.1 0 99\n');
  try {
    assert.equal((await lab.control('start')).code, 0);
    const r = await lab.control('restart');
    assert.equal(r.code, 0, r.stderr);
    assert.doesNotMatch(r.stdout, /relinked/);
    assert.equal(await lab.starts(), 2);
  } finally {
    await lab.done();
  }
});
