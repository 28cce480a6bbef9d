// Any expression ends in a result or a located NodeSetError: never another exception, a
// RangeError or an exhausted heap. Random expressions from the grammar, mutations of
// ClusterShell's test inputs, and the huge inputs of the fault probe (issue 10). Seeded, so a
// failure reproduces; where Debian's nodeset is present, random valid ones are compared with it.
import assert from 'node:assert/strict';
import { execFileSync } from 'node:child_process';
import { existsSync } from 'node:fs';
import { describe, it } from 'node:test';

import {
  countNodeSet,
  expandNodeSet,
  NodeSetError,
  parseNodeSet,
} from '../../../admin/inventory/nodeset.js';
import { CLUSTERSHELL_INPUTS } from './corpus.js';

/** mulberry32: small, seeded, good enough to pick characters. */
function random(seed: number): () => number {
  let a = seed;
  return () => {
    a = (a + 0x6d2b79f5) | 0;
    let t = Math.imul(a ^ (a >>> 15), 1 | a);
    t = (t + Math.imul(t ^ (t >>> 7), 61 | t)) ^ t;
    return ((t ^ (t >>> 14)) >>> 0) / 4294967296;
  };
}

const next = random(20240917);
const pick = <T>(items: readonly T[]): T => items[Math.floor(next() * items.length)] as T;
const int = (max: number): number => Math.floor(next() * max);

function randomRange(): string {
  const kind = int(6);
  const a = int(30) - (kind === 5 ? 15 : 0);
  const b = a + int(40);
  if (kind === 0) {
    return String(a < 0 ? -a : a);
  }
  if (kind === 1) {
    return `${String(Math.abs(a)).padStart(3, '0')}-${String(Math.abs(a) + int(20)).padStart(3, '0')}`;
  }
  if (kind === 2) {
    return `${Math.abs(a)}-${Math.abs(a) + int(100)}/${1 + int(4)}`;
  }
  if (kind === 5 && a < 0) {
    return b < 0 ? `${a}-${b}`.replace('--', '--') : `${a}-${b}`;
  }
  return `${Math.abs(a)}-${Math.abs(b)}`;
}

function randomTerm(): string {
  const parts = 1 + int(3);
  let term = pick(['n', 'rack', 'r', 'x-', 'a.b', 'c0', '']);
  for (let p = 0; p < parts; p++) {
    const ranges = Array.from({ length: 1 + int(3) }, randomRange).join(',');
    term += `[${ranges}]${pick(['', 'n', '-ib', 's', '.net'])}`;
  }
  return term;
}

function randomExpression(): string {
  let expr = randomTerm();
  for (let i = int(4); i > 0; i--) {
    expr += pick([',', '!', '&', '^', ' , ']) + randomTerm();
  }
  return expr;
}

const ALPHABET = '[]-,!&^/:0123456789 @%*nx\t01-';
function mutate(text: string): string {
  let out = text;
  for (let i = 1 + int(4); i > 0; i--) {
    const at = int(out.length + 1);
    const what = int(3);
    const char = ALPHABET[int(ALPHABET.length)] as string;
    if (what === 0) {
      out = out.slice(0, at) + char + out.slice(at);
    } else if (what === 1) {
      out = out.slice(0, at) + out.slice(at + 1);
    } else {
      out = out.slice(0, at) + char + out.slice(at + 1);
    }
  }
  return out;
}

/** Runs every public entry point; returns a short summary or the NodeSetError message. */
function exercise(expr: string): string {
  try {
    const set = parseNodeSet(expr);
    const folded = set.fold();
    if (set.size <= 2000n) {
      const names = expandNodeSet(expr);
      assert.equal(
        names.length,
        Number(set.size),
        `count and listing differ for ${JSON.stringify(expr)}`,
      );
      assert.equal(countNodeSet(expr), names.length);
    }
    return folded;
  } catch (error) {
    if (error instanceof NodeSetError) {
      assert.ok(
        error.offset >= 0 && error.offset <= expr.length,
        `offset ${error.offset} outside ${JSON.stringify(expr)}`,
      );
      return `error: ${error.message}`;
    }
    throw new Error(`${JSON.stringify(expr)} threw ${String(error)}`, { cause: error });
  }
}

describe('node sets under fuzzing: a result or a located error, nothing else', () => {
  const generated = Array.from({ length: 400 }, randomExpression);
  const mutated = Array.from({ length: 1500 }, () => mutate(pick(CLUSTERSHELL_INPUTS)));

  it('random expressions from the grammar', () => {
    for (const expr of generated) {
      exercise(expr);
    }
  });

  it("mutations of ClusterShell's test inputs", () => {
    for (const expr of mutated) {
      exercise(expr);
    }
  });

  it('random bytes (< 1 KB)', () => {
    for (let i = 0; i < 300; i++) {
      const length = int(1024);
      const expr = Array.from({ length }, () =>
        next() < 0.7 ? ALPHABET[int(ALPHABET.length)] : String.fromCharCode(int(128)),
      ).join('');
      exercise(expr);
    }
  });

  it('huge inputs: counted on ranges, listing refused with a located error', () => {
    const twentyTerms = Array.from({ length: 20 }, (_, i) => `n${i}x[1-1000000]`).join(',');
    assert.equal(countNodeSet(twentyTerms), 20_000_000);
    const twentyAxes = Array.from({ length: 20 }, (_, i) => `a${i}-[1-1000000]`).join('');
    assert.equal(parseNodeSet(twentyAxes).size, 10n ** 120n);
    assert.throws(() => expandNodeSet(twentyTerms), {
      name: 'NodeSetError',
      message: /expands to more than 1000000 names/,
    });
    assert.equal(parseNodeSet('r[1-100000]n[1-100000]').size, 10_000_000_000n);
    assert.equal(parseNodeSet('r[1-100000]n[1-100000]!r[2-99999]n[2-99999]').size, 399_996n);
    // Twenty overlapping big sets, subtracting and intersecting in turn: boxes, not names.
    const churn = Array.from(
      { length: 20 },
      (_, i) => `${pick([',', '!', '^', '&'])}r[${i}-${1000000 - i}]n[${i * 3}-${999999 - i}]`,
    ).join('');
    exercise(`r[1-1000000]n[1-1000000]${churn}`);
    // Fragmenting one step at a time ends in the documented bound, not in memory exhaustion.
    const fragments = Array.from(
      { length: 60 },
      (_, i) => `!r[1-1000000/${i + 2}]n[1-1000000/${i + 3}]`,
    ).join('');
    exercise(`r[1-1000000]n[1-1000000]${fragments}`);
  });

  it('random valid expressions fold, count and list as nodeset does', {
    skip: existsSync('/usr/bin/nodeset') ? false : '/usr/bin/nodeset is absent',
  }, () => {
    const code =
      'import json,sys\nfrom ClusterShell.NodeSet import NodeSet\nout=[]\nfor e in json.load(sys.stdin):\n  try:\n    n=NodeSet(e); out.append(str(n))\n  except Exception as x:\n    out.append("error")\njson.dump(out,sys.stdout)';
    const theirs = JSON.parse(
      execFileSync('/usr/bin/python3', ['-c', code], {
        input: JSON.stringify(generated),
        encoding: 'utf8',
      }),
    ) as string[];
    const disagreements = generated
      .map((expr, i) => [expr, theirs[i] as string, exercise(expr)] as const)
      .filter(
        ([, t, o]) => (t === 'error') !== o.startsWith('error: ') || (t !== 'error' && t !== o),
      )
      .map(([expr, t, o]) => `${JSON.stringify(expr)}: nodeset ${t}, salvo ${o}`);
    assert.deepEqual(disagreements, []);
  });
});
