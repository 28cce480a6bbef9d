// resolveSshTarget: services file > ~/.ssh/config > defaults, on temp config files and a temp HOME.
import assert from 'node:assert/strict';
import { mkdir, utimes, writeFile } from 'node:fs/promises';
import { userInfo } from 'node:os';
import { join } from 'node:path';
import { after, before, describe, it } from 'node:test';
import { ConfigError } from '../../admin/errors.js';
import { readSshConfig } from '../../admin/transport/ssh-config/file.js';
import { resolveSshTarget, type SshTargetInput } from '../../admin/transport/ssh-config/resolve.js';
import { tempDir } from './hostkeys-fixtures.js';

describe('resolveSshTarget', () => {
  let tmp: Awaited<ReturnType<typeof tempDir>>;
  let home: string;
  let ssh: string;
  let n = 0;

  /** Write a config file and return an input that uses it. */
  async function withConfig(
    text: string,
    extra: Partial<SshTargetInput> = {},
  ): Promise<SshTargetInput> {
    const configFile = join(ssh, `config${++n}`);
    await writeFile(configFile, text);
    return {
      name: 'cloud3',
      knownHosts: ['/salvo/known_hosts'],
      configFile,
      connectTimeoutMs: 5000,
      defaultUser: 'salvo',
      ...extra,
    };
  }

  before(async () => {
    tmp = await tempDir('sshcfg');
    home = join(tmp.dir, 'home');
    ssh = join(home, '.ssh');
    await mkdir(join(ssh, 'config.d'), { recursive: true });
    process.env.HOME = home; // os.homedir() follows HOME
    for (const f of ['id_ed25519', 'id_rsa', 'fleet', 'cloud3-key', 'salvo-key']) {
      await writeFile(join(ssh, f), 'key');
    }
  });
  after(() => tmp.remove());

  it('uses defaults when there is no config', async () => {
    const t = await resolveSshTarget({
      name: 'cloud3',
      knownHosts: ['/k'],
      configFile: null,
      connectTimeoutMs: 5000,
      defaultUser: 'salvo',
    });
    assert.deepEqual(t, {
      name: 'cloud3',
      hostname: 'cloud3',
      port: 22,
      user: 'salvo',
      connectTimeoutMs: 5000,
      knownHostsFiles: ['/k'],
      identityFiles: [join(ssh, 'id_ed25519'), join(ssh, 'id_rsa')], // id_ecdsa does not exist
    });
  });

  it('reads ~/.ssh/config by default and treats a missing one as empty', async () => {
    await writeFile(join(ssh, 'config'), 'Host cloud3\n  Port 2203\n');
    const t = await resolveSshTarget({
      name: 'cloud3',
      knownHosts: [],
      connectTimeoutMs: 1,
      defaultUser: 'u',
    });
    assert.equal(t.port, 2203);
    const none = await resolveSshTarget({
      name: 'x',
      knownHosts: [],
      configFile: join(ssh, 'absent'),
      connectTimeoutMs: 1,
      defaultUser: 'u',
    });
    assert.equal(none.port, 22);
  });

  it('fills what the services file leaves out, and lets its values win', async () => {
    const text = [
      'Host cloud3',
      '  HostName 198.18.1.3',
      '  Port 2222',
      '  User admin',
      '  IdentityFile ~/.ssh/%h-key',
      '  IdentityFile %d/.ssh/fleet',
      '  IdentityFile ~/.ssh/missing',
      '  UserKnownHostsFile ~/.ssh/kh1 /etc/kh2 none',
      '  ConnectTimeout 7',
      '',
    ].join('\n');
    const filled = await resolveSshTarget(await withConfig(text));
    assert.deepEqual(filled, {
      name: 'cloud3',
      hostname: '198.18.1.3',
      port: 2222,
      user: 'admin',
      connectTimeoutMs: 7000,
      identityFiles: [join(ssh, 'fleet')], // %h is 198.18.1.3: no such key; missing ones skipped
      knownHostsFiles: ['/salvo/known_hosts', join(ssh, 'kh1'), '/etc/kh2'],
    });
    const pinned = await resolveSshTarget(
      await withConfig(text, {
        address: '10.0.0.3',
        port: 22,
        user: 'root',
        identity: '~/.ssh/salvo-key',
      }),
    );
    assert.deepEqual(
      [pinned.hostname, pinned.port, pinned.user, pinned.identityFiles],
      ['10.0.0.3', 22, 'root', [join(ssh, 'salvo-key')]],
    );
  });

  it('expands %h in HostName and IdentityFile, %u and %r', async () => {
    const input = await withConfig(
      'Host cloud*\n  HostName %h.lab\n  IdentityFile ~/.ssh/%n-key\n  IdentityFile /keys/%u-%r-%p\n',
    );
    const t = await resolveSshTarget(input);
    assert.equal(t.hostname, 'cloud3.lab');
    assert.deepEqual(t.identityFiles, [join(ssh, 'cloud3-key')]);
    await mkdir(join(tmp.dir, 'keys'), { recursive: true });
    const byUser = join(tmp.dir, 'keys', `${userInfo().username}-salvo-22`);
    await writeFile(byUser, 'key');
    const t2 = await resolveSshTarget(
      await withConfig(`Host cloud*\n  IdentityFile ${tmp.dir}/keys/%u-%r-%p\n`),
    );
    assert.deepEqual(t2.identityFiles, [byUser]);
  });

  it('matches Host patterns like ssh: wildcards, ?, negation, first value wins', async () => {
    const text = [
      'Host cloud? !cloud9',
      '  User fleet',
      'Host cloud3',
      '  User ignored',
      '  Port 2003',
      'Host *',
      '  User everyone',
      '  Port 2000',
      '',
    ].join('\n');
    const at = async (name: string) => resolveSshTarget({ ...(await withConfig(text)), name });
    assert.deepEqual([(await at('cloud3')).user, (await at('cloud3')).port], ['fleet', 2003]);
    assert.equal((await at('cloud9')).user, 'everyone');
    assert.equal((await at('cloud12')).user, 'everyone', '? is one character');
    assert.equal((await at('CLOUD3')).user, 'fleet', 'case-insensitive');
  });

  it('follows Include (relative to ~/.ssh, globbed) and ignores Match blocks except Match all', async () => {
    await writeFile(join(ssh, 'config.d', '10-cloud'), 'Host cloud3\n  User included\n');
    await writeFile(join(ssh, 'config.d', '.hidden'), 'Host cloud3\n  Port 1\n');
    const text =
      'Match host cloud3 exec "touch /tmp/salvo-should-not-exist"\n  Port 9\nMatch all\nInclude config.d/*\n';
    const input = await withConfig(text);
    const t = await resolveSshTarget(input);
    assert.deepEqual([t.user, t.port], ['included', 22]);
    const config = await readSshConfig(input.configFile ?? '', home);
    assert.equal(config.notes.length, 1);
    assert.equal(config.notes[0]?.line, 1);
    assert.match(config.notes[0]?.message ?? '', /Match blocks are ignored/);
  });

  it('resolves ProxyJump hops through the same config', async () => {
    const text = [
      'Host cloud*',
      '  ProxyJump ops@bastion:2200',
      'Host bastion',
      '  HostName 203.0.113.9',
      '  User nobody',
      '  Port 22',
      '  IdentityFile ~/.ssh/fleet',
      '',
    ].join('\n');
    const t = await resolveSshTarget(await withConfig(text));
    assert.deepEqual(t.proxyJump, {
      name: 'bastion',
      hostname: '203.0.113.9',
      port: 2200,
      user: 'ops',
      connectTimeoutMs: 5000,
      identityFiles: [join(ssh, 'fleet')],
      knownHostsFiles: ['/salvo/known_hosts'],
    });
    assert.equal(t.proxyJump?.proxyJump, undefined);
  });

  it('chains a,b: target through b, b through a (whatever b says), a by its own config', async () => {
    const text = [
      'Host cloud3',
      '  ProxyJump a,ssh://root@b:2022',
      'Host b',
      '  ProxyJump elsewhere',
      '  User bee',
      'Host a',
      '  ProxyJump gate',
      'Host gate',
      '  HostName 192.0.2.1',
      '',
    ].join('\n');
    const t = await resolveSshTarget(await withConfig(text));
    const path: string[] = [];
    for (let hop = t.proxyJump; hop !== undefined; hop = hop.proxyJump) {
      path.push(`${hop.user}@${hop.hostname}:${hop.port}`);
    }
    assert.deepEqual(path, ['root@b:2022', 'salvo@a:22', 'salvo@192.0.2.1:22']);
  });

  it('ignores a ProxyJump to oneself (Host * catches the bastion too) and refuses loops', async () => {
    const t = await resolveSshTarget(await withConfig('Host *\n  ProxyJump bastion\n'));
    assert.equal(t.proxyJump?.name, 'bastion');
    assert.equal(t.proxyJump?.proxyJump, undefined);
    await assert.rejects(
      resolveSshTarget(
        await withConfig(
          'Host cloud3\n  ProxyJump a\nHost a\n  ProxyJump b\nHost b\n  ProxyJump a\n',
        ),
      ),
      (err: unknown) =>
        err instanceof ConfigError &&
        /config\d+:6:1: ProxyJump loop: cloud3 -> a -> b -> a/.test(err.message),
    );
    const none = await resolveSshTarget(
      await withConfig('Host cloud3\n  ProxyJump none\nHost *\n  ProxyJump bastion\n'),
    );
    assert.equal(none.proxyJump, undefined);
  });

  it('reports bad values with file and line', async () => {
    const bad = async (text: string, re: RegExp) => {
      const input = await withConfig(text);
      await assert.rejects(
        resolveSshTarget(input),
        (err: unknown) => err instanceof ConfigError && re.test(err.message),
      );
    };
    await bad(
      'Host cloud3\n  Port http\n',
      /config\d+:2:1: ssh_config: Port http is not a port number/,
    );
    await bad('Host cloud3\n  ConnectTimeout soon\n', /:2:1: .*ConnectTimeout/);
    await bad('\nHost cloud3\n  IdentityFile ~/.ssh/%C\n', /:3:1: .*token %C is not supported/);
    await bad('# ok\nHost cloud3\n  User "unclosed\n', /:3:1: ssh_config:/);
    await bad('Host cloud3\n  ProxyJump u@h:99999\n', /ProxyJump "u@h:99999": bad port/);
  });

  it('re-reads a config file when it changes', async () => {
    const input = await withConfig('Host cloud3\n  User first\n');
    assert.equal((await resolveSshTarget(input)).user, 'first');
    await writeFile(input.configFile ?? '', 'Host cloud3\n  User second\n');
    const later = new Date(Date.now() + 5000);
    await utimes(input.configFile ?? '', later, later);
    assert.equal((await resolveSshTarget(input)).user, 'second');
  });
});
