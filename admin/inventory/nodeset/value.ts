// What a node set is once evaluated, and how it is printed: folded (`nodeset -f`), listed
// (`nodeset -e`, in the same order) and counted, all from ranges.
import { spend } from './budget.js';
import { foldPoints } from './fold-nd.js';
import { compareOrdered } from './sets/indexes.js';
import { IntervalSet } from './sets/interval-set.js';
import { type Box, type PatternSet, boxNames, boxSize, patternSize } from './sets/pattern-set.js';
import { formatSlices } from './sets/slices.js';

export type NodeSetValue = Map<string, PatternSet>;

/** expandNodeSet returns at most this many names (an array of them lives in memory). */
export const MAX_NAMES = 1_000_000;
/**
 * Sets in two or more number positions up to this size fold exactly as `nodeset -f` does
 * (ClusterShell's merge, which works name by name); larger ones fold range by range, to a
 * correct but possibly different text.
 */
const EXACT_FOLD_LIMIT = 100_000;

export function sizeOf(value: NodeSetValue): bigint {
  let total = 0n;
  for (const set of value.values()) {
    total += patternSize(set);
  }
  return total;
}

interface Layout {
  texts: readonly string[];
  vectors: Box[];
}

function sortedPatterns(value: NodeSetValue): PatternSet[] {
  return [...value.entries()].sort(([a], [b]) => compareOrdered(a, b)).map(([, set]) => set);
}

/** ClusterShell's vector order: bigger first, then per axis bigger, lower first, lower last. */
function compareBoxes(a: Box, b: Box): number {
  const [x, y] = [boxSize(a), boxSize(b)];
  if (x !== y) {
    return x > y ? -1 : 1;
  }
  for (let d = 0; d < a.length; d++) {
    const [p, q] = [a[d] as IntervalSet, b[d] as IntervalSet];
    if (p.size !== q.size) {
      return p.size > q.size ? -1 : 1;
    }
    const order =
      compareOrdered(p.firstText, q.firstText) || compareOrdered(p.lastText, q.lastText);
    if (order !== 0) {
      return order;
    }
  }
  return 0;
}

/** Disjoint boxes that differ on one axis only become one, until none do. */
function coalesce(start: Box[]): Box[] {
  let boxes = start;
  for (let changed = true; changed; ) {
    changed = false;
    boxes.sort(compareBoxes);
    const removed = new Array<boolean>(boxes.length).fill(false);
    for (let i = 0; i < boxes.length; i++) {
      if (removed[i]) {
        continue;
      }
      spend(boxes.length);
      for (let j = i + 1; j < boxes.length; j++) {
        if (removed[j]) {
          continue;
        }
        const [a, b] = [boxes[i] as Box, boxes[j] as Box];
        const differing = a
          .map((axis, d) => (axis.equals(b[d] as IntervalSet) ? -1 : d))
          .filter((d) => d >= 0);
        if (differing.length !== 1) {
          continue;
        }
        const d = differing[0] as number;
        boxes[i] = a.map((axis, k) => (k === d ? axis.union(b[d] as IntervalSet) : axis));
        [removed[j], changed] = [true, true];
      }
    }
    boxes = boxes.filter((_, i) => !removed[i]);
  }
  return boxes;
}

function pointsOf(set: PatternSet): string[][] {
  const points: string[][] = [];
  for (const box of set.boxes) {
    let partial: string[][] = [[]];
    for (const axis of box) {
      const indexes = [...axis.texts()];
      partial = partial.flatMap((point) => indexes.map((index) => [...point, index]));
    }
    for (const point of partial) {
      points.push(point);
    }
  }
  return points;
}

function foldPattern(set: PatternSet): Layout {
  const dimensions = set.texts.length - 1;
  if (dimensions <= 1 || set.boxes.length <= 1) {
    return { texts: set.texts, vectors: set.boxes };
  }
  if (patternSize(set) > BigInt(EXACT_FOLD_LIMIT)) {
    return { texts: set.texts, vectors: coalesce([...set.boxes]) };
  }
  const vectors = foldPoints(pointsOf(set), dimensions).map((vector) =>
    vector.map((axis) => IntervalSet.ofIndexes(axis.sorted)),
  );
  return { texts: set.texts, vectors };
}

function layOutValue(value: NodeSetValue): Layout[] {
  return sortedPatterns(value).map(foldPattern);
}

function renderBox(texts: readonly string[], box: Box): string {
  let text = texts[0] ?? '';
  box.forEach((axis, d) => {
    text += (axis.size > 1n ? `[${formatSlices(axis)}]` : axis.firstText) + (texts[d + 1] ?? '');
  });
  return text;
}

/** The folded text, as `nodeset -f` prints it. */
export function foldValue(value: NodeSetValue): string {
  return layOutValue(value)
    .flatMap(({ texts, vectors }) => vectors.map((box) => renderBox(texts, box)))
    .join(',');
}

/** Every name, in `nodeset -e` order, one at a time. */
export function* namesOf(value: NodeSetValue): Generator<string> {
  for (const { texts, vectors } of layOutValue(value)) {
    for (const box of vectors) {
      if (box.length === 1) {
        const [before, after] = [texts[0] ?? '', texts[1] ?? ''];
        for (const index of (box[0] as IntervalSet).texts()) {
          yield before + index + after;
        }
      } else {
        yield* boxNames(texts, box);
      }
    }
  }
}
