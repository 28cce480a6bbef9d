// The loopback lab's files and state, checked without starting an sshd.
import assert from 'node:assert/strict';
import { test } from 'node:test';
import { mkdtemp, rm, writeFile } from 'node:fs/promises';
import { join } from 'node:path';
import { LabError } from '../../admin/errors.js';
import { parseInventory } from '../../admin/inventory/parse.js';
import { makeKeyPair } from '../../admin/lab/keys.js';
import { readState } from '../../admin/lab/netns/state.js';
import {
  loopbackKnownHosts,
  loopbackServicesYaml,
  loopbackSshConfig,
  loopbackSshdConfig,
} from '../../admin/lab/loopback/files.js';
import { freePorts } from '../../admin/lab/loopback/start.js';
import {
  labModeOf,
  readLoopbackState,
  type LoopbackState,
} from '../../admin/lab/loopback/state.js';
import { requireRoot } from '../../admin/lab/require-root.js';
import { KnownHosts, parseKnownHosts } from '../../admin/transport/hostkeys/known-hosts/index.js';

function state(count: number, user = 'alice'): LoopbackState {
  return {
    version: 1,
    mode: 'loopback',
    dir: '/tmp/lb-x',
    namePrefix: 'cloud',
    user,
    phase: 'up',
    adminKey: makeKeyPair('admin').publicKey,
    hosts: Array.from({ length: count }, (_, i) => ({
      name: `cloud${i + 1}`,
      n: i + 1,
      port: 40001 + i,
      sshdPid: null,
      hostKey: makeKeyPair(`k${i}`).publicKey,
    })),
  };
}

test('sshd_config: 127.0.0.1 on its own port, only the lab user, the lab dir for every file it uses', () => {
  const s = state(2);
  const text = loopbackSshdConfig(s.dir, s.user, s.hosts[1]!);
  for (const line of [
    'ListenAddress 127.0.0.1:40002',
    'HostKey /tmp/lb-x/cloud2/ssh_host_ed25519_key',
    'PidFile /tmp/lb-x/cloud2/sshd.pid',
    'AuthorizedKeysFile /tmp/lb-x/authorized_keys',
    'AllowUsers alice',
    'UsePAM no',
    'StrictModes no',
    'PasswordAuthentication no',
    'LogLevel VERBOSE',
    'MaxStartups 200:30:400',
    'MaxSessions 10',
    'SetEnv SALVO_LAB_HOST=cloud2 HOME=/tmp/lb-x/cloud2/home',
  ]) {
    assert.ok(text.split('\n').includes(line), line);
  }
  assert.doesNotMatch(text, /198\.18|10\.\d+\.\d+\.\d+/);
});

test('known_hosts: [127.0.0.1]:PORT lines that Salvo matches for that port only', () => {
  const s = state(2);
  const text = loopbackKnownHosts(s.hosts);
  assert.match(
    text,
    /^\[127\.0\.0\.1\]:40001 ssh-ed25519 AAAA\S+\n\[127\.0\.0\.1\]:40002 ssh-ed25519 /,
  );
  const known = KnownHosts.fromEntries(parseKnownHosts(text, 'known_hosts'));
  const blob = (k: string): Buffer => Buffer.from(k.split(' ')[1]!, 'base64');
  assert.deepEqual(known.check(['cloud1', '127.0.0.1'], 40001, blob(s.hosts[0]!.hostKey)), {
    status: 'ok',
  });
  assert.equal(
    known.check(['cloud1', '127.0.0.1'], 40001, blob(s.hosts[1]!.hostKey)).status,
    'changed',
  );
  assert.equal(
    known.check(['cloud1', '127.0.0.1'], 22, blob(s.hosts[0]!.hostKey)).status,
    'unknown',
  );
});

test('ssh_config: HostName 127.0.0.1 and Port per host, the lab user, strict defaults', () => {
  const text = loopbackSshConfig(state(2));
  assert.match(text, /^Host cloud2\n {2}HostName 127\.0\.0\.1\n {2}Port 40002$/m);
  for (const line of [
    'User alice',
    'IdentityFile /tmp/lb-x/id_ed25519',
    'UserKnownHostsFile /tmp/lb-x/known_hosts',
    'StrictHostKeyChecking yes',
    'BatchMode yes',
    'IdentitiesOnly yes',
  ]) {
    assert.ok(text.includes(`  ${line}\n`), line);
  }
});

test('services.yaml: hosts with address and port, no services, and it loads', () => {
  const text = loopbackServicesYaml(state(3));
  const inv = parseInventory(text, '/tmp/lb-x/services.yaml', { home: '/nonexistent-home' });
  assert.equal(inv.deployment, 'lab');
  assert.deepEqual(
    [...inv.hosts.values()].map((h) => [h.name, h.address, h.port]),
    [
      ['cloud1', '127.0.0.1', 40001],
      ['cloud2', '127.0.0.1', 40002],
      ['cloud3', '127.0.0.1', 40003],
    ],
  );
  assert.equal(inv.services.size, 0);
  assert.equal(inv.ssh.user, 'alice');
  assert.deepEqual(inv.ssh.knownHosts, ['/tmp/lb-x/known_hosts']);
  assert.doesNotMatch(text, /^services:/m);
});

test('lab.json: labModeOf tells the kinds apart; each reader refuses the other kind', async () => {
  const dir = await mkdtemp('/tmp/salvo-lb-unit-');
  try {
    assert.equal(await labModeOf(dir), undefined);
    await writeFile(join(dir, 'lab.json'), JSON.stringify({ ...state(1), dir }));
    assert.equal(await labModeOf(dir), 'loopback');
    assert.equal((await readLoopbackState(dir))?.user, 'alice');
    await assert.rejects(
      readState(dir),
      (e: unknown) => e instanceof LabError && /loopback lab/.test(e.message),
    );
    await writeFile(join(dir, 'lab.json'), JSON.stringify({ version: 1, id: 3, hosts: [] }));
    assert.equal(await labModeOf(dir), 'netns');
    await assert.rejects(readLoopbackState(dir), LabError);
  } finally {
    await rm(dir, { recursive: true, force: true });
  }
});

test('freePorts gives distinct ports', async () => {
  const ports = await freePorts(20);
  assert.equal(new Set(ports).size, 20);
  assert.ok(ports.every((p) => p > 1024 && p < 65536));
});

test('requireRoot ends its message with the hint it is given', () => {
  assert.throws(() => requireRoot(1000, 'Try --loopback.'), /with sudo\. Try --loopback\.$/);
});
