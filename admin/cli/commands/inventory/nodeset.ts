// `salvo nodeset -e|-f|-c EXPR…` — ClusterShell's nodeset, with @groups from the services file.
import { once } from 'node:events';
import type { Command } from 'commander';
import { UsageError } from '../../../errors.js';
import { type NodeSet, parseNodeSet } from '../../../inventory/nodeset.js';
import { servicesPath } from '../services-path.js';

interface Flags {
  expand?: boolean;
  fold?: boolean;
  count?: boolean;
}

/** -e writes names as they come; past this many it stops with an error before writing any. */
const MAX_LISTED_NAMES = 100_000_000n;

export function registerNodeset(program: Command): void {
  program
    .command('nodeset')
    .description(
      'expand, fold or count node sets (ClusterShell syntax; @group from the services file)',
    )
    .argument('<expr...>', 'node-set expressions, joined as a union ("" is the empty set)')
    .option(
      '-e, --expand',
      `print every name, separated by single spaces (streamed; at most ${MAX_LISTED_NAMES} names)`,
    )
    .option('-f, --fold', 'print the folded form')
    .option('-c, --count', 'print how many names (counted on ranges: no limit on the count)')
    .addHelpText(
      'after',
      `
Sets are kept as ranges, so -c and -f cost the number of ranges, not of names:
-c 'r[1-100000]n[1-100000]' prints 10000000000 at once. ClusterShell's limits
apply (indexes up to 1e100, ranges under 1e9 indexes); an expression that
would cost too much work is refused with where and why. See docs/nodeset.md.`,
    )
    .action(async (exprs: string[], flags: Flags, cmd: Command) => {
      const modes = [flags.expand, flags.fold, flags.count].filter(Boolean).length;
      if (modes !== 1) {
        throw new UsageError('nodeset: give exactly one of -e, -f, -c');
      }
      const expr = exprs.join(',');
      const set = parseNodeSet(expr, await groupResolver(expr, cmd));
      if (flags.expand) {
        return writeNames(set, expr);
      }
      process.stdout.write(`${flags.fold ? set.fold() : set.size.toString()}\n`);
    });
}

/**
 * Names in chunks, waiting for the pipe to drain: memory stays flat whatever the count. A reader
 * that goes away (`| head`) ends the listing quietly, as for any command.
 */
async function writeNames(set: NodeSet, expr: string): Promise<void> {
  if (set.size > MAX_LISTED_NAMES) {
    throw new UsageError(
      `nodeset: "${expr}" has ${set.size} names; -e lists at most ${MAX_LISTED_NAMES} (-c counts, -f folds any size)`,
    );
  }
  const out = process.stdout;
  let gone = false;
  const readerGone = new Promise<void>((resolve) => out.once('error', () => resolve()));
  out.on('error', () => (gone = true)); // stays: a late EPIPE must not become an uncaught error
  let chunk = '';
  let first = true;
  for (const name of set.names()) {
    chunk += first ? name : ` ${name}`;
    first = false;
    if (chunk.length < 65536) {
      continue;
    }
    if (!out.write(chunk)) {
      await Promise.race([once(out, 'drain').catch(() => undefined), readerGone]);
    }
    if (gone || out.destroyed) {
      return;
    }
    chunk = '';
  }
  out.write(`${chunk}\n`);
}

/** Groups need the services file; plain node sets must work without one. */
async function groupResolver(
  expr: string,
  cmd: Command,
): Promise<((g: string) => string[] | undefined) | undefined> {
  if (!expr.includes('@')) {
    return undefined;
  }
  const { loadInventory } = await import('../../../inventory/load.js');
  const inv = await loadInventory(servicesPath(cmd));
  return (g) => inv.groups.get(g);
}
