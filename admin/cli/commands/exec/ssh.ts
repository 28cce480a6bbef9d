// `salvo ssh-config [-o FILE]`, `salvo ssh HOST [-- CMD…]` and `salvo tmux NODESET`: plain OpenSSH
// through a config written from the deployment (the same hosts, users, keys, jump hosts and
// verified host keys as Salvo uses).
import { spawnSync } from 'node:child_process';
import { mkdirSync } from 'node:fs';
import { dirname, join, resolve } from 'node:path';
import type { Command } from 'commander';
import { UsageError } from '../../../errors.js';
import { writeFileAtomic } from '../../../fs/index.js';
import type { Deployment } from '../../../deployment/deployment.js';
import { openDeployment } from '../services-path.js';

/** Write the config at `file` and its known_hosts beside it (`FILE.known_hosts`), both 0600. */
async function writeSshFiles(
  dep: Deployment,
  file: string,
): Promise<{ config: string; knownHosts: string }> {
  const config = resolve(file);
  const knownHosts = `${config}.known_hosts`;
  const files = await dep.sshClientFiles(knownHosts);
  mkdirSync(dirname(config), { recursive: true, mode: 0o700 });
  for (const [path, text] of [
    [knownHosts, files.knownHosts],
    [config, files.config],
  ] as const) {
    await writeFileAtomic(path, text, { mode: 0o600 });
  }
  return { config, knownHosts };
}

/** Where `salvo ssh` and `salvo tmux` keep the deployment's config: .salvo/ssh/ beside the services file. */
function defaultSshConfigPath(dep: Deployment): string {
  return join(dep.inventory.dir, '.salvo', 'ssh', `${dep.name}.config`);
}

export function registerSsh(program: Command): void {
  program
    .command('ssh-config')
    .description('write an OpenSSH config and known_hosts for the deployment (ssh -F FILE HOST)')
    .option(
      '-o, --output <file>',
      'where to write the config (known_hosts goes to FILE.known_hosts); - prints it',
      '.salvo/ssh/DEPLOYMENT.config',
    )
    .addHelpText(
      'after',
      `
Examples:
  salvo ssh-config -o ~/.ssh/storm.config     then: ssh -F ~/.ssh/storm.config cloud3
  salvo ssh-config -o -                       print the config (its known_hosts path points to Salvo's default)`,
    )
    .action(async (flags: { output: string }, cmd: Command) => {
      const dep = await openDeployment(cmd);
      try {
        if (flags.output === '-') {
          const path = defaultSshConfigPath(dep);
          const written = await writeSshFiles(dep, path);
          process.stdout.write((await dep.sshClientFiles(written.knownHosts)).config);
          return;
        }
        const file =
          flags.output === '.salvo/ssh/DEPLOYMENT.config'
            ? defaultSshConfigPath(dep)
            : flags.output;
        const w = await writeSshFiles(dep, file);
        process.stdout.write(
          `wrote ${w.config}\nwrote ${w.knownHosts}\nuse: ssh -F ${w.config} HOST\n`,
        );
      } finally {
        await dep.close();
      }
    });

  program
    .command('ssh')
    .description(
      'an interactive shell (or a command) on one host, through OpenSSH and the deployment config',
    )
    .argument('<host>', 'a host of the services file')
    .argument('[command...]', 'a command to run instead of a login shell (after --)')
    .addHelpText(
      'after',
      `
Examples:
  salvo ssh cloud3
  salvo -s conf/storm.yaml ssh storm-web1 -- tail -f /var/log/syslog`,
    )
    .action(async (host: string, words: string[], _flags: object, cmd: Command) => {
      const dep = await openDeployment(cmd);
      let config: string;
      try {
        if (!dep.inventory.hosts.has(host)) {
          throw new UsageError(`${host}: not a host of ${dep.file}`);
        }
        config = (await writeSshFiles(dep, defaultSshConfigPath(dep))).config;
      } finally {
        await dep.close();
      }
      const r = spawnSync('ssh', ['-F', config, ...(words.length ? [] : ['-t']), host, ...words], {
        stdio: 'inherit',
      });
      if (r.error) {
        throw new UsageError(`ssh: ${r.error.message}`);
      }
      process.exitCode = r.status ?? 1;
    });
}

interface TmuxFlags {
  maxPanes: string;
  log?: string;
  command?: string;
  session?: string;
}

export function registerTmux(program: Command): void {
  program
    .command('tmux')
    .description(
      'a tmux session with one pane per host (ssh through the deployment config), input synchronized',
    )
    .argument('<nodeset>', 'hosts: cloud[1-4], @web …')
    .option('--max-panes <n>', 'panes per window; more hosts open more windows', '16')
    .option('--log <dir>', "append each pane's output to DIR/HOST.log")
    .option('--command <cmd>', 'run this on each host instead of a login shell')
    .option('--session <name>', 'tmux session name (default salvo-DEPLOYMENT)')
    .addHelpText(
      'after',
      `
Typing goes to every pane of a window (synchronize-panes on); to type into one pane only:
Ctrl-b : setw synchronize-panes off. From a terminal the session is attached (or switched to,
inside tmux); otherwise the attach command is printed.

Examples:
  salvo tmux 'cloud[1-4]'
  salvo tmux @db --max-panes 9 --log /tmp/db-session
  salvo tmux @web --command 'tail -f /var/log/syslog'`,
    )
    .action(async (nodeset: string, flags: TmuxFlags, cmd: Command) => {
      const { openTmuxSession } = await import('../../../tmux/index.js');
      const maxPanes = Number(flags.maxPanes);
      const dep = await openDeployment(cmd);
      let hosts: string[];
      let config: string;
      try {
        hosts = dep.nodes(nodeset);
        config = (await writeSshFiles(dep, defaultSshConfigPath(dep))).config;
      } finally {
        await dep.close();
      }
      const s = openTmuxSession(dep.name, hosts, {
        sshConfig: config,
        maxPanes,
        ...(flags.log ? { logDir: flags.log } : {}),
        ...(flags.command ? { command: flags.command } : {}),
        ...(flags.session ? { session: flags.session } : {}),
      });
      const summary = `tmux session ${s.session}: ${hosts.length} pane(s) in ${s.windows.length} window(s)`;
      if (process.stdin.isTTY && process.stdout.isTTY) {
        const args = process.env.TMUX
          ? ['switch-client', '-t', s.session]
          : ['attach-session', '-t', s.session];
        const r = spawnSync('tmux', args, { stdio: 'inherit' });
        process.exitCode = r.status ?? 0;
        return;
      }
      process.stdout.write(`${summary}\nattach with: tmux attach -t ${s.session}\n`);
    });
}
