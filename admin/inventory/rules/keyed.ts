// Mappings keyed by node sets (compute_servers, cassandra topology): one value per host,
// and a host that two keys both name is reported with both places.
import { report, where, type Ctx } from '../context.js';
import { expandIn, nameHosts, type Scope } from '../expand.js';
import type { Path } from '../positions.js';

export interface Keyed<V> {
  value: V;
  key: string;
}

export function expandKeyed<V>(
  entries: Record<string, V>,
  base: Path,
  ctx: Ctx,
  scope: Scope,
): Map<string, Keyed<V>> {
  const out = new Map<string, Keyed<V>>();
  for (const [key, value] of Object.entries(entries)) {
    const names = expandIn(ctx, key, [...base, key], 'key', scope) ?? [];
    reportTwice(
      names.filter((n) => out.has(n)),
      (n) => out.get(n)!.key,
      [...base, key],
      base,
      ctx,
      'listed',
    );
    for (const name of names) {
      if (!out.has(name)) {
        out.set(name, { value, key });
      }
    }
  }
  return out;
}

/** One issue per earlier key: "hosts cloud[5-7] are listed twice: here and at services.yaml:3:3". */
export function reportTwice(
  dups: string[],
  firstKey: (name: string) => string,
  path: Path,
  base: Path,
  ctx: Ctx,
  verb: string,
): void {
  const byFirst = new Map<string, string[]>();
  for (const name of dups) {
    byFirst.set(firstKey(name), [...(byFirst.get(firstKey(name)) ?? []), name]);
  }
  for (const [first, names] of byFirst) {
    const firstAt = where(ctx, ctx.locator.at([...base, first], 'key'));
    report(ctx, path, `${nameHosts(names)} ${verb} twice: here and at ${firstAt}`, 'key');
  }
}
