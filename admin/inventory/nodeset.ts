// ClusterShell-compatible node sets: "cloud[1-7,10-21]", "node[01-10]", "@web!cloud3", "n[-5--1]".
// Expansion order and folded text match `nodeset -e` / `nodeset -f` of ClusterShell 1.9.1; its
// outputs are recorded in test/inventory/nodeset/oracle.ts, and test/inventory/nodeset/corpus.test.ts
// compares with the `nodeset` binary on the inputs of ClusterShell's own tests. The pieces live in
// ./nodeset/; sets are kept as ranges, so counting and set algebra never list names.
//
// Where we part from ClusterShell (docs/nodeset.md): wildcards (* and ?, which need a list of all
// nodes) are refused; Ansible's [1:21] is read as [1-21]; @group sources (@source:group), @* and
// @@source are not interpreted; the work one expression may cost is bounded (budget.ts), and
// expandNodeSet returns at most MAX_NAMES names (NodeSet.names() streams any number).
import type { GroupResolver } from './nodeset/evaluate.js';
import { evaluateNodeSet } from './nodeset/evaluate.js';
import { layOut, renderVector } from './nodeset/layout.js';
import { NodeSetError, reportProblemsIn } from './nodeset/problem.js';
import { MAX_NAMES, type NodeSetValue, foldValue, namesOf, sizeOf } from './nodeset/value.js';

export type { GroupResolver } from './nodeset/evaluate.js';
export { NodeSetError } from './nodeset/problem.js';
export { MAX_NAMES } from './nodeset/value.js';

/** An evaluated node-set expression, kept as ranges. */
export class NodeSet {
  readonly size: bigint;

  constructor(private readonly value: NodeSetValue) {
    this.size = sizeOf(value);
  }

  /** As `nodeset -f` prints it. */
  fold(): string {
    return foldValue(this.value);
  }

  /** Every name in `nodeset -e` order, one at a time (memory does not grow with the count). */
  names(): Generator<string> {
    return namesOf(this.value);
  }
}

/**
 * Evaluate a ClusterShell node-set expression. Operators apply left to right: `,` union, `!`
 * difference, `&` intersection, `^` symmetric difference; blank or "" is the empty set. Throws
 * NodeSetError (with the offset of the problem) for a malformed expression or one that would
 * cost more work than the documented bounds.
 */
export function parseNodeSet(expr: string, resolveGroup?: GroupResolver): NodeSet {
  return reportProblemsIn(expr, () => new NodeSet(evaluateNodeSet(expr, resolveGroup)));
}

/** The expression's names, ordered and de-duplicated; NodeSetError past MAX_NAMES names. */
export function expandNodeSet(expr: string, resolveGroup?: GroupResolver): string[] {
  const set = parseNodeSet(expr, resolveGroup);
  if (set.size > BigInt(MAX_NAMES)) {
    throw new NodeSetError(
      `invalid node set "${expr}": expands to more than ${MAX_NAMES} names`,
      expr,
      0,
    );
  }
  return [...set.names()];
}

/** How many distinct names the expression denotes (exact up to 2^53). */
export function countNodeSet(expr: string, resolveGroup?: GroupResolver): number {
  return Number(parseNodeSet(expr, resolveGroup).size);
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
