// The OpenSSH config `salvo ssh-config` writes: a host Salvo reaches through a ProxyCommand must
// be reached through it by plain ssh too (never a direct connection), checked with `ssh -G`.
import assert from 'node:assert/strict';
import { execFileSync } from 'node:child_process';
import { writeFile } from 'node:fs/promises';
import { join } from 'node:path';
import { test } from 'node:test';
import { renderSshConfig } from '../../admin/deployment/ssh-config.js';
import type { SshTarget } from '../../admin/transport/types.js';
import { tempDir } from '../transport/hostkeys/fixtures.js';

const base: SshTarget = {
  name: 'cloud3',
  hostname: '10.9.0.3',
  port: 2222,
  user: 'ops',
  identityFiles: [],
  knownHostsFiles: [],
  connectTimeoutMs: 5000,
};

test('ProxyCommand and HostKeyAlias reach the generated config, as ssh reads them', async () => {
  const text = renderSshConfig(
    'lab',
    [{ ...base, proxyCommand: 'ssh -W 10.9.0.3:2222 gate --opt=100%', hostKeyAlias: 'c3' }],
    '/k',
  );
  assert.match(text, /\n {2}ProxyCommand ssh -W 10\.9\.0\.3:2222 gate --opt=100%%\n/);
  const tmp = await tempDir('sshcfg-render');
  try {
    const file = join(tmp.dir, 'config');
    await writeFile(file, text);
    const g = execFileSync('ssh', ['-G', '-F', file, 'cloud3'], { encoding: 'utf8' });
    assert.match(g, /^proxycommand ssh -W 10\.9\.0\.3:2222 gate --opt=100%%$/m);
    assert.match(g, /^hostkeyalias c3$/m);
    assert.match(g, /^hostname 10\.9\.0\.3$/m);
  } finally {
    await tmp.remove();
  }
});
