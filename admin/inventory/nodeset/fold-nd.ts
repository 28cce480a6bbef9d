// Folding names with several numbers (r1n1, r1n2, r2n1…) into vectors like r[1-2]n1,r1n2.
// A port of ClusterShell's RangeSetND multivariate folding: its result is not canonical (it
// depends on the order it merges in), so matching `nodeset -f` means doing the same steps.
import { IndexSet } from './sets/index-set.js';
import { compareOrdered, sortIndexes } from './sets/indexes.js';

/** One index set per dimension; the names are their cartesian product. */
export type IndexVector = IndexSet[];

interface Vector {
  axes: IndexVector;
  size: number;
}

function makeVector(axes: IndexVector): Vector {
  return { axes, size: axes.reduce((count, axis) => count * axis.size, 1) };
}

/** ClusterShell's key: bigger vectors first, then per axis bigger, lower first, lower last. */
function compareVectors(a: Vector, b: Vector): number {
  if (a.size !== b.size) {
    return b.size - a.size;
  }
  for (let d = 0; d < a.axes.length; d++) {
    const [x, y] = [a.axes[d] as IndexSet, b.axes[d] as IndexSet];
    const order =
      y.size - x.size || compareOrdered(x.first, y.first) || compareOrdered(x.last, y.last);
    if (order !== 0) {
      return order;
    }
  }
  return 0;
}

/** The one axis on which two vectors differ, or -1 if none; undefined if they cannot merge. */
function differingAxis(a: Vector, b: Vector): number | undefined {
  let differing = -1;
  for (let d = 0; d < a.axes.length; d++) {
    const [x, y] = [a.axes[d] as IndexSet, b.axes[d] as IndexSet];
    if (x.equals(y)) {
      continue;
    }
    if (differing >= 0) {
      return undefined;
    }
    if (!x.isDisjointFrom(y) && !x.contains(y) && !y.contains(x)) {
      return undefined;
    }
    differing = d;
  }
  return differing;
}

/**
 * Two vectors merge when they differ on at most one axis, where their sets are disjoint (they
 * unite) or nested (the larger wins). Checked before building anything: most tries fail.
 */
function tryMerge(a: Vector, b: Vector): Vector | undefined {
  const d = differingAxis(a, b);
  if (d === undefined) {
    return undefined;
  }
  if (d < 0) {
    return a;
  }
  const [x, y] = [a.axes[d] as IndexSet, b.axes[d] as IndexSet];
  const axes = [...a.axes];
  if (x.isDisjointFrom(y)) {
    axes[d] = x.uniteDisjoint(y);
  } else {
    axes[d] = x.size > y.size ? x : y;
  }
  return makeVector(axes);
}

/**
 * A cheap pass: each vector absorbs its successors until one does not merge, then that one
 * carries on. Same steps as ClusterShell's easy pass, written as a stream to avoid splicing.
 */
function mergeNeighbours(vectors: Vector[]): { vectors: Vector[]; changed: boolean } {
  const kept: Vector[] = [];
  let changed = false;
  let current = vectors[0] as Vector;
  for (const next of vectors.slice(1)) {
    const merged = tryMerge(current, next);
    if (merged === undefined) {
      kept.push(current);
    }
    changed ||= merged !== undefined;
    current = merged ?? next;
  }
  kept.push(current);
  return { vectors: kept, changed };
}

/** A full pass: each vector tries every later one (removed ones are skipped, then dropped). */
function mergeAllPairs(vectors: Vector[]): { vectors: Vector[]; changed: boolean } {
  const removed = new Array<boolean>(vectors.length).fill(false);
  let changed = false;
  for (let i = 0; i < vectors.length; i++) {
    if (removed[i]) {
      continue;
    }
    for (let j = i + 1; j < vectors.length; j++) {
      if (removed[j]) {
        continue;
      }
      const merged = tryMerge(vectors[i] as Vector, vectors[j] as Vector);
      if (merged === undefined) {
        continue;
      }
      [vectors[i], removed[j], changed] = [merged, true, true];
    }
  }
  return { vectors: vectors.filter((_, i) => !removed[i]), changed };
}

/** Cheap passes until nothing merges, then full passes until nothing merges (as ClusterShell). */
function mergeVectors(start: Vector[]): Vector[] {
  let vectors = start;
  let full = false;
  for (;;) {
    vectors.sort(compareVectors);
    const pass = full ? mergeAllPairs(vectors) : mergeNeighbours(vectors);
    vectors = pass.vectors;
    if (pass.changed) {
      continue;
    }
    if (full) {
      return vectors;
    }
    full = true;
  }
}

/** The per-axis indexes, if the points fill their cartesian product (then one vector says it all). */
function productAxes(points: readonly string[][], dimensions: number): IndexVector | undefined {
  const axisIndexes = (d: number): string[] =>
    sortIndexes(points.map((point) => point[d] as string));
  const axes = Array.from({ length: dimensions }, (_, d) => IndexSet.of(axisIndexes(d)));
  const size = axes.reduce((count, axis) => count * axis.size, 1);
  return size === points.length ? axes : undefined;
}

/**
 * Fold distinct points (one index per dimension) into vectors, in ClusterShell's order.
 * A full product folds to one vector either way, so it skips the quadratic merge.
 */
export function foldPoints(points: readonly string[][], dimensions: number): IndexVector[] {
  const product = productAxes(points, dimensions);
  if (product !== undefined) {
    return [product];
  }
  // Sets never change once built, so equal one-index sets can be one object (less garbage).
  const shared = new Map<string, IndexSet>();
  const single = (index: string): IndexSet => {
    let set = shared.get(index);
    if (set === undefined) {
      set = IndexSet.of([index]);
      shared.set(index, set);
    }
    return set;
  };
  const singles = points.map((point) => makeVector(point.map(single)));
  return mergeVectors(singles).map((vector) => vector.axes);
}
