// `salvo vm list|status|console|start|stop|restart|kill` and `salvo wait-until-up`: qemu guests
// (docs/vm.md). start/stop/restart are the rollouts `salvo start|stop|restart vm -H NODESET`
// (every rollout flag passes through); the rest call dep.vm.* and render.
import type { Command } from 'commander';
import { UsageError } from '../../../errors.js';
import { withInterrupt } from '../../interrupt.js';
import { openDeployment, servicesFlag } from '../services-path.js';

export function registerVm(program: Command): void {
  const vm = program
    .command('vm')
    .description(
      'qemu guests of the vm service: list, status, console, start, stop, restart, kill',
    );
  vm.command('list')
    .description(
      'every guest of the services file: physical host, state, accel, vcpus, memory, base image',
    )
    .option('--json', 'print the list as JSON')
    .action(async (flags: { json?: boolean }, cmd: Command) => status(cmd, undefined, flags));
  vm.command('status')
    .description(
      'state of guests (running, unresponsive, crashed, stopped); exit 1 if one crashed or does not answer',
    )
    .argument('[nodeset]', 'guests (default: all)')
    .option('--json', 'print the states as JSON')
    .action(async (nodeset: string | undefined, flags: { json?: boolean }, cmd: Command) =>
      status(cmd, nodeset, flags),
    );
  vm.command('console')
    .description("the last lines of a guest's serial console (its boot messages)")
    .argument('<guest>', 'one guest')
    .option('-n, --lines <n>', 'how many lines', '50')
    .action(async (guest: string, flags: { lines: string }, cmd: Command) => {
      const lines = Number(flags.lines);
      if (!Number.isInteger(lines) || lines < 1) {
        throw new UsageError(`--lines: expected a whole number, got "${flags.lines}"`);
      }
      const dep = await openDeployment(cmd);
      try {
        process.stdout.write(await dep.vm.console(guest, { lines }));
      } finally {
        await dep.close();
      }
    });
  vm.command('kill')
    .description('forced stop: qemu killed at once, no ACPI shutdown (tap and QMP socket removed)')
    .argument('<nodeset>', 'guests to kill')
    .action(async (nodeset: string, _flags: unknown, cmd: Command) => {
      const dep = await openDeployment(cmd);
      try {
        const r = await dep.vm.kill(nodeset);
        for (const k of r) {
          process.stdout.write(
            k.ok ? `${k.name}: stopped (${k.how})\n` : `${k.name}: ${k.error}\n`,
          );
        }
        process.exitCode = r.every((k) => k.ok) ? 0 : 1;
      } finally {
        await dep.close();
      }
    });
  for (const op of ['start', 'stop', 'restart'] as const) {
    vm.command(op)
      .description(
        `${op} guests: \`salvo ${op} vm -H NODESET\` (batches, gates: the guest answers SSH)${op === 'restart' ? '; each keeps the base image it runs' : ''}`,
      )
      .argument('[nodeset]', 'guests (default, or `all`: every guest)')
      .allowUnknownOption()
      .allowExcessArguments() // an unknown option's value (`--batch 2`) is passed through
      .helpOption(
        '-h, --help',
        `rollout flags as for \`salvo ${op}\`: --per-host N --no-wait --parallel --batch --budget --dry-run --json`,
      )
      .action(async (nodeset: string | undefined, _flags: unknown, cmd: Command) => {
        const given = nodeset !== undefined && !nodeset.startsWith('-');
        const rest = cmd.args.slice(given ? 1 : 0);
        const hosts = given && nodeset !== 'all' ? ['-H', nodeset] : [];
        const root = cmd.parent!.parent!;
        await root.parseAsync([...servicesFlag(cmd), op, 'vm', ...hosts, ...rest], {
          from: 'user',
        });
      });
  }

  vm.command('upgrade')
    .description(
      'switch guests to another base image: `salvo upgrade vm --image NAME` (one at a time, gated)',
    )
    .argument('[nodeset]', 'guests (default: all)')
    .requiredOption('--image <name>', 'the base image to boot (pushed with `salvo vm image push`)')
    .allowUnknownOption()
    .allowExcessArguments()
    .action(async (nodeset: string | undefined, flags: { image: string }, cmd: Command) => {
      const rest = cmd.args.slice(nodeset !== undefined && !nodeset.startsWith('-') ? 1 : 0);
      const hosts = nodeset !== undefined && !nodeset.startsWith('-') ? ['-H', nodeset] : [];
      const root = cmd.parent!.parent!;
      await root.parseAsync(
        [...servicesFlag(cmd), 'upgrade', 'vm', '--image', flags.image, ...hosts, ...rest],
        { from: 'user' },
      );
    });

  const image = vm.command('image').description('base images on the physical hosts: push, list');
  image
    .command('push')
    .description(
      'copy a base image to physical hosts in parallel (rsync; sha256 checked on arrival; published atomically)',
    )
    .argument(
      '<dir>',
      'a directory holding image.json (disk, kernel, initrd, append) and its files',
    )
    .option('-H, --hosts <nodeset>', 'physical hosts (default: every host that carries a guest)')
    .option('--name <name>', 'the image name (default: the directory name)')
    .option('--bwlimit <rate>', 'per host, as rsync takes it: KiB/s, or 20m (MiB/s)')
    .option('--replace', 'publish other content under a name registered with another checksum')
    .option('--json', 'print the result as JSON')
    .addHelpText(
      'after',
      '\nThe image is registered as vm/images/NAME.json next to the services file (with its sha256).\nA host whose copy does not match is refused: its copy is removed and its old image kept.\nExit codes: 0 every host has the image, 1 some host refused or failed, 2 usage error.',
    )
    .action(
      async (
        dir: string,
        flags: {
          hosts?: string;
          name?: string;
          bwlimit?: string;
          replace?: boolean;
          json?: boolean;
        },
        cmd: Command,
      ) => {
        const { renderImagePush } = await import('../../render/subsystems/vm.js');
        const dep = await openDeployment(cmd);
        try {
          const r = await withInterrupt((signal) =>
            dep.vm.pushImage(dir, {
              signal,
              ...(flags.hosts ? { hosts: flags.hosts } : {}),
              ...(flags.name ? { name: flags.name } : {}),
              ...(flags.bwlimit ? { bwlimit: flags.bwlimit } : {}),
              ...(flags.replace ? { replace: true } : {}),
            }),
          );
          process.stdout.write(flags.json ? `${JSON.stringify(r, null, 2)}\n` : renderImagePush(r));
          process.exitCode = r.hosts.every(
            (h) => h.outcome === 'published' || h.outcome === 'present',
          )
            ? 0
            : 1;
        } finally {
          await dep.close();
        }
      },
    );
  image
    .command('list')
    .description('which physical hosts have which images (size, checksum), which guests use them')
    .option('-H, --hosts <nodeset>', 'physical hosts (default: every host that carries a guest)')
    .option('--json', 'print the list as JSON')
    .action(async (flags: { hosts?: string; json?: boolean }, cmd: Command) => {
      const { renderImageList } = await import('../../render/subsystems/vm.js');
      const dep = await openDeployment(cmd);
      try {
        const r = await dep.vm.images(flags.hosts);
        process.stdout.write(flags.json ? `${JSON.stringify(r, null, 2)}\n` : renderImageList(r));
        process.exitCode = r.hosts.some((h) => h.error) ? 3 : 0;
      } finally {
        await dep.close();
      }
    });

  program
    .command('wait-until-up')
    .description('wait until hosts (default: every guest, else every host) answer over SSH')
    .argument('[nodeset]', 'hosts to wait for')
    .option('--timeout <duration>', 'give up after this long (default 10m)')
    .action(async (nodeset: string | undefined, flags: { timeout?: string }, cmd: Command) => {
      const dep = await openDeployment(cmd);
      try {
        const guests = dep.inventory.services.get('vm')?.hosts ?? [];
        const target = nodeset ?? (guests.length > 0 ? guests : dep.hosts);
        const r = await withInterrupt((signal) =>
          dep.waitUntilUp(target, { signal, ...(flags.timeout ? { timeout: flags.timeout } : {}) }),
        );
        process.stdout.write(`up: ${String(r.ok) || 'none'}\n`);
        if (r.notOk.size > 0) {
          process.stdout.write(`not up: ${String(r.notOk)}\n`);
        }
        process.exitCode = r.notOk.size > 0 ? 1 : 0;
      } finally {
        await dep.close();
      }
    });
}

async function status(
  cmd: Command,
  nodeset: string | undefined,
  flags: { json?: boolean },
): Promise<void> {
  const { renderVmStatus, vmStatusExitCode } = await import('../../render/subsystems/vm.js');
  const dep = await openDeployment(cmd);
  try {
    const rows = await dep.vm.status(nodeset);
    process.stdout.write(flags.json ? `${JSON.stringify(rows, null, 2)}\n` : renderVmStatus(rows));
    process.exitCode = vmStatusExitCode(rows);
  } finally {
    await dep.close();
  }
}
