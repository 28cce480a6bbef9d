// Fuzzing what an operator can feed Salvo (issue 10): random and mutated services files, random
// node sets, and the probe's hostile inputs. Every outcome must be a value or an AdminError that
// is not an internal one (the CLI's exit 2): never a RangeError, TypeError, stack trace or exit 70.
// Deterministic: the seed is printed with any failure, and SALVO_FUZZ_SEED replays it.
import assert from 'node:assert/strict';
import { spawnSync } from 'node:child_process';
import { mkdtempSync, readFileSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { test } from 'node:test';
import { fileURLToPath } from 'node:url';
import { AdminError, InternalError } from '../../admin/errors.js';
import { expandNodeSet } from '../../admin/inventory/nodeset.js';
import { fixture, load } from './helpers.js';

const SEED = Number(process.env.SALVO_FUZZ_SEED ?? Date.now() % 1_000_000);
const SALVO = fileURLToPath(new URL('../../../bin/salvo', import.meta.url));

/** mulberry32: small, seedable. */
function rng(seed: number): () => number {
  let a = seed >>> 0;
  return () => {
    a = (a + 0x6d2b79f5) >>> 0;
    let t = a;
    t = Math.imul(t ^ (t >>> 15), t | 1);
    t ^= t + Math.imul(t ^ (t >>> 7), t | 61);
    return ((t ^ (t >>> 14)) >>> 0) / 4294967296;
  };
}

const HOSTILE = [
  '0',
  '-1',
  '1e309',
  '3000000',
  '100000000',
  '65535',
  '65536',
  '2.5',
  'NaN',
  '.inf',
  '~',
  'null',
  '[]',
  '{}',
  '""',
  '"cloud1;x"',
  '"$(reboot)"',
  '"`id`"',
  '"[1-1000000]"',
  '"x[1-1000000],y[1-1000000],z[1-1000000]"',
  '"@nope"',
  '"@web,@front"',
  '"a[1-3]!a2"',
  '"node[01-03]&node[02-09]"',
  '"{n}"',
  '"{nope}"',
  '"10.0.0.{n}"',
  '&a x',
  '*a',
  '!!binary aGk=',
  '"\\u0000"',
  '"é"',
  "'''",
  '[[[[[[[[[[',
  '{ a: { b: { c: { d: {} } } } }',
  'yes',
  'on',
  '"-oProxyCommand=x"',
];

function mutate(text: string, r: () => number): string {
  const lines = text.split('\n');
  const pick = (n: number): number => Math.floor(r() * n);
  const ops = 1 + pick(3);
  for (let k = 0; k < ops; k++) {
    const i = pick(lines.length);
    switch (pick(8)) {
      case 0:
        lines.splice(i, 1);
        break;
      case 1:
        lines.splice(i, 0, lines[pick(lines.length)] ?? '');
        break;
      case 2: {
        const j = pick(lines.length);
        [lines[i], lines[j]] = [lines[j] ?? '', lines[i] ?? ''];
        break;
      }
      case 3: // replace a value
        lines[i] = (lines[i] ?? '').replace(
          /:\s*(.+)$/,
          () => `: ${HOSTILE[pick(HOSTILE.length)]}`,
        );
        break;
      case 4: // replace a scalar inside a flow map
        lines[i] = (lines[i] ?? '').replace(
          /(\w+): ([^,}\]]+)/,
          (_, k: string) => `${k}: ${HOSTILE[pick(HOSTILE.length)]}`,
        );
        break;
      case 5: // indentation
        lines[i] = r() < 0.5 ? ` ${lines[i] ?? ''}` : (lines[i] ?? '').replace(/^ /, '');
        break;
      case 6: {
        const l = lines[i] ?? '';
        const at = pick(l.length + 1);
        lines[i] = l.slice(0, at) + String.fromCharCode(pick(128)) + l.slice(at);
        break;
      }
      default: // truncate the file
        return lines.slice(0, i).join('\n') + (lines[i] ?? '').slice(0, pick(40));
    }
  }
  return lines.join('\n');
}

function randomNodeSet(r: () => number): string {
  const pick = (n: number): number => Math.floor(r() * n);
  const atoms = ['cloud', 'db', 'n', 'x', '@web', '@front', '@nope', 'edge', ''];
  const parts: string[] = [];
  for (let k = 0, n = 1 + pick(6); k < n; k++) {
    let a = atoms[pick(atoms.length)]!;
    if (r() < 0.6) {
      const lo = pick(r() < 0.1 ? 1_000_000 : 20);
      const hi = lo + pick(r() < 0.1 ? 10_000_000 : 30);
      a += `[${lo}-${hi}${r() < 0.2 ? `/${pick(5)}` : ''}${r() < 0.2 ? `,${pick(99)}` : ''}]`;
    }
    if (r() < 0.2) {
      a += `-[${pick(9)}-${pick(9)}]`;
    }
    parts.push(a);
    parts.push([',', '!', '&', '^', ' ', ',', ','][pick(7)]!);
  }
  parts.pop();
  let s = parts.join('');
  if (r() < 0.1) {
    s = s.slice(0, pick(s.length + 1)); // unterminated
  }
  return s;
}

/** What an operator's input may cause: a value, or an AdminError that is not a bug. */
function expectHandled(what: string, input: string, run: () => unknown): 'ok' | 'refused' {
  try {
    run();
    return 'ok';
  } catch (err) {
    if (err instanceof AdminError && !(err instanceof InternalError)) {
      return 'refused';
    }
    assert.fail(
      `${what} (seed ${SEED}) threw ${err instanceof Error ? `${err.name}: ${err.message}` : String(err)}\n--- input ---\n${input}`,
    );
  }
}

test(`mutated services files load or fail with a located error (seed ${SEED})`, () => {
  const r = rng(SEED);
  const seeds = [
    readFileSync(fixture('valid.yaml'), 'utf8'),
    readFileSync(fixture('several-errors.yaml'), 'utf8'),
  ];
  const until = Date.now() + 8000;
  let n = 0;
  const seen = { ok: 0, refused: 0 };
  for (; n < 3000 && Date.now() < until; n++) {
    const text = mutate(seeds[n % seeds.length]!, r);
    seen[expectHandled('a mutated services file', text, () => load(text))]++;
  }
  assert.ok(n >= 20, `only ${n} cases ran`);
  assert.ok(seen.ok > 0 && seen.refused > 0, `both outcomes occur: ${JSON.stringify(seen)}`);
});

test(`random node sets expand or fail with a NodeSetError (seed ${SEED})`, () => {
  const r = rng(SEED + 1);
  const groups = new Map([
    ['web', ['cloud1', 'cloud2']],
    ['front', ['cloud1', 'edge']],
  ]);
  const until = Date.now() + 8000;
  let n = 0;
  const seen = { ok: 0, refused: 0 };
  for (; n < 3000 && Date.now() < until; n++) {
    const expr = randomNodeSet(r);
    seen[expectHandled('a node set', expr, () => expandNodeSet(expr, (g) => groups.get(g)))]++;
    const text = `deployment: t\nhosts:\n  "${expr.replace(/"/g, '')}": {}\n`;
    expectHandled('a node set as a hosts key', text, () => load(text));
  }
  assert.ok(n >= 20, `only ${n} cases ran`);
  assert.ok(seen.ok > 0 && seen.refused > 0, `both outcomes occur: ${JSON.stringify(seen)}`);
});

test("the probe's hostile inputs through `salvo check`: exit 2, a located error, no stack trace", () => {
  const dir = mkdtempSync(join(tmpdir(), 'salvo-fuzz-'));
  try {
    const cases: Record<string, string> = {
      'connect-timeout':
        'deployment: t\nssh: { connect_timeout: 3000000 }\nhosts: { cloud1: {} }\n',
      'gate-timeout':
        'deployment: t\nports: { hub: 5000, hub_proxy: 5100 }\nhosts: { cloud1: {} }\nservices:\n  hub: { hosts: cloud1, gate: { timeout: 3000000 } }\n',
      instances:
        'deployment: t\nports: { hub: 5000, hub_proxy: 5100 }\nhosts: { cloud1: {} }\nservices:\n  hub: { hosts: cloud1, instances: 100000000 }\n',
      'port-past-65535':
        'deployment: t\nports: { hub: 65530, hub_proxy: 5100 }\nhosts: { cloud1: {} }\nservices:\n  hub: { hosts: cloud1, instances: 10 }\n',
      'vm-on-cycle': 'deployment: t\nhosts:\n  a: { vm_on: b }\n  b: { vm_on: a }\n',
      'host-name': 'deployment: t\nhosts:\n  cloud1;x: {}\n',
      'huge-node-set': `deployment: t\nhosts:\n  "${Array.from({ length: 20 }, (_, i) => `t${i}x[1-1000000]`).join(',')}": {}\n`,
    };
    for (const [name, text] of Object.entries(cases)) {
      const file = join(dir, `${name}.yaml`);
      writeFileSync(file, text);
      const r = spawnSync(process.execPath, [SALVO, '-s', file, 'check'], {
        encoding: 'utf8',
        env: { ...process.env, SALVO_CACHE: 'off' },
        timeout: 120_000,
      });
      const out = `${r.stdout}${r.stderr}`;
      assert.equal(r.status, 2, `${name}: exit ${r.status}\n${out}`);
      assert.match(out, new RegExp(`${name}\\.yaml:\\d+:\\d+: `), `${name}: a located error`);
      assert.doesNotMatch(out, /internal error|\n\s+at .*:\d+:\d+\)?\n/, `${name}: no stack trace`);
    }
  } finally {
    rmSync(dir, { recursive: true, force: true });
  }
});
