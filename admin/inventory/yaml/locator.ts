// Positions from js-yaml's event stream, giving the same answers as the DocLocator over the yaml
// package's Document (test/inventory/yaml-fast.test.ts compares the two on every fixture). Where
// the events do not say what the Document would (an empty value, a block or multi-line scalar),
// it asks the DocLocator, built only then.
import { EVENT_ID, SCALAR_STYLE, getScalarValue, type Event } from 'js-yaml';
import type { Locator, Part, Path } from '../positions.js';
import type { SourcePos } from '../types.js';

/** A node of the document as the DocLocator sees it: where it starts and, for scalars, ends. */
export type TreeNode = MapNode | SeqNode | ScalarNode;

interface MapNode {
  kind: 'map';
  start: number;
  pairs: Map<string, { key: ScalarNode; value: TreeNode }>;
}

interface SeqNode {
  kind: 'seq';
  start: number;
  items: TreeNode[];
}

interface ScalarNode {
  kind: 'scalar';
  start: number; // -1: empty (`key:` with nothing after it)
  end: number;
  /** The range is the Document's: a single-line plain or quoted scalar. */
  exact: boolean;
}

interface Found {
  node: TreeNode;
  key: ScalarNode | null;
  complete: boolean;
}

export class EventLocator implements Locator {
  private lineStarts: number[] | undefined;
  private docLocator: Locator | undefined;

  constructor(
    readonly file: string,
    private readonly source: string,
    private readonly root: TreeNode,
    private readonly slowLocator: () => Locator,
  ) {}

  at(path: Path, part: Part = 'value'): SourcePos {
    const { node, key, complete } = this.find(path);
    if (complete && part === 'value' && hasExtent(node)) {
      return node.kind === 'scalar' && !node.exact
        ? this.slow().at(path, part)
        : this.pos(node.start);
    }
    if (key) {
      return this.pos(key.start);
    }
    return node.kind === 'scalar' && !(node.exact && node.start >= 0)
      ? this.slow().at(path, part)
      : this.pos(node.start);
  }

  atText(path: Path, part: Part, text: string, offset: number): SourcePos {
    const found = this.find(path);
    const scalar = part === 'key' ? found.key : found.node;
    if (!found.complete || !scalar || scalar.kind !== 'scalar') {
      return this.at(path, part);
    }
    if (!scalar.exact || scalar.start < 0) {
      return this.slow().atText(path, part, text, offset);
    }
    const written = this.source.slice(scalar.start, scalar.end);
    const i = written.indexOf(text);
    return this.pos(scalar.start + (i >= 0 ? i + Math.min(offset, text.length) : 0));
  }

  private pos(offset: number): SourcePos {
    this.lineStarts ??= lineStartsOf(this.source);
    const starts = this.lineStarts;
    let lo = 0;
    let hi = starts.length - 1;
    while (lo < hi) {
      const mid = (lo + hi + 1) >> 1;
      if (starts[mid]! <= offset) {
        lo = mid;
      } else {
        hi = mid - 1;
      }
    }
    return { file: this.file, line: lo + 1, col: offset - starts[lo]! + 1 };
  }

  private slow(): Locator {
    this.docLocator ??= this.slowLocator();
    return this.docLocator;
  }

  /** As DocLocator.find. */
  private find(path: Path): Found {
    let node = this.root;
    let key: ScalarNode | null = null;
    for (const seg of path) {
      if (node.kind === 'map') {
        const pair = node.pairs.get(String(seg));
        if (!pair) {
          return { node, key, complete: false };
        }
        node = pair.value;
        key = pair.key;
      } else if (node.kind === 'seq' && typeof seg === 'number' && seg < node.items.length) {
        node = node.items[seg]!;
      } else {
        return { node, key, complete: false };
      }
    }
    return { node, key, complete: true };
  }
}

/** An empty value has no extent (the DocLocator then points at its key). */
function hasExtent(node: TreeNode): boolean {
  return node.kind !== 'scalar' || node.start >= 0;
}

function lineStartsOf(text: string): number[] {
  const starts = [0];
  for (let i = text.indexOf('\n'); i >= 0; i = text.indexOf('\n', i + 1)) {
    starts.push(i + 1);
  }
  return starts;
}

// A plain key the core schema reads as something else than its text (a number, null, a boolean):
// the two libraries turn some of those into different property names (`null:` is "" in one and
// "null" in the other), so such files are left to the yaml package.
const NOT_TEXT = /^(?:[-+.\d~]|(?:null|Null|NULL|true|True|TRUE|false|False|FALSE)$)/;

/**
 * The tree of one document's events, or undefined if it uses what the fast path leaves to the
 * yaml package: anchors, aliases, tags, keys that are not plain text.
 */
export function treeOf(events: readonly Event[], source: string): TreeNode | undefined {
  let i = 0;
  const node = (): TreeNode | undefined => {
    const ev = events[i++];
    if (!ev) {
      return undefined;
    }
    if (ev.type === EVENT_ID.SCALAR) {
      if (ev.anchorStart >= 0 || ev.tagStart >= 0) {
        return undefined;
      }
      return scalarNode(ev, source);
    }
    if (ev.type === EVENT_ID.MAPPING) {
      if (ev.anchorStart >= 0 || ev.tagStart >= 0) {
        return undefined;
      }
      const map: MapNode = { kind: 'map', start: ev.start, pairs: new Map() };
      while (events[i]?.type !== EVENT_ID.POP) {
        const k = events[i];
        if (k?.type !== EVENT_ID.SCALAR || k.anchorStart >= 0 || k.tagStart >= 0) {
          return undefined;
        }
        i++;
        const key = scalarNode(k, source);
        const value = node();
        if (!value) {
          return undefined;
        }
        const text = key.start >= 0 ? getScalarValue(source, k) : '';
        if (
          !key.exact ||
          key.start < 0 ||
          (k.style === SCALAR_STYLE.PLAIN && NOT_TEXT.test(text))
        ) {
          return undefined;
        }
        map.pairs.set(text, { key, value });
      }
      i++;
      return map;
    }
    if (ev.type === EVENT_ID.SEQUENCE) {
      if (ev.anchorStart >= 0 || ev.tagStart >= 0) {
        return undefined;
      }
      const seq: SeqNode = { kind: 'seq', start: ev.start, items: [] };
      while (events[i]?.type !== EVENT_ID.POP) {
        const item = node();
        if (!item) {
          return undefined;
        }
        seq.items.push(item);
      }
      i++;
      return seq;
    }
    return undefined; // an alias, or a stream that is not one document
  };
  const first = events[i++];
  if (first?.type !== EVENT_ID.DOCUMENT || first.directives.length > 0) {
    return undefined;
  }
  const root = node();
  // The document's own end, and nothing after it.
  return root && events[i]?.type === EVENT_ID.POP && i + 1 === events.length ? root : undefined;
}

function scalarNode(ev: Event & { type: typeof EVENT_ID.SCALAR }, source: string): ScalarNode {
  if (ev.valueStart < 0) {
    return { kind: 'scalar', start: -1, end: -1, exact: true };
  }
  const quoted = ev.style === SCALAR_STYLE.SINGLE_QUOTED || ev.style === SCALAR_STYLE.DOUBLE_QUOTED;
  const start = quoted ? ev.valueStart - 1 : ev.valueStart;
  const end = quoted ? ev.valueEnd + 1 : ev.valueEnd;
  const inline = ev.style !== SCALAR_STYLE.LITERAL_BLOCK && ev.style !== SCALAR_STYLE.FOLDED_BLOCK;
  const newline = source.indexOf('\n', start);
  const exact = inline && (newline < 0 || newline >= end);
  return { kind: 'scalar', start, end, exact };
}
