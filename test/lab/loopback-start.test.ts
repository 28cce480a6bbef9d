// One loopback host's sshd: a port taken before sshd binds it is retried on another; loopbackDown
// stops it by its recorded pid. A real sshd on 127.0.0.1, no lab around it.
import assert from 'node:assert/strict';
import { existsSync } from 'node:fs';
import { mkdir, mkdtemp, readFile, writeFile } from 'node:fs/promises';
import { createServer, type AddressInfo } from 'node:net';
import { userInfo } from 'node:os';
import { join } from 'node:path';
import { test } from 'node:test';
import { makeKeyPair } from '../../admin/lab/keys.js';
import { loopbackDown } from '../../admin/lab/loopback/down.js';
import { startLoopbackHost } from '../../admin/lab/loopback/start.js';
import { homeDir, writeLoopbackState, type LoopbackState } from '../../admin/lab/loopback/state.js';
import { running } from './helpers.js';

test('a port taken before sshd binds it: the host starts on another; loopbackDown stops it', {
  skip: !existsSync('/usr/sbin/sshd') && 'needs /usr/sbin/sshd (openssh-server)',
}, async () => {
  const dir = await mkdtemp('/tmp/salvo-lb-start-');
  const squatter = createServer();
  await new Promise<void>((r) => squatter.listen(0, '127.0.0.1', r));
  const taken = (squatter.address() as AddressInfo).port;
  try {
    if (process.getuid?.() === 0) {
      await mkdir('/run/sshd', { recursive: true, mode: 0o755 });
    }
    const key = makeKeyPair('cloud1-hostkey');
    const host = {
      name: 'cloud1',
      n: 1,
      port: taken,
      sshdPid: null as number | null,
      hostKey: key.publicKey,
    };
    await mkdir(homeDir(dir, 'cloud1'), { recursive: true });
    await writeFile(join(dir, 'cloud1', 'ssh_host_ed25519_key'), key.privateKey, { mode: 0o600 });
    const state: LoopbackState = {
      version: 1,
      mode: 'loopback',
      dir,
      namePrefix: 'cloud',
      user: userInfo().username,
      adminKey: key.publicKey,
      phase: 'building',
      hosts: [host],
    };
    await writeLoopbackState(state);

    await startLoopbackHost(dir, state.user, host, Date.now() + 10_000);
    assert.notEqual(host.port, taken);
    assert.ok(host.sshdPid && running([host.sshdPid]).length === 1);
    assert.match(
      await readFile(join(dir, 'cloud1', 'sshd_config'), 'utf8'),
      new RegExp(`^ListenAddress 127\\.0\\.0\\.1:${host.port}$`, 'm'),
    );

    await writeLoopbackState(state);
    const { removed } = await loopbackDown(dir);
    assert.deepEqual(removed, [`sshd ${host.sshdPid} (cloud1)`, dir]);
    assert.deepEqual(running([host.sshdPid]), []);
    assert.deepEqual(await loopbackDown(dir), { removed: [] });
  } finally {
    squatter.close();
    await loopbackDown(dir).catch(() => undefined);
  }
});
