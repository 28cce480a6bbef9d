// The fast YAML path (js-yaml events) against the yaml package it stands in for: on every
// services file in the repository and a set of awkward texts, the fast path either declines or
// reads the same data, never accepts what the yaml package rejects, and locates every path at the
// same line and column as the Document would.
import assert from 'node:assert/strict';
import { readFileSync, readdirSync } from 'node:fs';
import { join } from 'node:path';
import { test } from 'node:test';
import { fileURLToPath } from 'node:url';
import { LineCounter, parseDocument } from 'yaml';
import { DocLocator, type Path } from '../../admin/inventory/positions.js';
import { parseFast } from '../../admin/inventory/yaml/index.js';

const ROOT = fileURLToPath(new URL('../../../', import.meta.url));

function repoFiles(): { name: string; text: string }[] {
  const dirs = ['.', 'backup', 'test/fixtures/services', 'test/fixtures/services/malformed'];
  const out: { name: string; text: string }[] = [];
  for (const dir of dirs) {
    for (const f of readdirSync(join(ROOT, dir))) {
      if (/\.ya?ml$/.test(f)) {
        // The malformed corpus leaves its port to the test that runs it.
        const text = readFileSync(join(ROOT, dir, f), 'utf8').replaceAll('@PORT@', '2222');
        out.push({ name: join(dir, f), text });
      }
    }
  }
  return out;
}

const AWKWARD: Record<string, string> = {
  quotedKeys: 'hosts:\n  "cloud[1-3]": {}\n  \'db-1\': { address: "10.0.0.1" }\n',
  flowNested: 'a: { b: [1, 2, { c: "x y" }], d: {} }\ne: []\n',
  blockScalars: 'a: |\n  one\n  two\nb: >-\n  folded\n  text\nc: x\n',
  multiLinePlain: 'a: one\n  two\n  three\nb: "multi\n  line"\nc: z\n',
  emptyValues: 'a:\nb: ~\nc: null\nd:\n  e:\n  f: 1\nseq:\n  -\n  - x\n',
  seqOfMaps:
    'services:\n  - kind: hub\n    hosts: "cloud[1-2]"\n  - kind: snap\n    hosts: cloud3\n',
  docStart: '---\na: 1\nb: two\n',
  docEnd: 'a: 1\n...\n',
  comments: '# top\na: 1 # one\n# mid\nb:\n  # inside\n  c: 2\n',
  numericKeys: '1: one\n0x10: sixteen\nnull: nothing\ntrue: yes\n-1: neg\n1.0: f\n',
  emptyKey: ': v\n',
  protoKey: '__proto__: { polluted: 1 }\nconstructor: x\n',
  tabSeparator: 'a:\tb\nc: "\td"\n',
  tabIndent: 'a:\n\tb: 1\n',
  crlf: 'a: 1\r\nb:\r\n  c: "x"\r\n  d: [1, 2]\r\n',
  unicode: 'name: "grüße ✓"\nkey✓: 1\n',
  anchors: 'a: &x { b: 1 }\nc: *x\n',
  tags: 'a: !!str 1\nb: !custom x\n',
  directive: '%YAML 1.1\n---\na: yes\n',
  twoDocs: 'a: 1\n---\nb: 2\n',
  duplicate: 'a: 1\na: 2\n',
  unclosed: 'a: { b: 1\n',
  badIndent: 'a:\n  b: 1\n c: 2\n',
  empty: '',
  onlyComment: '# nothing\n',
  scalarDoc: 'just text\n',
  complexKey: '? [a, b]\n: 1\n',
  explicitKey: '? a\n: 1\n',
  longRun: `hosts:\n${Array.from({ length: 300 }, (_, i) => `  h${i}: { address: 10.0.${i >> 8}.${i & 255} }`).join('\n')}\n`,
};

/** Every path in the data, then each with a segment that is not there. */
function pathsOf(data: unknown, base: Path = []): Path[] {
  const out: Path[] = [base, [...base, 'no-such-key'], [...base, 99]];
  if (Array.isArray(data)) {
    for (const [i, v] of data.entries()) {
      out.push(...pathsOf(v, [...base, i]));
    }
  } else if (data && typeof data === 'object') {
    for (const [k, v] of Object.entries(data)) {
      out.push(...pathsOf(v, [...base, k]));
    }
  }
  return out;
}

function valueAt(data: unknown, path: Path): unknown {
  let v = data;
  for (const seg of path) {
    v = v && typeof v === 'object' ? (v as Record<string | number, unknown>)[seg] : undefined;
  }
  return v;
}

function slowOf(text: string, file: string) {
  const lines = new LineCounter();
  const doc = parseDocument(text, { lineCounter: lines, uniqueKeys: false });
  return { doc, locator: new DocLocator(file, text, doc, lines) };
}

function compare(name: string, text: string): 'fast' | 'declined' {
  const slow = slowOf(text, name);
  let asked = 0;
  const fast = parseFast(text, name, () => {
    asked++;
    return slow.locator;
  });
  const rejected = slow.doc.errors.length + slow.doc.warnings.length > 0;
  if (!fast) {
    return 'declined';
  }
  assert.ok(!rejected, `${name}: the fast path accepted what the yaml package rejects`);
  assert.deepEqual(fast.data, slow.doc.toJS(), `${name}: data differs`);
  for (const path of pathsOf(fast.data)) {
    for (const part of ['key', 'value'] as const) {
      assert.deepEqual(
        fast.locator.at(path, part),
        slow.locator.at(path, part),
        `${name}: at(${JSON.stringify(path)}, ${part})`,
      );
      const v = valueAt(fast.data, path);
      const key = path[path.length - 1];
      const scalar = typeof v === 'string' ? v : '';
      const written = part === 'key' ? String(key ?? '') : scalar;
      if (written.length >= 2) {
        const piece = written.slice(1, 3);
        assert.deepEqual(
          fast.locator.atText(path, part, piece, 1),
          slow.locator.atText(path, part, piece, 1),
          `${name}: atText(${JSON.stringify(path)}, ${part}, ${JSON.stringify(piece)})`,
        );
      }
    }
  }
  assert.ok(asked <= 1, 'the Document is built at most once');
  return 'fast';
}

test('every services file in the repository: same data and positions, or declined', () => {
  const files = repoFiles();
  assert.ok(files.length >= 30, `found ${files.length} files`);
  const fast = files.filter((f) => compare(f.name, f.text) === 'fast');
  // The valid files and most malformed ones (whose mistakes are below the YAML level) are fast.
  assert.ok(
    fast.length >= files.length - 8,
    `${fast.length} of ${files.length} took the fast path`,
  );
});

test('awkward YAML: same data and positions, or declined to the yaml package', () => {
  const declined = Object.entries(AWKWARD)
    .filter(([name, text]) => compare(name, text) === 'declined')
    .map(([name]) => name)
    .sort();
  // What the fast path leaves to the yaml package: its messages, aliases, tags, directives.
  for (const must of [
    'anchors',
    'tags',
    'directive',
    'twoDocs',
    'duplicate',
    'unclosed',
    'numericKeys',
  ]) {
    assert.ok(declined.includes(must), `${must} should be declined; declined: ${declined}`);
  }
  for (const must of ['quotedKeys', 'flowNested', 'seqOfMaps', 'crlf', 'longRun', 'comments']) {
    assert.ok(!declined.includes(must), `${must} should take the fast path`);
  }
});

test('the hosts list of a long file is located without building the Document', () => {
  const text = AWKWARD.longRun!;
  let asked = 0;
  const fast = parseFast(text, 'services.yaml', () => {
    asked++;
    return slowOf(text, 'services.yaml').locator;
  });
  assert.ok(fast);
  assert.deepEqual(fast.locator.at(['hosts', 'h250'], 'key'), {
    file: 'services.yaml',
    line: 252,
    col: 3,
  });
  assert.equal(asked, 0);
});
