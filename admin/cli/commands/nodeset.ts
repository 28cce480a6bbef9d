// `salvo nodeset -e|-f|-c EXPR…` — ClusterShell's nodeset, with @groups from the services file.
import type { Command } from 'commander';
import { UsageError } from '../../errors.js';
import { expandNodeSet, foldNodeSet } from '../../inventory/nodeset.js';
import { servicesPath } from './services-path.js';

interface Flags {
  expand?: boolean;
  fold?: boolean;
  count?: boolean;
}

export function registerNodeset(program: Command): void {
  program
    .command('nodeset')
    .description(
      'expand, fold or count node sets (ClusterShell syntax; @group from the services file)',
    )
    .argument('<expr...>', 'node-set expressions, joined as a union')
    .option('-e, --expand', 'print every name, separated by single spaces')
    .option('-f, --fold', 'print the folded form')
    .option('-c, --count', 'print how many names')
    .action(async (exprs: string[], flags: Flags, cmd: Command) => {
      const modes = [flags.expand, flags.fold, flags.count].filter(Boolean).length;
      if (modes !== 1) {
        throw new UsageError('nodeset: give exactly one of -e, -f, -c');
      }
      const expr = exprs.join(',');
      const names = expandNodeSet(expr, await groupResolver(expr, cmd));
      const out = flags.expand
        ? names.join(' ')
        : flags.fold
          ? foldNodeSet(names)
          : String(names.length);
      process.stdout.write(`${out}\n`);
    });
}

/** Groups need the services file; plain node sets must work without one. */
async function groupResolver(
  expr: string,
  cmd: Command,
): Promise<((g: string) => string[] | undefined) | undefined> {
  if (!expr.includes('@')) {
    return undefined;
  }
  const { loadInventory } = await import('../../inventory/load.js');
  const inv = await loadInventory(servicesPath(cmd));
  return (g) => inv.groups.get(g);
}
