// ssh_config honoured when connecting, on a real lab: HostName and User over the services file's
// defaults, UserKnownHostsFile, and ProxyCommand / ProxyJump to a host the admin machine cannot
// reach directly (its replies to us are blackholed inside its namespace).
import { test } from 'node:test';
import assert from 'node:assert/strict';
import { execFileSync } from 'node:child_process';
import { writeFile } from 'node:fs/promises';
import { join } from 'node:path';
import { Deployment } from '../../../admin/deployment/deployment.js';
import { ConfigError } from '../../../admin/errors.js';
import { withLab, isRoot } from '../lab-fixture.js';
import type { Lab } from '../../../admin/lab/index.js';

/** A services file with no addresses and a default user that cannot log in: only ssh_config
 * (HostName, User) gets Salvo there. */
async function deployment(lab: Lab, sshConfig: string, knownHosts = lab.knownHostsFile) {
  const configFile = join(lab.dir, `ssh_config.${Math.random().toString(36).slice(2)}`);
  await writeFile(configFile, sshConfig);
  const file = join(lab.dir, `services.${Math.random().toString(36).slice(2)}.yaml`);
  await writeFile(
    file,
    [
      'deployment: sshcfg',
      'ssh:',
      '  user: nobody',
      '  identity: ./id_ed25519',
      `  known_hosts: ${JSON.stringify(knownHosts)}`,
      `  config: ${JSON.stringify(configFile)}`,
      '  connect_timeout: 3',
      'hosts:',
      '  "cloud[1-3]": {}',
      '',
    ].join('\n'),
  );
  return Deployment.open(file, { session: false });
}

const hostNames = (lab: Lab): string =>
  lab.hosts.map((h) => `Host ${h.name}\n  HostName ${h.address}\n`).join('');

test('ssh_config on a lab', { skip: !isRoot && 'needs root (network namespaces)' }, async (t) => {
  await withLab(3, async (lab) => {
    const emptyKnownHosts = join(lab.dir, 'empty_known_hosts');
    await writeFile(emptyKnownHosts, '');

    await t.test(
      "HostName and User come from ssh_config, not the services file's defaults",
      async () => {
        const dep = await deployment(lab, `${hostNames(lab)}Host cloud*\n  User root\n`);
        try {
          const r = await dep.exec('cloud[1-3]', 'echo $(hostname) $(id -un)');
          assert.deepEqual(
            r.map((x) => [x.host, x.ok, x.stdout]),
            [1, 2, 3].map((i) => [`cloud${i}`, true, `cloud${i} root\n`]),
            JSON.stringify(r.map((x) => x.failure)),
          );
        } finally {
          await dep.close();
        }
      },
    );

    await t.test(
      'UserKnownHostsFile is used when connecting (and only what it lists)',
      async () => {
        const good = await deployment(
          lab,
          `${hostNames(lab)}Host *\n  User root\n  UserKnownHostsFile ${lab.knownHostsFile}\n`,
          emptyKnownHosts,
        );
        try {
          assert.ok((await good.exec('cloud1', 'true')).allOk);
        } finally {
          await good.close();
        }
        const bad = await deployment(
          lab,
          `${hostNames(lab)}Host *\n  User root\n  UserKnownHostsFile ${emptyKnownHosts}\n  GlobalKnownHostsFile none\n`,
          emptyKnownHosts,
        );
        try {
          const [r] = await bad.exec('cloud1', 'true');
          assert.equal(r?.failure?.kind, 'hostkey', r?.failure?.message);
        } finally {
          await bad.close();
        }
      },
    );

    await t.test('a weaker StrictHostKeyChecking is refused, not ignored', async () => {
      const dep = await deployment(
        lab,
        `${hostNames(lab)}Host *\n  User root\n  StrictHostKeyChecking accept-new\n`,
      );
      try {
        await assert.rejects(
          dep.exec('cloud1', 'true'),
          (err: unknown) =>
            err instanceof ConfigError &&
            /ssh_config\.\w+:9:1: .*StrictHostKeyChecking accept-new/.test(err.message),
        );
      } finally {
        await dep.close();
      }
    });

    await t.test(
      'ProxyCommand and ProxyJump reach a host only reachable through cloud1',
      async () => {
        const cloud3 = lab.hosts[2]!;
        const admin = `198.18.${lab.id}.254`;
        // cloud3 can no longer answer the admin machine; cloud1 still reaches it.
        execFileSync('ip', [
          'netns',
          'exec',
          cloud3.netns,
          'ip',
          'route',
          'add',
          'blackhole',
          `${admin}/32`,
        ]);
        try {
          const direct = await deployment(lab, `${hostNames(lab)}Host *\n  User root\n`);
          try {
            const [r] = await direct.exec('cloud3', 'hostname');
            assert.equal(r?.failure?.kind, 'unreachable', 'direct connection must fail');
          } finally {
            await direct.close();
          }
          const viaCommand = await deployment(
            lab,
            `${hostNames(lab)}Host cloud3\n  ProxyCommand ssh -F ${lab.sshConfigFile} -W %h:%p cloud1\nHost *\n  User root\n`,
          );
          try {
            const [r] = await viaCommand.exec('cloud3', 'hostname; echo $SSH_CONNECTION');
            assert.equal(r?.ok, true, r?.failure?.message);
            const [name, conn] = (r?.stdout ?? '').trim().split('\n');
            assert.equal(name, 'cloud3');
            // The connection came from cloud1's address, not the admin machine's.
            assert.match(
              conn ?? '',
              new RegExp(`^${lab.hosts[0]!.address.replaceAll('.', '\\.')} `),
            );
          } finally {
            await viaCommand.close();
          }
          const viaJump = await deployment(
            lab,
            `${hostNames(lab)}Host cloud3\n  ProxyJump cloud1\nHost *\n  User root\n`,
          );
          try {
            const [r] = await viaJump.exec('cloud3', 'echo $SSH_CONNECTION');
            assert.equal(r?.ok, true, r?.failure?.message);
            assert.match(
              r?.stdout ?? '',
              new RegExp(`^${lab.hosts[0]!.address.replaceAll('.', '\\.')} `),
            );
          } finally {
            await viaJump.close();
          }
        } finally {
          execFileSync('ip', [
            'netns',
            'exec',
            cloud3.netns,
            'ip',
            'route',
            'del',
            'blackhole',
            `${admin}/32`,
          ]);
        }
      },
    );
  });
});
