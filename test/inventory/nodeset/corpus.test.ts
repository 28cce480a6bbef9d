// Parity with ClusterShell 1.9 on the inputs of its own test suite: Debian's `nodeset` (package
// clustershell, installed by .ci/setup) is the oracle, asked at test time. One Python process
// runs the same library the binary runs, for all inputs at once (a process per input would take
// minutes); the examples are also checked against the binary itself.
import assert from 'node:assert/strict';
import { execFileSync } from 'node:child_process';
import { existsSync } from 'node:fs';
import { describe, it } from 'node:test';

import { NodeSetError, parseNodeSet } from '../../../admin/inventory/nodeset.js';
import { CLUSTERSHELL_INPUTS } from './corpus.js';

const NODESET = '/usr/bin/nodeset';
const PYTHON = '/usr/bin/python3'; // the interpreter /usr/bin/nodeset runs with
const skip = existsSync(NODESET) ? false : `${NODESET} is absent (apt-get install clustershell)`;

/** Largest set whose names are compared one by one. */
const LISTED = 5000;

interface Answer {
  fold?: string;
  count?: number;
  names?: string[];
  error?: string;
}

const ORACLE = `
import json, sys
from ClusterShell.NodeSet import NodeSet
out = []
for expr in json.load(sys.stdin):
    try:
        ns = NodeSet(expr)
        answer = {"fold": str(ns), "count": len(ns)}
        if len(ns) <= ${LISTED}:
            answer["names"] = list(ns)
    except Exception as exc:
        answer = {"error": "%s: %s" % (type(exc).__name__, exc)}
    out.append(answer)
json.dump(out, sys.stdout)
`;

function askClusterShell(inputs: string[]): Answer[] {
  const text = execFileSync(PYTHON, ['-c', ORACLE], {
    input: JSON.stringify(inputs),
    encoding: 'utf8',
    maxBuffer: 1 << 28,
  });
  return JSON.parse(text) as Answer[];
}

function askSalvo(expr: string): Answer {
  try {
    const set = parseNodeSet(expr);
    const answer: Answer = { fold: set.fold(), count: Number(set.size) };
    if (set.size <= BigInt(LISTED)) {
      answer.names = [...set.names()];
    }
    return answer;
  } catch (error) {
    if (error instanceof NodeSetError) {
      return { error: error.message };
    }
    throw error;
  }
}

/** Inputs where Salvo knowingly parts from ClusterShell (docs/nodeset.md); none today. */
const KNOWN_DIFFERENCES = new Set<string>([]);

describe('node sets: ClusterShell 1.9 test inputs, nodeset as the oracle', { skip }, () => {
  it(`agrees on every input of ClusterShell's own tests (${CLUSTERSHELL_INPUTS.length})`, () => {
    const inputs = CLUSTERSHELL_INPUTS.filter((expr) => !KNOWN_DIFFERENCES.has(expr));
    const oracle = askClusterShell(inputs);
    const disagreements: string[] = [];
    inputs.forEach((expr, i) => {
      const theirs = oracle[i] as Answer;
      const ours = askSalvo(expr);
      if (theirs.error !== undefined || ours.error !== undefined) {
        if ((theirs.error === undefined) !== (ours.error === undefined)) {
          disagreements.push(
            `${JSON.stringify(expr)}: nodeset ${theirs.error ?? theirs.fold}, salvo ${ours.error ?? ours.fold}`,
          );
        }
        return;
      }
      for (const key of ['fold', 'count', 'names'] as const) {
        if (JSON.stringify(theirs[key]) !== JSON.stringify(ours[key])) {
          disagreements.push(
            `${JSON.stringify(expr)} ${key}: nodeset ${JSON.stringify(theirs[key])}, salvo ${JSON.stringify(ours[key])}`,
          );
        }
      }
    });
    assert.deepEqual(disagreements, []);
  });

  const examples: [string[], string][] = [
    [['-f', 'n[-5]'], 'n-5'],
    [['-f', 'n[-12,-10--9,-5--1,1-5]'], 'n[-12,-10--9,-5--1,1-5]'],
    [['-f', 'tigrou 0, tigrou [1],tigrou [2-3]'], 'tigrou [0-3]'],
    [['-c', ''], '0'],
    [['-e', 'n[-3-1],n[08-10]'], 'n-3 n-2 n-1 n0 n1 n08 n09 n10'],
    [['-c', 'n[1-10000000]'], '10000000'],
  ];
  for (const [args, printed] of examples) {
    it(`nodeset ${args.map((a) => JSON.stringify(a)).join(' ')} prints ${printed}, and so does salvo`, () => {
      assert.equal(execFileSync(NODESET, args, { encoding: 'utf8' }).trim(), printed);
      const set = parseNodeSet(args[1] as string);
      let ours = [...set.names()].join(' ');
      if (args[0] === '-f') {
        ours = set.fold();
      } else if (args[0] === '-c') {
        ours = set.size.toString();
      }
      assert.equal(ours, printed);
    });
  }

  it('refuses what ClusterShell refuses: indexes above 1e100, ranges of 1e9 indexes', () => {
    for (const expr of [
      `n${'9'.repeat(101)}`,
      `n[1-${'9'.repeat(101)}]`,
      'n[1-1000000000]',
      'n[-01--03]',
    ]) {
      assert.throws(
        () => execFileSync(NODESET, ['-c', expr], { stdio: 'pipe' }),
        `nodeset accepts ${expr}`,
      );
      assert.throws(() => parseNodeSet(expr), NodeSetError);
    }
    const largest = `n${'1'.padEnd(101, '0')}`; // exactly 1e100: both accept
    assert.equal(execFileSync(NODESET, ['-c', largest], { encoding: 'utf8' }).trim(), '1');
    assert.equal(parseNodeSet(largest).size, 1n);
  });
});
