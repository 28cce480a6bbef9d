// `salvo demo` — builds a small lab fleet, drives the real CLI against it, tears it down.
import type { Command } from 'commander';

export function registerDemo(program: Command): void {
  program
    .command('demo')
    .description(
      'build a lab fleet on this machine (root), show check / exec / folding / failures, rollouts, cassandra, monitor, tinc; tear it down',
    )
    .option('-n, --hosts <n>', 'lab size', '6')
    .option('--vms', 'also two qemu guests: boot, exec inside, rolling restart (slow under TCG)')
    .option('--keep', 'leave the lab running afterwards (remove it with: salvo lab down --dir DIR)')
    .action(async (flags: { hosts: string; keep?: boolean; vms?: boolean }) => {
      const { runDemo } = await import('../../demo/run-demo.js');
      process.exitCode = await runDemo({
        hosts: Number(flags.hosts),
        keep: flags.keep ?? false,
        vms: flags.vms ?? false,
      });
    });
}
