// The names of one pattern (the text around the numbers, e.g. r%sn%s) as disjoint boxes: one
// IntervalSet per number position, the names being each box's cartesian product. Set algebra
// works box by box, so r[1-100000]n[1-100000] is one box, never ten billion names.
import { checkPieces, spend } from '../budget.js';
import { IntervalSet } from './interval-set.js';

export type Box = IntervalSet[];

export interface PatternSet {
  texts: readonly string[]; // ["r", "n", ""]: one more than the number positions
  boxes: Box[]; // pairwise disjoint, none empty; [[]] for a name without numbers
}

/** ClusterShell's pattern key, which orders patterns: "%" escaped as "%%", numbers as "%s". */
export function patternKey(texts: readonly string[]): string {
  return texts.map((text) => (text.includes('%') ? text.replaceAll('%', '%%') : text)).join('%s');
}

export function boxSize(box: Box): bigint {
  return box.reduce((count, axis) => count * axis.size, 1n);
}

export function patternSize(set: PatternSet): bigint {
  return set.boxes.reduce((count, box) => count + boxSize(box), 0n);
}

function checkBoxes(boxes: Box[]): Box[] {
  let pieces = 0;
  for (const box of boxes) {
    for (const axis of box) {
      pieces += axis.pieces;
    }
  }
  checkPieces(pieces);
  return boxes;
}

function intersectBoxes(a: Box, b: Box): Box | undefined {
  const out: Box = [];
  for (let d = 0; d < a.length; d++) {
    const axis = (a[d] as IntervalSet).intersect(b[d] as IntervalSet);
    if (axis.isEmpty) {
      return undefined;
    }
    out.push(axis);
  }
  return out;
}

/** a − b as at most one box per axis. */
function subtractBox(a: Box, b: Box): Box[] {
  const common = intersectBoxes(a, b);
  if (common === undefined) {
    return [a];
  }
  const out: Box[] = [];
  const rest = [...a];
  for (let d = 0; d < a.length; d++) {
    const outside = (rest[d] as IntervalSet).minus(b[d] as IntervalSet);
    if (!outside.isEmpty) {
      out.push([...rest.slice(0, d), outside, ...rest.slice(d + 1)]);
    }
    rest[d] = common[d] as IntervalSet;
  }
  return out;
}

function subtractAll(boxes: Box[], others: readonly Box[]): Box[] {
  let result = boxes;
  for (const other of others) {
    spend(result.length);
    result = checkBoxes(result.flatMap((box) => subtractBox(box, other)));
    if (result.length === 0) {
      break;
    }
  }
  return result;
}

/** One number position: keep a single interval set, whatever the operation. */
function oneAxis(boxes: Box[]): Box[] {
  if (boxes.length <= 1) {
    return boxes;
  }
  const axis = boxes.reduce((all, box) => all.union(box[0] as IntervalSet), IntervalSet.EMPTY);
  return axis.isEmpty ? [] : [[axis]];
}

function withBoxes(set: PatternSet, boxes: Box[]): PatternSet {
  return { texts: set.texts, boxes: set.texts.length === 2 ? oneAxis(boxes) : boxes };
}

export function unite(a: PatternSet, b: PatternSet): PatternSet {
  if (a.texts.length === 1) {
    return a.boxes.length > 0 ? a : b;
  }
  return withBoxes(a, checkBoxes([...a.boxes, ...subtractAll(b.boxes, a.boxes)]));
}

export function subtract(a: PatternSet, b: PatternSet): PatternSet {
  if (a.texts.length === 1) {
    return { texts: a.texts, boxes: b.boxes.length > 0 ? [] : a.boxes };
  }
  return withBoxes(a, subtractAll(a.boxes, b.boxes));
}

export function intersect(a: PatternSet, b: PatternSet): PatternSet {
  const boxes: Box[] = [];
  for (const x of a.boxes) {
    spend(b.boxes.length);
    for (const y of b.boxes) {
      const common = intersectBoxes(x, y);
      if (common !== undefined) {
        boxes.push(common);
      }
    }
  }
  return withBoxes(a, checkBoxes(boxes));
}

export function symmetricDifference(a: PatternSet, b: PatternSet): PatternSet {
  const left = subtract(a, b);
  const right = subtract(b, a);
  return withBoxes(a, checkBoxes([...left.boxes, ...right.boxes]));
}

/** Names of one box, first position slowest, as `nodeset -e` lists a vector. */
export function* boxNames(texts: readonly string[], box: Box): Generator<string> {
  const axes = box.map((axis) => axis);
  function* walk(d: number, prefix: string): Generator<string> {
    if (d === axes.length) {
      yield prefix;
      return;
    }
    const after = texts[d + 1] ?? '';
    for (const index of (axes[d] as IntervalSet).texts()) {
      yield* walk(d + 1, prefix + index + after);
    }
  }
  yield* walk(0, texts[0] ?? '');
}
