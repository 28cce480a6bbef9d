// resolveSshTarget against OpenSSH itself: for a corpus of configs, `ssh -G -F FILE HOST` is the
// oracle for the resolved host, port, user, identity files, known_hosts files and proxy.
import assert from 'node:assert/strict';
import { execFileSync } from 'node:child_process';
import { writeFile } from 'node:fs/promises';
import { userInfo } from 'node:os';
import { join } from 'node:path';
import { after, before, describe, it } from 'node:test';
import { resolveSshTarget } from '../../../admin/transport/ssh-config/resolve.js';
import type { SshTarget } from '../../../admin/transport/types.js';
import { tempDir } from '../hostkeys/fixtures.js';

const hasSsh = (() => {
  try {
    execFileSync('ssh', ['-V'], { stdio: 'ignore' });
    return true;
  } catch {
    return false;
  }
})();

/** The corpus: configs as an operator writes them ({K} is the temp dir with key files). */
const CORPUS: { config: string; hosts: string[] }[] = [
  { config: 'Host cloud*\n  HostName 198.18.1.%h\n  User ops\n', hosts: ['cloud3', 'web1'] },
  {
    config:
      'Host cloud? !cloud9\n  User fleet\nHost cloud3\n  User ignored\n  Port 2003\nHost *\n  User everyone\n  Port 2000\n',
    hosts: ['cloud3', 'cloud9', 'cloud12', 'CLOUD3'],
  },
  {
    config:
      'Host cloud3\n  IdentityFile {K}/a\n  IdentityFile {K}/b\nHost *\n  IdentityFile {K}/c\n  IdentitiesOnly yes\n',
    hosts: ['cloud3', 'x'],
  },
  {
    config:
      'Host cloud3\n  UserKnownHostsFile {K}/kh1 %d/kh2\n  GlobalKnownHostsFile /etc/g1\nHost *\n  UserKnownHostsFile {K}/other\n',
    hosts: ['cloud3', 'cloud4'],
  },
  {
    config:
      'Host db*\n  ProxyCommand ssh -W %h:%p -l %r bastion\n  HostName %h.internal\nHost *\n  ProxyJump gate:2222\n',
    // not `gate` itself: ssh -G prints its ProxyJump to itself, which Salvo (like ssh when it
    // dials) does not follow
    hosts: ['db1', 'cloud1'],
  },
  {
    config:
      'Host a\n  ProxyJump j1\n  ProxyCommand nc %h %p\nHost b\n  ProxyCommand none\n  ProxyJump j2\n',
    hosts: ['a', 'b'],
  },
  {
    config:
      'Host cloud3\n  HostName 10.0.0.3\nMatch host 10.0.0.*\n  Port 2201\nMatch originalhost cloud* !user nobody\n  User m\nMatch user m\n  ConnectTimeout 7\nMatch all\n  User late\n',
    hosts: ['cloud3', 'cloud4', 'web'],
  },
  {
    config: 'Host *\n  Port 22\n  User root\n  ConnectTimeout 5\nHost late\n  Port 99\n',
    hosts: ['late', 'x'],
  },
  {
    config: 'Host h\n  Hostname %%weird\n  Port 2022\n  user U\n',
    hosts: ['h'],
  },
];

function oracle(file: string, host: string): Map<string, string[]> {
  const out = execFileSync('ssh', ['-G', '-F', file, host], {
    encoding: 'utf8',
    stdio: ['ignore', 'pipe', 'ignore'],
  });
  const m = new Map<string, string[]>();
  for (const line of out.split('\n')) {
    const i = line.indexOf(' ');
    if (i > 0) {
      const k = line.slice(0, i);
      m.set(k, [...(m.get(k) ?? []), line.slice(i + 1)]);
    }
  }
  return m;
}

/** What ssh -G prints, in our terms: `~` and ProxyCommand's tokens expanded. */
function expected(g: Map<string, string[]>, home: string) {
  const one = (k: string): string => g.get(k)?.[0] ?? '';
  const tilde = (p: string): string => (p.startsWith('~/') ? join(home, p.slice(2)) : p);
  const hostname = one('hostname');
  const port = Number(one('port'));
  const user = one('user');
  const proxy = g.get('proxycommand')?.[0];
  return {
    hostname,
    port,
    user,
    identityFiles: (g.get('identityfile') ?? []).map(tilde),
    knownHostsFiles: [
      ...one('userknownhostsfile').split(' '),
      ...one('globalknownhostsfile').split(' '),
    ].map(tilde),
    proxyCommand:
      proxy === undefined
        ? undefined
        : proxy.replace(
            /%([hpr%n])/g,
            (_, c: string) => ({ h: hostname, p: String(port), r: user, '%': '%' })[c] ?? '',
          ),
    proxyJump: g.get('proxyjump')?.[0],
    connectTimeout: one('connecttimeout') === 'none' ? undefined : Number(one('connecttimeout')),
    identitiesOnly: one('identitiesonly') === 'yes',
  };
}

function ours(t: SshTarget, defaultTimeout: number) {
  return {
    hostname: t.hostname,
    port: t.port,
    user: t.user,
    identityFiles: t.identityFiles,
    knownHostsFiles: t.knownHostsFiles,
    proxyCommand: t.proxyCommand,
    proxyJump:
      t.proxyJump === undefined
        ? undefined
        : `${t.proxyJump.name}${t.proxyJump.port === 22 ? '' : `:${t.proxyJump.port}`}`,
    connectTimeout: t.connectTimeoutMs === defaultTimeout ? undefined : t.connectTimeoutMs / 1000,
    identitiesOnly: t.identitiesOnly === true,
  };
}

describe('ssh_config against ssh -G', { skip: !hasSsh && 'needs OpenSSH' }, () => {
  let tmp: Awaited<ReturnType<typeof tempDir>>;
  // ssh -G takes ~ and %d from the passwd entry, not $HOME: run ours with the same home.
  const home = userInfo().homedir;
  const savedHome = process.env.HOME;
  before(async () => {
    tmp = await tempDir('sshg');
    process.env.HOME = home;
    for (const k of ['a', 'b', 'c']) {
      await writeFile(join(tmp.dir, k), 'key');
    }
  });
  after(async () => {
    process.env.HOME = savedHome;
    await tmp.remove();
  });

  CORPUS.forEach(({ config, hosts }, i) => {
    it(`config ${i + 1}: ${hosts.join(', ')}`, async () => {
      const file = join(tmp.dir, `config${i + 1}`);
      await writeFile(file, config.replaceAll('{K}', tmp.dir));
      for (const host of hosts) {
        const t = await resolveSshTarget({
          name: host,
          knownHosts: [],
          configFile: file,
          connectTimeoutMs: 12_345,
          defaultUser: userInfo().username,
        });
        const want = expected(oracle(file, host), home);
        const got = ours(t, 12_345);
        // ssh lists the default identities when none is configured; Salvo keeps those that exist.
        if (!config.includes('IdentityFile')) {
          want.identityFiles = got.identityFiles;
        }
        // A ProxyJump hop is resolved by Salvo into a target; ssh -G prints it as written.
        assert.deepEqual(got, want, `${host} with config ${i + 1}`);
      }
    });
  });
});
