// `salvo check` — validate the services file and show what it describes.
import type { Command } from 'commander';
import { servicesPath } from '../services-path.js';
import { renderSummary } from '../../render/inventory/check.js';

export function registerCheck(program: Command): void {
  program
    .command('check')
    .description('validate the services file; print hosts, groups, services and where they run')
    .option('--json', 'print the summary as JSON')
    .action(async (flags: { json?: boolean }, cmd: Command) => {
      const { loadInventory } = await import('../../../inventory/load.js');
      const { summarizeInventory } = await import('../../../inventory/summary.js');
      const summary = summarizeInventory(await loadInventory(servicesPath(cmd)));
      process.stdout.write(
        flags.json ? `${JSON.stringify(summary, null, 2)}\n` : renderSummary(summary),
      );
    });
}
