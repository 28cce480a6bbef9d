// `salvo lab up N [--loopback] | status | down` — a fleet of namespace hosts on this machine (root),
// or a loopback lab of plain sshds on 127.0.0.1 ports (no root), for tests and the demo.
import type { Command } from 'commander';
import { UsageError } from '../../../errors.js';
import type { LabEvent } from '../../../lab/index.js';
import {
  renderLabEvent,
  renderLab,
  renderLabStatus,
  renderRemoved,
} from '../../render/program/lab.js';
import { renderLoopbackLab, renderLoopbackStatus } from '../../render/program/lab-loopback.js';

const DEFAULT_DIR = '/tmp/salvo-lab';
const LOOPBACK_HINT =
  'Without root, `salvo lab up N --loopback` builds a degraded lab: one sshd per host on 127.0.0.1 ports.';

export function registerLab(program: Command): void {
  const lab = program
    .command('lab')
    .description(
      'a lab fleet of network-namespace hosts on this machine (root; --loopback without)',
    );
  lab
    .command('up')
    .description(
      'build N hosts cloud1..cloudN, each with its own sshd; writes services.yaml, known_hosts, ssh_config',
    )
    .argument('<n>', 'number of hosts (1-250)')
    .option('--dir <dir>', 'state directory', DEFAULT_DIR)
    .option(
      '--loopback',
      'no root: one sshd per host on 127.0.0.1 ports, as you; no namespaces, no services',
    )
    .option(
      '--vms <k>',
      'also K qemu guests vm1..vmK, two per host from cloud1 (image built from Debian packages, cached)',
    )
    .action(async (n: string, flags: { dir: string; loopback?: boolean; vms?: string }) => {
      const hosts = Number(n);
      const vms = flags.vms === undefined ? 0 : Number(flags.vms);
      if (!Number.isInteger(vms) || vms < 0 || vms > 50 || (vms > 0 && flags.loopback)) {
        throw new UsageError(
          `lab up: --vms must be 1-50 (and needs the netns lab), got "${flags.vms}"`,
        );
      }
      if (!Number.isInteger(hosts) || hosts < 1 || hosts > 250) {
        throw new UsageError(`lab up: N must be 1-250, got "${n}"`);
      }
      const { labAddVms, labUp, loopbackUp, requireRoot } = await import('../../../lab/index.js');
      const started = Date.now();
      const onEvent = (e: LabEvent): void => {
        process.stderr.write(renderLabEvent(e));
      };
      if (flags.loopback) {
        const result = await loopbackUp({ hosts, dir: flags.dir }, onEvent);
        process.stdout.write(renderLoopbackLab(result, Date.now() - started));
        return;
      }
      requireRoot(undefined, LOOPBACK_HINT);
      let result = await labUp({ hosts, dir: flags.dir }, onEvent);
      if (vms > 0) {
        result = await labAddVms(flags.dir, vms, onEvent);
      }
      process.stdout.write(renderLab(result, Date.now() - started));
      if (vms > 0) {
        process.stdout.write(
          `guests: vm${vms === 1 ? '1' : `[1-${vms}]`} in services.yaml (not started: salvo -s ${result.servicesFile} vm start)\n`,
        );
      }
    });
  lab
    .command('status')
    .description('show the lab: hosts, sshd per host, leftovers')
    .option('--dir <dir>', 'state directory', DEFAULT_DIR)
    .action(async (flags: { dir: string }) => {
      const { labModeOf, labStatus, loopbackStatus } = await import('../../../lab/index.js');
      if ((await labModeOf(flags.dir)) === 'loopback') {
        process.stdout.write(renderLoopbackStatus(await loopbackStatus(flags.dir)));
        return;
      }
      process.stdout.write(renderLabStatus(await labStatus(flags.dir)));
    });
  lab
    .command('down')
    .description(
      'remove everything the lab made (processes by pid, namespaces, bridge); safe to run twice',
    )
    .option('--dir <dir>', 'state directory', DEFAULT_DIR)
    .action(async (flags: { dir: string }) => {
      const { labDown, labModeOf, loopbackDown } = await import('../../../lab/index.js');
      const mode = await labModeOf(flags.dir);
      // No lab.json: nothing to do for either kind (and a loopback user has no root for labDown).
      let removed: string[] = [];
      if (mode === 'loopback') {
        ({ removed } = await loopbackDown(flags.dir));
      } else if (mode !== undefined) {
        ({ removed } = await labDown(flags.dir));
      }
      process.stdout.write(renderRemoved(removed));
    });
}
