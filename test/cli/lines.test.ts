// LinePrinter (salvo exec -L): whole lines only, prefixed, per host and stream, the rest at the end.
import assert from 'node:assert/strict';
import { test } from 'node:test';
import { LinePrinter } from '../../admin/cli/render/lines.js';

test('lines split across chunks come out whole, per host and stream, in order', () => {
  const out: string[] = [];
  const err: string[] = [];
  const p = new LinePrinter(
    (t) => out.push(t),
    (t) => err.push(t),
  );
  p.chunk('a', 'stdout', Buffer.from('one\ntw'));
  p.chunk('b', 'stdout', Buffer.from('x'));
  p.chunk('a', 'stderr', Buffer.from('oops\n'));
  p.chunk('a', 'stdout', Buffer.from('o\nthree'));
  // A UTF-8 character cut between two chunks is not broken.
  const e = Buffer.from('é\n');
  p.chunk('b', 'stdout', e.subarray(0, 1));
  p.chunk('b', 'stdout', e.subarray(1));
  p.end('a');
  p.end('b');
  assert.deepEqual(out.join(''), 'a: one\na: two\nb: xé\na: three\n');
  assert.deepEqual(err.join(''), 'a: oops\n');
});

test('end() prints nothing for a host whose output ended with a newline', () => {
  const out: string[] = [];
  const p = new LinePrinter(
    (t) => out.push(t),
    () => undefined,
  );
  p.chunk('h', 'stdout', Buffer.from('done\n'));
  p.end('h');
  assert.deepEqual(out, ['h: done\n']);
});
