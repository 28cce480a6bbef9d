// The loopback lab (`salvo lab up N --loopback`: one sshd per host on 127.0.0.1, no root) through
// the real CLI, the real ssh2 transport and OpenSSH: per-host SALVO_LAB_HOST, a dead sshd, a
// changed host key, lab down twice. Then the same up/exec/down as uid 65534 to prove it needs no root.
import assert from 'node:assert/strict';
import { spawnSync } from 'node:child_process';
import { existsSync, readdirSync } from 'node:fs';
import {
  chmod,
  chown,
  mkdir,
  mkdtemp,
  readFile,
  rm,
  stat,
  symlink,
  writeFile,
} from 'node:fs/promises';
import { join, resolve } from 'node:path';
import { test } from 'node:test';
import { parse } from 'yaml';
import { makeKeyPair } from '../../admin/lab/keys.js';
import { homeDir, type LoopbackState } from '../../admin/lab/loopback/state.js';
import { running } from '../lab/helpers.js';

const BIN = resolve('bin/salvo');
const HOSTS = ['cloud1', 'cloud2', 'cloud3', 'cloud4', 'cloud5'];

interface Run {
  code: number | null;
  stdout: string;
  stderr: string;
}

/** Run `argv` (no shell); `prefix` runs it through a wrapper (the uid-65534 one below). */
function run(argv: string[], prefix: string[] = [], env?: NodeJS.ProcessEnv): Run {
  const [file, ...args] = [...prefix, ...argv];
  const r = spawnSync(file!, args, { encoding: 'utf8', env: env ?? process.env, timeout: 20_000 });
  return { code: r.status, stdout: r.stdout, stderr: r.stderr };
}

const salvo = (args: string[], prefix: string[] = [], env?: NodeJS.ProcessEnv): Run =>
  run([process.execPath, BIN, ...args], prefix, env);

const readLab = async (dir: string): Promise<LoopbackState> =>
  JSON.parse(await readFile(join(dir, 'lab.json'), 'utf8')) as LoopbackState;

/** `salvo exec --json`: host → its stdout (ok hosts only). */
function execJson(
  services: string,
  nodes: string,
  command: string,
  prefix: string[] = [],
  env?: NodeJS.ProcessEnv,
) {
  const r = salvo(['-s', services, 'exec', '--json', nodes, '--', command], prefix, env);
  const rows = r.stdout
    .trim()
    .split('\n')
    .filter(Boolean)
    .map((l) => JSON.parse(l) as { host: string; ok: boolean; stdout: string });
  return {
    ...r,
    out: Object.fromEntries(rows.filter((x) => x.ok).map((x) => [x.host, x.stdout.trim()])),
  };
}

test('a 5-host loopback lab through the CLI', async (t) => {
  const dir = await mkdtemp('/tmp/salvo-lb-test-');
  const services = join(dir, 'services.yaml');
  try {
    await t.test('lab up 5 --loopback writes the client files, all on 127.0.0.1', async () => {
      const r = salvo(['lab', 'up', '5', '--loopback', '--dir', dir]);
      assert.equal(r.code, 0, r.stderr);
      assert.match(r.stdout, /^loopback lab up: 5 hosts on 127\.0\.0\.1 as /);
      const lab = await readLab(dir);
      assert.equal(lab.mode, 'loopback');
      assert.equal((await stat(join(dir, 'id_ed25519'))).mode & 0o777, 0o600);
      const known = (await readFile(join(dir, 'known_hosts'), 'utf8')).trim().split('\n');
      assert.deepEqual(
        known.map((l) => l.split(' ')[0]),
        lab.hosts.map((h) => `[127.0.0.1]:${h.port}`),
      );
      const doc = parse(await readFile(services, 'utf8')) as Record<string, unknown>;
      assert.deepEqual(
        Object.keys(doc),
        ['deployment', 'ssh', 'hosts', 'groups'],
        'no services section',
      );
      for (const f of ['services.yaml', 'ssh_config', 'known_hosts', 'cloud1/sshd_config']) {
        assert.doesNotMatch(
          await readFile(join(dir, f), 'utf8'),
          /198\.18\.|\b10\.\d+\.\d+\.\d+/,
          f,
        );
      }
    });

    await t.test('salvo exec: every host answers with its own SALVO_LAB_HOST', () => {
      const r = execJson(services, 'cloud[1-5]', 'echo $SALVO_LAB_HOST');
      assert.equal(r.code, 0, r.stderr);
      assert.deepEqual(r.out, Object.fromEntries(HOSTS.map((h) => [h, h])));
    });

    await t.test(
      'caches: compiled code and the parsed services file kept between runs; SALVO_CACHE=off keeps none',
      async () => {
        const cache = join(dir, 'xdg-cache');
        const env = { ...process.env, XDG_CACHE_HOME: cache };
        const ls = (sub: string): string[] =>
          existsSync(join(cache, 'salvo', sub)) ? readdirSync(join(cache, 'salvo', sub)) : [];
        for (let i = 0; i < 2; i++) {
          const r = execJson(services, 'cloud[1-2]', 'echo $SALVO_LAB_HOST', [], env);
          assert.deepEqual([r.code, r.out], [0, { cloud1: 'cloud1', cloud2: 'cloud2' }], r.stderr);
        }
        assert.equal(ls('v8').filter((f) => f.startsWith('exec@')).length, 1);
        assert.equal(ls('inventory').length, 1);
        // An edited services file is parsed again: a new entry, and the edit takes effect.
        const text = await readFile(services, 'utf8');
        await writeFile(services, text.replace(/^groups:$/m, 'groups:\n  pair: "cloud[1-2]"'));
        const r = execJson(services, '@pair', 'echo $SALVO_LAB_HOST', [], env);
        assert.deepEqual([r.code, r.out], [0, { cloud1: 'cloud1', cloud2: 'cloud2' }], r.stderr);
        assert.equal(ls('inventory').length, 2);
        await writeFile(services, text);
        const off = join(dir, 'xdg-off');
        const o = execJson(services, 'cloud1', 'true', [], {
          ...process.env,
          XDG_CACHE_HOME: off,
          SALVO_CACHE: 'off',
        });
        assert.equal(o.code, 0, o.stderr);
        assert.equal(existsSync(join(off, 'salvo')), false);
      },
    );

    await t.test('OpenSSH: ssh -F DIR/ssh_config cloud3', () => {
      const r = run(['ssh', '-F', join(dir, 'ssh_config'), 'cloud3', 'echo $SALVO_LAB_HOST']);
      assert.equal(r.code, 0, r.stderr);
      assert.equal(r.stdout, 'cloud3\n');
    });

    await t.test(
      'a host without bash: commands run in sh there (started once), in bash elsewhere',
      async () => {
        // cloud5's sessions get a PATH holding only sh: its login shell cannot exec bash.
        const bin = join(dir, 'nobash-bin');
        await mkdir(bin);
        await symlink('/bin/sh', join(bin, 'sh'));
        const config = join(dir, 'cloud5', 'sshd_config');
        const text = await readFile(config, 'utf8');
        await writeFile(config, text.replace(/^SetEnv (.*)$/m, `SetEnv $1 PATH=${bin}`));
        const pid = (await readLab(dir)).hosts[4]!.sshdPid!;
        process.kill(pid, 'SIGHUP'); // sshd re-executes itself and reads the new config
        const ssh = (cmd: string): Run =>
          run(['ssh', '-F', join(dir, 'ssh_config'), 'cloud5', cmd]);
        for (let i = 0; i < 50 && ssh('command -v bash || echo none').stdout !== 'none\n'; i++) {
          await new Promise((done) => setTimeout(done, 100)); // until the re-executed sshd serves
        }
        assert.equal(ssh('command -v bash || echo none').stdout, 'none\n');
        const probe = 'echo "$0 $#"; echo run >> "$HOME/runs"; exit 7';
        const r = salvo(['-s', services, 'exec', '--json', 'cloud[4-5]', '--', probe]);
        assert.equal(r.code, 1, r.stderr);
        const rows = r.stdout
          .trim()
          .split('\n')
          .map((l) => JSON.parse(l) as { host: string; stdout: string; exitCode: number });
        const byHost = Object.fromEntries(rows.map((x) => [x.host, x]));
        assert.deepEqual([byHost.cloud4?.stdout, byHost.cloud4?.exitCode], ['bash 0\n', 7]);
        assert.deepEqual([byHost.cloud5?.stdout, byHost.cloud5?.exitCode], ['sh 0\n', 7]);
        assert.equal(
          await readFile(join(homeDir(dir, 'cloud5'), 'runs'), 'utf8'),
          'run\n',
          'the command ran once',
        );
      },
    );

    await t.test('a changed host key in known_hosts is refused (salvo and OpenSSH)', async () => {
      const file = join(dir, 'known_hosts');
      const original = await readFile(file, 'utf8');
      const port = (await readLab(dir)).hosts[3]!.port;
      const forged = original.replace(
        new RegExp(`^(\\[127\\.0\\.0\\.1\\]:${port}) .*$`, 'm'),
        `$1 ${makeKeyPair('forged').publicKey}`,
      );
      assert.notEqual(forged, original);
      await writeFile(file, forged);
      try {
        const r = salvo(['-s', services, 'exec', 'cloud[3-4]', '--', 'true']);
        assert.equal(r.code, 3, r.stdout + r.stderr);
        assert.match(r.stdout + r.stderr, /HOST KEY CHANGED for cloud4/);
        assert.match(r.stderr, /unreachable: cloud4 \(1\)/);
        assert.notEqual(run(['ssh', '-F', join(dir, 'ssh_config'), 'cloud4', 'true']).code, 0);
      } finally {
        await writeFile(file, original);
      }
    });

    await t.test(
      'one sshd killed: that host is unreachable (exit 3), the others answer',
      async () => {
        const pid = (await readLab(dir)).hosts[1]!.sshdPid!;
        process.kill(pid, 'SIGTERM');
        for (let i = 0; i < 100 && running([pid]).length > 0; i++) {
          await new Promise((r) => setTimeout(r, 20));
        }
        const r = execJson(services, 'cloud[1-5]', 'echo $SALVO_LAB_HOST');
        assert.equal(r.code, 3, r.stderr);
        assert.deepEqual(
          r.out,
          Object.fromEntries(HOSTS.filter((h) => h !== 'cloud2').map((h) => [h, h])),
        );
        const s = salvo(['lab', 'status', '--dir', dir]);
        assert.match(s.stdout, /4\/5 hosts up/);
        assert.match(s.stdout, /cloud2: sshd down/);
        assert.match(s.stdout, /NOT healthy/);
      },
    );

    await t.test('lab down stops every sshd, removes the dir, and is safe twice', async () => {
      const pids = (await readLab(dir)).hosts.map((h) => h.sshdPid!);
      const r = salvo(['lab', 'down', '--dir', dir]);
      assert.equal(r.code, 0, r.stderr);
      // cloud2's sshd was killed above: four left to stop.
      assert.match(r.stdout, /^removed: sshd cloud\[1,3-5\] \(4\), \/tmp\/salvo-lb-test-\w+\n$/);
      assert.deepEqual(running(pids), []);
      assert.equal(existsSync(dir), false);
      const again = salvo(['lab', 'down', '--dir', dir]);
      assert.equal(again.code, 0, again.stderr);
      assert.equal(again.stdout, 'nothing to remove\n');
    });
  } finally {
    if (existsSync(join(dir, 'lab.json'))) {
      salvo(['lab', 'down', '--dir', dir]);
    }
    await rm(dir, { recursive: true, force: true });
  }
});

const NOBODY = 65534;

/** Can uid 65534 run this checkout's CLI at all? (A repository under a 0700 directory, as /root, is out of its reach.) */
function nobodyCanRunSalvo(): boolean {
  const r = spawnSync(
    'setpriv',
    [
      `--reuid=${NOBODY}`,
      `--regid=${NOBODY}`,
      '--clear-groups',
      '--',
      process.execPath,
      BIN,
      '--version',
    ],
    { encoding: 'utf8', timeout: 20_000 },
  );
  return r.status === 0;
}

const asNobodySkip = whyNotAsNobody();

function whyNotAsNobody(): string | false {
  if (process.getuid?.() !== 0) {
    return 'switching to uid 65534 needs root';
  }
  if (!['/usr/bin/setpriv', '/usr/bin/unshare'].every(existsSync)) {
    return 'needs setpriv and unshare (util-linux)';
  }
  if (!nobodyCanRunSalvo()) {
    return `uid ${NOBODY} cannot read this checkout or node (a parent directory is not world-readable)`;
  }
  return false;
}

/**
 * Debian's `nobody` cannot log in through any sshd: its shell is nologin and nss-systemd marks it
 * locked ('!*'), which sshd without PAM refuses. So the wrapper gives it a shell and a home (an
 * /etc/passwd copy) and drops nss-systemd's shadow entries (an /etc/nsswitch.conf copy), both
 * bind-mounted in a private mount namespace that nothing else sees; then it drops to uid 65534
 * with no groups and no capabilities, and runs the command.
 */
async function nobodyWrapper(root: string): Promise<string[]> {
  const home = join(root, 'home');
  await mkdir(home);
  const passwd = (await readFile('/etc/passwd', 'utf8')).replace(
    /^nobody:.*$/m,
    `nobody:x:${NOBODY}:${NOBODY}:nobody:${home}:/bin/sh`,
  );
  const nsswitch = (await readFile('/etc/nsswitch.conf', 'utf8')).replace(
    /^(shadow|gshadow):.*$/gm,
    '$1: files',
  );
  await writeFile(join(root, 'passwd'), passwd, { mode: 0o644 });
  await writeFile(join(root, 'nsswitch.conf'), nsswitch, { mode: 0o644 });
  await chown(home, NOBODY, NOBODY);
  await chown(root, NOBODY, NOBODY);
  await chmod(root, 0o755);
  const script =
    'mount --bind "$1" /etc/passwd && mount --bind "$2" /etc/nsswitch.conf && shift 2 && exec "$@"';
  return [
    'unshare',
    '--mount',
    '--propagation',
    'private',
    'sh',
    '-c',
    script,
    'sh',
    join(root, 'passwd'),
    join(root, 'nsswitch.conf'),
    'setpriv',
    `--reuid=${NOBODY}`,
    `--regid=${NOBODY}`,
    '--clear-groups',
    '--',
  ];
}

test('the same lab as uid 65534 (no root)', { skip: asNobodySkip }, async (t) => {
  const root = await mkdtemp('/tmp/salvo-lb-nobody-');
  const dir = join(root, 'lab'); // made by `lab up` as nobody, in a dir nobody may write (as /tmp is)
  const services = join(dir, 'services.yaml');
  const env = { ...process.env, HOME: join(root, 'home') };
  try {
    const as = await nobodyWrapper(root);
    await t.test('lab up 5 --loopback: sshds run as uid 65534', async () => {
      const r = salvo(['lab', 'up', '5', '--loopback', '--dir', dir], as, env);
      assert.equal(r.code, 0, r.stderr);
      assert.match(r.stdout, /5 hosts on 127\.0\.0\.1 as nobody/);
      for (const h of (await readLab(dir)).hosts) {
        assert.match(
          await readFile(`/proc/${h.sshdPid}/status`, 'utf8'),
          /^Uid:\s+65534\s+65534\s+65534\s+65534$/m,
        );
      }
    });
    await t.test('salvo exec as nobody: each host its own name, commands run as 65534', () => {
      const r = execJson(services, 'cloud[1-5]', 'echo $SALVO_LAB_HOST $(id -u)', as, env);
      assert.equal(r.code, 0, r.stderr);
      assert.deepEqual(r.out, Object.fromEntries(HOSTS.map((h) => [h, `${h} ${NOBODY}`])));
    });
    await t.test('lab down as nobody removes it all, twice', async () => {
      const pids = (await readLab(dir)).hosts.map((h) => h.sshdPid!);
      const r = salvo(['lab', 'down', '--dir', dir], as, env);
      assert.equal(r.code, 0, r.stderr);
      assert.deepEqual(running(pids), []);
      assert.equal(existsSync(dir), false);
      assert.equal(salvo(['lab', 'down', '--dir', dir], as, env).stdout, 'nothing to remove\n');
    });
  } finally {
    if (existsSync(join(dir, 'lab.json'))) {
      salvo(['lab', 'down', '--dir', dir]); // root may stop nobody's sshds
    }
    await rm(root, { recursive: true, force: true });
  }
});
