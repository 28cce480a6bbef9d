// Map a path in the services file (['services', 'hub', 'instances']) back to a line and column.
// Every issue is reported against the YAML node it is about, so the operator can jump to it.
import type { Document, LineCounter, Node, Pair } from 'yaml';
import { yamlPackage } from './on-first-use.js';
import type { SourcePos } from './types.js';

export type Path = readonly (string | number)[];

/** Which end of a `key: value` pair to point at. */
export type Part = 'key' | 'value';

interface Found {
  node: Node | null;
  pair: Pair | null;
  complete: boolean;
}

/** Where a path of the services file is written; issues are reported against it. */
export interface Locator {
  readonly file: string;
  /** Position of the node at `path`; when the path stops early, the deepest key that exists. */
  at(path: Path, part?: Part): SourcePos;
  /** Position of character `offset` of `text` inside the single-line scalar at `path`. */
  atText(path: Path, part: Part, text: string, offset: number): SourcePos;
}

/** A Locator over the yaml package's Document (every node has its range). */
export class DocLocator implements Locator {
  constructor(
    readonly file: string,
    private readonly source: string,
    private readonly doc: Document,
    private readonly lines: LineCounter,
  ) {}

  /** Position of the node at `path`; when the path stops early, the deepest key that exists. */
  at(path: Path, part: Part = 'value'): SourcePos {
    const { node, pair, complete } = this.find(path);
    if (complete && part === 'value' && hasExtent(node)) {
      return this.pos(node.range![0]);
    }
    if (pair && hasRange(pair.key)) {
      return this.pos((pair.key as Node).range![0]);
    }
    return this.pos(hasRange(node) ? node.range![0] : 0);
  }

  /**
   * Position of character `offset` of `text` inside the single-line scalar (key or value) at
   * `path`: the `@nope` in "@web,@nope", the "[" that is never closed. Falls back to the scalar.
   */
  atText(path: Path, part: Part, text: string, offset: number): SourcePos {
    const { node, pair, complete } = this.find(path);
    const scalar = part === 'key' ? pair?.key : node;
    if (!complete || !yamlPackage().isScalar(scalar) || !scalar.range) {
      return this.at(path, part);
    }
    const source = this.source.slice(scalar.range[0], scalar.range[1]);
    const i = source.indexOf(text);
    const inside = i >= 0 && !source.includes('\n') ? i + Math.min(offset, text.length) : 0;
    return this.pos(scalar.range[0] + inside);
  }

  pos(offset: number): SourcePos {
    const { line, col } = this.lines.linePos(offset);
    return { file: this.file, line, col };
  }

  // Nodes are kept as written (an alias stays the alias, so `*a` is blamed, not `&a`);
  // containers are resolved only to step into them.
  private find(path: Path): Found {
    let node = (this.doc.contents as Node | null) ?? null;
    let pair: Pair | null = null;
    for (const seg of path) {
      const next = this.step(this.resolve(node), seg);
      if (!next) {
        return { node, pair, complete: false };
      }
      node = next.node;
      pair = next.pair ?? pair;
    }
    return { node, pair, complete: true };
  }

  // Each map's keys indexed on first use: a file with 100,000 host keys is located in linear time.
  private readonly keyIndex = new WeakMap<object, Map<string, Pair>>();

  private step(node: Node | null, seg: string | number): { node: Node | null; pair?: Pair } | null {
    if (yamlPackage().isMap(node)) {
      let index = this.keyIndex.get(node);
      if (!index) {
        index = new Map();
        for (const p of node.items as Pair[]) {
          const k = keyText(p.key);
          if (!index.has(k)) {
            index.set(k, p); // the first, as find() did
          }
        }
        this.keyIndex.set(node, index);
      }
      const pair = index.get(String(seg));
      return pair ? { node: (pair.value as Node | null) ?? null, pair } : null;
    }
    if (yamlPackage().isSeq(node) && typeof seg === 'number' && seg < node.items.length) {
      return { node: node.items[seg] as Node | null };
    }
    return null;
  }

  private resolve(node: Node | null): Node | null {
    return yamlPackage().isAlias(node)
      ? ((node.resolve(this.doc) as Node | undefined) ?? node)
      : node;
  }
}

/** The text of a mapping key as toJS() would use it. */
function keyText(key: unknown): string {
  return yamlPackage().isScalar(key) ? String(key.value) : String(key);
}

function hasRange(node: unknown): node is Node {
  return (
    !!node && typeof node === 'object' && 'range' in node && Array.isArray((node as Node).range)
  );
}

/** An empty value (`key:` with nothing after it) has a zero-width range; point at the key instead. */
function hasExtent(node: unknown): node is Node {
  return hasRange(node) && node.range![1] > node.range![0];
}

/** `services.hub.instances`; node-set keys stay readable (`hosts.cloud[1-7].vpn`). */
export function formatPath(path: Path): string {
  return path.map(formatSegment).join('');
}

function formatSegment(seg: Path[number], i: number): string {
  if (typeof seg === 'number') {
    return `[${seg}]`;
  }
  return i === 0 ? seg : `.${seg}`;
}
