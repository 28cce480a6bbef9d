// The few set operations ClusterShell's multidimensional folding needs, on sorted index lists.
// Folding compares many pairs of sets, so each operation first tries a cheap answer from the
// size and bounds, and only searches the sorted list (or joins it into a key) when it has to.
import { compareIndexes } from './indexes.js';

export class IndexSet {
  private key: string | undefined;

  /** `sorted` must be distinct and in compareIndexes order. */
  constructor(readonly sorted: readonly string[]) {}

  get size(): number {
    return this.sorted.length;
  }

  /** ClusterShell's rg[0] and rg[-1], used (as plain strings) in its sort key. */
  get first(): string {
    return this.sorted[0] ?? '';
  }

  get last(): string {
    return this.sorted[this.sorted.length - 1] ?? '';
  }

  /** Binary search: sets are rebuilt at every merge, so a hash table would rarely pay off. */
  has(index: string): boolean {
    let [low, high] = [0, this.sorted.length - 1];
    while (low <= high) {
      const middle = (low + high) >> 1;
      const order = compareIndexes(this.sorted[middle] as string, index);
      if (order === 0) return true;
      if (order < 0) low = middle + 1;
      else high = middle - 1;
    }
    return false;
  }

  equals(other: IndexSet): boolean {
    if (this === other) return true;
    if (this.size !== other.size || this.first !== other.first || this.last !== other.last) return false;
    this.key ??= this.sorted.join(',');
    other.key ??= other.sorted.join(',');
    return this.key === other.key;
  }

  isDisjointFrom(other: IndexSet): boolean {
    if (compareIndexes(this.last, other.first) < 0 || compareIndexes(other.last, this.first) < 0) return true;
    const [small, large] = this.size <= other.size ? [this, other] : [other, this];
    return small.sorted.every((index) => !large.has(index));
  }

  /** Strict superset. */
  contains(other: IndexSet): boolean {
    return this.size > other.size && other.sorted.every((index) => this.has(index));
  }

  /** Union of two disjoint sets (the only kind folding unites). */
  uniteDisjoint(other: IndexSet): IndexSet {
    const [a, b] = [this.sorted, other.sorted];
    if (compareIndexes(this.last, other.first) < 0) return new IndexSet([...a, ...b]);
    if (compareIndexes(other.last, this.first) < 0) return new IndexSet([...b, ...a]);
    const merged: string[] = [];
    let [i, j] = [0, 0];
    while (i < a.length || j < b.length) {
      const [x, y] = [a[i], b[j]];
      if (y === undefined || (x !== undefined && compareIndexes(x, y) < 0)) merged.push(a[i++] as string);
      else merged.push(b[j++] as string);
    }
    return new IndexSet(merged);
  }
}
