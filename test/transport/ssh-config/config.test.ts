// resolveSshTarget: services file > ~/.ssh/config > defaults, on temp config files and a temp HOME.
import assert from 'node:assert/strict';
import { mkdir, utimes, writeFile } from 'node:fs/promises';
import { userInfo } from 'node:os';
import { join } from 'node:path';
import { after, before, describe, it } from 'node:test';
import { ConfigError } from '../../../admin/errors.js';
import {
  resolveSshTarget,
  type SshTargetInput,
} from '../../../admin/transport/ssh-config/resolve.js';
import { tempDir } from '../hostkeys/fixtures.js';

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
      // GlobalKnownHostsFile unset: ssh's defaults, as OpenSSH reads them
      knownHostsFiles: [
        '/salvo/known_hosts',
        join(ssh, 'kh1'),
        '/etc/kh2',
        '/etc/ssh/ssh_known_hosts',
        '/etc/ssh/ssh_known_hosts2',
      ],
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
      // the services file's identity first (as ssh -i), then IdentityFile lines
      ['10.0.0.3', 22, 'root', [join(ssh, 'salvo-key'), join(ssh, 'fleet')]],
    );
  });

  it("ssh_config's User and HostName win over the services file's defaults; -l over all", async () => {
    const text = 'Host cloud3\n  HostName 198.18.1.3\n  User admin\n';
    const t = await resolveSshTarget(await withConfig(text, { defaultUser: 'root' }));
    assert.deepEqual([t.hostname, t.user], ['198.18.1.3', 'admin']);
    const l = await resolveSshTarget(
      await withConfig(text, { defaultUser: 'root', user: 'hostuser', userOverride: 'ops' }),
    );
    assert.equal(l.user, 'ops');
    const h = await resolveSshTarget(await withConfig(text, { user: 'hostuser' }));
    assert.equal(h.user, 'hostuser', "the services file's user for this host is like ssh -l");
  });

  it('reads ~/.ssh/known_hosts and /etc/ssh/ssh_known_hosts by default, none with config null', async () => {
    const t = await resolveSshTarget(await withConfig('Host other\n  Port 1\n'));
    assert.deepEqual(t.knownHostsFiles, [
      '/salvo/known_hosts',
      join(ssh, 'known_hosts'),
      join(ssh, 'known_hosts2'),
      '/etc/ssh/ssh_known_hosts',
      '/etc/ssh/ssh_known_hosts2',
    ]);
    const none = await resolveSshTarget({ ...(await withConfig('')), configFile: null });
    assert.deepEqual(none.knownHostsFiles, ['/salvo/known_hosts']);
  });

  it('honours ProxyCommand with tokens; the first of ProxyCommand / ProxyJump wins', async () => {
    const t = await resolveSshTarget(
      await withConfig(
        'Host cloud3\n  HostName 10.9.0.3\n  User ops\n  ProxyCommand ssh -W %h:%p -l %r gate-%n\n  ProxyJump other\n',
      ),
    );
    assert.equal(t.proxyCommand, 'ssh -W 10.9.0.3:22 -l ops gate-cloud3');
    assert.equal(t.proxyJump, undefined);
    const jumpFirst = await resolveSshTarget(
      await withConfig('Host cloud3\n  ProxyJump gate\nHost *\n  ProxyCommand nc %h %p\n'),
    );
    assert.equal(jumpFirst.proxyCommand, undefined);
    assert.equal(jumpFirst.proxyJump?.name, 'gate');
    const none = await resolveSshTarget(
      await withConfig('Host cloud3\n  ProxyCommand none\nHost *\n  ProxyJump gate\n'),
    );
    assert.deepEqual([none.proxyCommand, none.proxyJump], [undefined, undefined]);
  });

  it('honours IdentitiesOnly, HostKeyAlias, ServerAlive*, ConnectionAttempts, AddressFamily, algorithms', async () => {
    const t = await resolveSshTarget(
      await withConfig(
        [
          'Host cloud3',
          '  IdentitiesOnly yes',
          '  HostKeyAlias c3',
          '  ServerAliveInterval 5',
          '  ServerAliveCountMax 2',
          '  ConnectionAttempts 3',
          '  AddressFamily inet',
          '  BindAddress 127.0.0.1',
          '  KexAlgorithms curve25519-sha256',
          '  Ciphers +aes256-ctr',
          '  StrictHostKeyChecking yes',
          '',
        ].join('\n'),
      ),
    );
    assert.deepEqual(
      [t.identitiesOnly, t.hostKeyAlias, t.keepaliveIntervalMs, t.keepaliveCountMax],
      [true, 'c3', 5000, 2],
    );
    assert.deepEqual(
      [t.connectionAttempts, t.addressFamily, t.bindAddress],
      [3, 'inet', '127.0.0.1'],
    );
    assert.deepEqual(t.algorithms, { kex: 'curve25519-sha256', cipher: '+aes256-ctr' });
  });

  it('refuses what would connect differently from ssh, with file and line', async () => {
    for (const [line, re] of [
      [
        'StrictHostKeyChecking no',
        /StrictHostKeyChecking no: Salvo always checks host keys strictly/,
      ],
      ['StrictHostKeyChecking accept-new', /StrictHostKeyChecking accept-new/],
      ['CanonicalizeHostname yes', /CanonicalizeHostname yes is not supported/],
      ['CertificateFile ~/.ssh/c.pub', /CertificateFile .* is not supported/],
      ['RemoteCommand top', /RemoteCommand top is not supported/],
      ['KnownHostsCommand /bin/x', /KnownHostsCommand/],
    ] as const) {
      const input = await withConfig(`# c\nHost cloud*\n  ${line}\n`);
      await assert.rejects(
        resolveSshTarget(input),
        (err: unknown) =>
          err instanceof ConfigError && /config\d+:3:1: /.test(err.message) && re.test(err.message),
        line,
      );
    }
    // The values that change nothing are accepted.
    await resolveSshTarget(
      await withConfig('Host cloud3\n  CanonicalizeHostname no\n  RemoteCommand none\n'),
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
    assert.equal((await at('CLOUD3')).user, 'everyone', 'Host lines are case-sensitive, as ssh');
  });

  it('follows Include (relative to ~/.ssh, globbed) and evaluates Match like ssh', async () => {
    await writeFile(join(ssh, 'config.d', '10-cloud'), 'Host cloud3\n  User included\n');
    await writeFile(join(ssh, 'config.d', '.hidden'), 'Host cloud3\n  Port 1\n');
    const text = [
      'Host cloud3',
      '  HostName 198.18.1.3',
      'Match originalhost cloud3 !user nobody',
      '  ProxyCommand nc %h %p',
      'Match host 198.18.1.*',
      '  Port 2203',
      'Match host cloud3',
      '  ConnectTimeout 99',
      'Match canonical',
      '  Port 1',
      'Match all',
      'Include config.d/*',
      '',
    ].join('\n');
    const t = await resolveSshTarget(await withConfig(text));
    assert.deepEqual(
      [t.user, t.port, t.proxyCommand, t.connectTimeoutMs],
      ['included', 2203, 'nc 198.18.1.3 2203', 5000],
    );
    await assert.rejects(
      resolveSshTarget(await withConfig('\nMatch host cloud3 exec "touch /tmp/x"\n  Port 9\n')),
      (err: unknown) =>
        err instanceof ConfigError &&
        /:2:1: ssh_config: Match .*"exec" is not supported/.test(err.message),
    );
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
      knownHostsFiles: [
        '/salvo/known_hosts',
        join(ssh, 'known_hosts'),
        join(ssh, 'known_hosts2'),
        '/etc/ssh/ssh_known_hosts',
        '/etc/ssh/ssh_known_hosts2',
      ],
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
