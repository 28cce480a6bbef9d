// A set of host names as a value: what results hand back (`last.failed`) and what every method
// accepts as a target. Ordered as given, without duplicates; prints folded (`cloud[1-3,7]`).
import { inspect } from 'node:util';
import { foldNodeSet } from '../inventory/nodeset.js';

export class NodeSet implements Iterable<string> {
  readonly hosts: readonly string[];

  constructor(hosts: Iterable<string> = []) {
    this.hosts = [...new Set(hosts)];
  }

  get size(): number {
    return this.hosts.length;
  }

  /** Has no host (a target that names nothing is refused by the methods that act). */
  get empty(): boolean {
    return this.hosts.length === 0;
  }

  has(host: string): boolean {
    return this.hosts.includes(host);
  }

  [Symbol.iterator](): Iterator<string> {
    return this.hosts[Symbol.iterator]();
  }

  /** Hosts in either set. */
  union(other: Iterable<string>): NodeSet {
    return new NodeSet([...this.hosts, ...other]);
  }

  /** Hosts of this set that are not in `other`. */
  minus(other: Iterable<string>): NodeSet {
    const drop = new Set(other);
    return new NodeSet(this.hosts.filter((h) => !drop.has(h)));
  }

  /** Folded: `cloud[1-3,7]`; the empty set prints as the empty string. */
  toString(): string {
    return foldNodeSet(this.hosts);
  }

  toJSON(): string[] {
    return [...this.hosts];
  }

  [inspect.custom](): string {
    return `NodeSet ${this.empty ? '(empty)' : `${this.toString()} (${this.size})`}`;
  }
}

/** What a method accepts as hosts: a node-set expression, a list of names, or a NodeSet. */
export type Target = string | readonly string[] | NodeSet;
