// The few set operations ClusterShell's multidimensional folding needs, on sorted index lists.
// Folding compares many pairs of sets, so each operation first tries a cheap answer from the
// size and bounds. A run that grows one index at a time is kept as a chain of pieces and only
// flattened when something needs the whole list: copying it at every step made folding slow.
import { compareIndexes } from './indexes.js';

export class IndexSet {
  readonly size: number;
  readonly first: string; // ClusterShell's rg[0] and rg[-1], used (as plain strings) in its sort key
  readonly last: string;
  private flat: readonly string[] | undefined;
  private key: string | undefined;

  private constructor(
    flat: readonly string[] | undefined,
    private readonly pieces: readonly IndexSet[] = [],
  ) {
    this.flat = flat;
    const [head, tail] = flat === undefined ? [pieces[0], pieces[pieces.length - 1]] : [this, this];
    this.size = flat?.length ?? pieces.reduce((count, piece) => count + piece.size, 0);
    this.first = flat === undefined ? (head?.first ?? '') : (flat[0] ?? '');
    this.last = flat === undefined ? (tail?.last ?? '') : (flat[flat.length - 1] ?? '');
  }

  /** `sorted` must be distinct and in compareIndexes order. */
  static of(sorted: readonly string[]): IndexSet {
    return new IndexSet(sorted);
  }

  get sorted(): readonly string[] {
    this.flat ??= this.flatten();
    return this.flat;
  }

  /** Walks the chain with an explicit stack: a long run is thousands of pieces deep. */
  private flatten(): string[] {
    const out: string[] = [];
    const stack: IndexSet[] = [this];
    while (stack.length > 0) {
      const set = stack.pop() as IndexSet;
      if (set.flat !== undefined) {
        for (const index of set.flat) {
          out.push(index);
        }
      } else {
        for (let i = set.pieces.length - 1; i >= 0; i--) {
          stack.push(set.pieces[i] as IndexSet);
        }
      }
    }
    return out;
  }

  /** Binary search. */
  has(index: string): boolean {
    const sorted = this.sorted;
    let [low, high] = [0, sorted.length - 1];
    while (low <= high) {
      const middle = (low + high) >> 1;
      const order = compareIndexes(sorted[middle] as string, index);
      if (order === 0) {
        return true;
      }
      if (order < 0) {
        low = middle + 1;
      } else {
        high = middle - 1;
      }
    }
    return false;
  }

  equals(other: IndexSet): boolean {
    if (this === other) {
      return true;
    }
    if (this.size !== other.size || this.first !== other.first || this.last !== other.last) {
      return false;
    }
    this.key ??= this.sorted.join(',');
    other.key ??= other.sorted.join(',');
    return this.key === other.key;
  }

  private endsBefore(other: IndexSet): boolean {
    return compareIndexes(this.last, other.first) < 0;
  }

  isDisjointFrom(other: IndexSet): boolean {
    if (this.endsBefore(other) || other.endsBefore(this)) {
      return true;
    }
    const [small, large] = this.size <= other.size ? [this, other] : [other, this];
    return small.sorted.every((index) => !large.has(index));
  }

  /** Strict superset. */
  contains(other: IndexSet): boolean {
    return this.size > other.size && other.sorted.every((index) => this.has(index));
  }

  /** Union of two disjoint sets (the only kind folding unites). */
  uniteDisjoint(other: IndexSet): IndexSet {
    if (this.endsBefore(other)) {
      return new IndexSet(undefined, [this, other]);
    }
    if (other.endsBefore(this)) {
      return new IndexSet(undefined, [other, this]);
    }
    const [a, b] = [this.sorted, other.sorted];
    const merged: string[] = [];
    let [i, j] = [0, 0];
    while (i < a.length || j < b.length) {
      const [x, y] = [a[i], b[j]];
      if (y === undefined || (x !== undefined && compareIndexes(x, y) < 0)) {
        merged.push(a[i++] as string);
      } else {
        merged.push(b[j++] as string);
      }
    }
    return new IndexSet(merged);
  }
}
