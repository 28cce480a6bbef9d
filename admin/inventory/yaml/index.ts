// The fast path of stage 1: js-yaml's event parser and constructor, several times quicker than
// the yaml package on a long hosts list, for files in the plain subset (no anchors, aliases, tags
// or directives) where both read the same data (test/inventory/yaml-fast.test.ts checks that on
// every fixture). Anything else, and every file with a mistake, goes to the yaml package, whose
// messages and positions the rest of the loader is written against.
import { CORE_SCHEMA, constructFromEvents, parseEvents } from 'js-yaml';
import type { Locator } from '../positions.js';
import { EventLocator, treeOf } from './locator.js';

/** The data and a Locator, or undefined when the yaml package must read this text. */
export function parseFast(
  text: string,
  file: string,
  slowLocator: () => Locator,
): { data: unknown; locator: Locator } | undefined {
  try {
    const events = parseEvents(text, { filename: file });
    const root = treeOf(events, text);
    if (!root) {
      return undefined;
    }
    const docs = constructFromEvents(events, { source: text, schema: CORE_SCHEMA });
    if (docs.length !== 1) {
      return undefined;
    }
    return { data: docs[0], locator: new EventLocator(file, text, root, slowLocator) };
  } catch {
    return undefined; // the yaml package finds the mistake and says where
  }
}
