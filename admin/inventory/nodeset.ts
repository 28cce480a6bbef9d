// ClusterShell-compatible node sets: "cloud[1-7,10-21]", "node[01-10]", "@web!cloud3".
// Expansion order and folded text match `nodeset -e` / `nodeset -f` of ClusterShell 1.9.1; its
// outputs are recorded in test/inventory/nodeset-oracle.ts. The pieces live in ./nodeset/.
//
// Where we part from ClusterShell, it is to refuse what is surely a mistake in a services file:
// an empty expression, an unknown @group, whitespace inside a name, negative indexes, wildcards
// (* and ?, which need a list of all nodes), and more than a million names. Ansible's [1:21]
// is accepted as [1-21]. @group sources (@source:group), @* and @@source are not interpreted.
import { evaluateNodeSet, type GroupResolver } from './nodeset/evaluate.js';
import { expandVector, layOut, renderVector } from './nodeset/layout.js';
import { NodeSetError, reportProblemsIn } from './nodeset/problem.js';

export type { GroupResolver } from './nodeset/evaluate.js';
export { NodeSetError } from './nodeset/problem.js';

/**
 * Expand a ClusterShell node-set expression to an ordered, de-duplicated list of names.
 * Operators apply left to right: `,` union, `!` difference, `&` intersection, `^` symmetric
 * difference. Throws NodeSetError (with the offset of the problem) for a malformed expression.
 */
export function expandNodeSet(expr: string, resolveGroup?: GroupResolver): string[] {
  const names = reportProblemsIn(expr, () => evaluateNodeSet(expr, resolveGroup));
  return layOut(names).flatMap(({ texts, vectors }) =>
    vectors.flatMap((vector) => expandVector(texts, vector)),
  );
}

/** How many distinct names the expression denotes. */
export function countNodeSet(expr: string, resolveGroup?: GroupResolver): number {
  return reportProblemsIn(expr, () => evaluateNodeSet(expr, resolveGroup)).size;
}

/** Characters that would make a folded name read back as something else. */
const NOT_IN_NAMES = /[\s,!&^[\]*?]/;

function checkName(name: string): string {
  const fail = (what: string, offset: number): never => {
    throw new NodeSetError(`invalid node name "${name}": ${what}`, name, offset);
  };
  if (name === '') {
    fail('it is empty', 0);
  }
  if (name.startsWith('@')) {
    fail('it starts with "@"', 0);
  }
  const bad = NOT_IN_NAMES.exec(name);
  if (bad !== null) {
    fail(`"${bad[0]}" at offset ${bad.index}`, bad.index);
  }
  return name;
}

/**
 * Fold names back into the shortest ClusterShell form, as `nodeset -f` prints it. Throws
 * NodeSetError for a name that would not read back as itself (empty, "@…", operators, blanks).
 */
export function foldNodeSet(names: Iterable<string>): string {
  const checked = [...names].map(checkName);
  return layOut(checked)
    .flatMap(({ texts, vectors }) => vectors.map((vector) => renderVector(texts, vector)))
    .join(',');
}
