// Expand a node set written in the services file, reporting each problem at the value it came
// from: bad syntax, an undefined @group, a set that names nothing, hosts that are not defined.
import { foldNodeSet, expandNodeSet, NodeSetError } from './nodeset.js';
import { report, reportAt, type Ctx } from './context.js';
import { didYouMean } from './rules/did-you-mean.js';
import type { Part, Path } from './positions.js';
import type { GroupTable } from './sections/groups.js';

/** What a node set may refer to. null means "that section is invalid: don't judge against it". */
export interface Scope {
  hosts: ReadonlySet<string> | null;
  groups: GroupTable | null;
}

/**
 * The names `expr` stands for, without any that are not defined hosts; undefined when the
 * expression cannot be read at all. Problems are reported at `path` (the key or the value).
 */
export function expandIn(
  ctx: Ctx,
  expr: string,
  path: Path,
  part: Part,
  scope: Scope,
): string[] | undefined {
  const unknownGroups: string[] = [];
  let tainted = false; // it uses a broken group
  const resolve = (name: string): string[] => {
    if (!scope.groups) {
      tainted = true; // the groups section is invalid: nothing to judge by
    } else if (!scope.groups.has(name)) {
      unknownGroups.push(name);
    } else {
      const group = scope.groups.resolve(name);
      tainted ||= group.broken;
      return group.names;
    }
    return [];
  };
  let names: string[];
  try {
    names = expandNodeSet(expr, resolve);
  } catch (err) {
    if (!(err instanceof NodeSetError)) {
      throw err;
    }
    reportAt(ctx, ctx.locator.atText(path, part, expr, err.offset), path, err.message);
    return undefined;
  }
  for (const g of new Set(unknownGroups)) {
    reportUnknownGroup(ctx, g, path, part, scope.groups!);
  }
  // Emptiness caused by a broken or unknown group is not news: that group was reported.
  const judged = unknownGroups.length === 0 && !tainted;
  if (judged && names.length === 0) {
    report(ctx, path, `node set \`${expr}\` is empty`, part);
  }
  return keepDefined(ctx, names, path, part, scope.hosts);
}

function reportUnknownGroup(
  ctx: Ctx,
  name: string,
  path: Path,
  part: Part,
  groups: GroupTable,
): void {
  const known = groups.names();
  const hint =
    didYouMean(name, known) ||
    (known.length > 0 ? ` (groups: ${known.join(', ')})` : ' (no groups are defined)');
  const pos = ctx.locator.atText(path, part, `@${name}`, 0);
  reportAt(ctx, pos, path, `undefined group \`@${name}\`${hint}`);
}

function keepDefined(
  ctx: Ctx,
  names: string[],
  path: Path,
  part: Part,
  hosts: ReadonlySet<string> | null,
): string[] {
  if (!hosts) {
    return names;
  }
  const missing = names.filter((n) => !hosts.has(n));
  if (missing.length > 0) {
    report(ctx, path, `${nameHosts(missing)} not defined under hosts`, part);
  }
  return missing.length > 0 ? names.filter((n) => hosts.has(n)) : names;
}

/** "host cloud8 is" / "hosts cloud[8-9] are", for messages about one or several hosts. */
export function nameHosts(names: string[]): string {
  return names.length === 1 ? `host ${names[0]} is` : `hosts ${foldNodeSet(names)} are`;
}
