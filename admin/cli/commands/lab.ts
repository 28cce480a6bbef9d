// `salvo lab up N | status | down` — a fleet of namespace hosts on this machine, for tests and the demo.
import type { Command } from 'commander';
import { UsageError } from '../../errors.js';
import { renderLabEvent, renderLab, renderLabStatus } from '../render/lab.js';

const DEFAULT_DIR = '/tmp/salvo-lab';

export function registerLab(program: Command): void {
  const lab = program.command('lab').description('a lab fleet of network-namespace hosts on this machine (root)');
  lab.command('up')
    .description('build N hosts cloud1..cloudN, each with its own sshd; writes services.yaml, known_hosts, ssh_config')
    .argument('<n>', 'number of hosts (1-250)')
    .option('--dir <dir>', 'state directory', DEFAULT_DIR)
    .action(async (n: string, flags: { dir: string }) => {
      const hosts = Number(n);
      if (!Number.isInteger(hosts) || hosts < 1 || hosts > 250) throw new UsageError(`lab up: N must be 1-250, got "${n}"`);
      const { labUp } = await import('../../lab/index.js');
      const started = Date.now();
      const result = await labUp({ hosts, dir: flags.dir }, (e) => process.stderr.write(renderLabEvent(e)));
      process.stdout.write(renderLab(result, Date.now() - started));
    });
  lab.command('status')
    .description('show the lab: hosts, sshd per host, leftovers')
    .option('--dir <dir>', 'state directory', DEFAULT_DIR)
    .action(async (flags: { dir: string }) => {
      const { labStatus } = await import('../../lab/index.js');
      process.stdout.write(renderLabStatus(await labStatus(flags.dir)));
    });
  lab.command('down')
    .description('remove everything the lab made (processes by pid, namespaces, bridge); safe to run twice')
    .option('--dir <dir>', 'state directory', DEFAULT_DIR)
    .action(async (flags: { dir: string }) => {
      const { labDown } = await import('../../lab/index.js');
      const { removed } = await labDown(flags.dir);
      process.stdout.write(removed.length ? `removed: ${removed.join(', ')}\n` : 'nothing to remove\n');
    });
}
