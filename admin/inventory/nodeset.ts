// ClusterShell-compatible node sets: "cloud[1-7,10-21]", "node[01-10]", "@web!cloud3".
// Expansion and folding match `nodeset -e` / `nodeset -f` of ClusterShell 1.9, whose outputs are
// recorded in test/inventory/nodeset*.test.ts. The pieces live in ./nodeset/.
import { evaluateNodeSet, type GroupResolver } from './nodeset/evaluate.js';
import { expandVector, layOut, renderVector } from './nodeset/layout.js';
import { NodeSetError, reportProblemsIn } from './nodeset/problem.js';

export type { GroupResolver } from './nodeset/evaluate.js';
export { NodeSetError } from './nodeset/problem.js';

/** Expand a ClusterShell node-set expression to an ordered, de-duplicated list of names. */
export function expandNodeSet(expr: string, resolveGroup?: GroupResolver): string[] {
  const names = reportProblemsIn(expr, () => evaluateNodeSet(expr, resolveGroup));
  return layOut(names).flatMap(({ texts, vectors }) => vectors.flatMap((vector) => expandVector(texts, vector)));
}

/** How many distinct names the expression denotes. */
export function countNodeSet(expr: string, resolveGroup?: GroupResolver): number {
  return reportProblemsIn(expr, () => evaluateNodeSet(expr, resolveGroup)).size;
}

/** Characters that would make a folded name read back as something else. */
const NOT_IN_NAMES = /[\s,!&^[\]*?]/;

function checkName(name: string): string {
  const bad = NOT_IN_NAMES.exec(name);
  if (name === '' || bad !== null || name.startsWith('@')) {
    const offset = bad?.index ?? 0;
    const what = name === '' ? 'it is empty' : name.startsWith('@') ? 'it starts with "@"' : `"${bad?.[0]}" at offset ${offset}`;
    throw new NodeSetError(`invalid node name "${name}": ${what}`, name, offset);
  }
  return name;
}

/** Fold names back into the shortest ClusterShell form, as `nodeset -f` prints it. */
export function foldNodeSet(names: Iterable<string>): string {
  const checked = [...names].map(checkName);
  return layOut(checked)
    .flatMap(({ texts, vectors }) => vectors.map((vector) => renderVector(texts, vector)))
    .join(',');
}
