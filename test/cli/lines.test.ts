// LinePrinter (salvo exec -L): whole lines only, prefixed, per host and stream, the rest at the end.
import assert from 'node:assert/strict';
import { test } from 'node:test';
import { LinePrinter, MAX_LINE } from '../../admin/cli/render/exec/lines.js';

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

test('a line longer than MAX_LINE is printed in prefixed pieces, never held whole', () => {
  const out: string[] = [];
  const p = new LinePrinter(
    (t) => out.push(t),
    () => undefined,
  );
  // 3.5 pieces of 'x' in 1000-byte chunks, an é straddling the first cut, then the newline.
  const line = Buffer.concat([
    Buffer.alloc(MAX_LINE - 1, 'x'),
    Buffer.from('é'),
    Buffer.alloc(MAX_LINE * 2.5, 'y'),
  ]);
  for (let at = 0; at < line.length; at += 1000) {
    p.chunk('h', 'stdout', line.subarray(at, at + 1000));
    assert.ok(out.join('').length <= line.length + 100, 'nothing printed twice');
  }
  const before = out.length;
  assert.ok(before >= 3, `pieces printed before the newline: ${before}`);
  p.chunk('h', 'stdout', Buffer.from('\n'));
  p.end('h');
  const text = out.join('');
  const pieces = text.split('\n').filter(Boolean);
  assert.ok(pieces.every((l) => l.startsWith('h: ')));
  assert.equal(pieces.map((l) => l.slice(3)).join(''), line.toString('utf8'));
  assert.equal(pieces[0], `h: ${'x'.repeat(MAX_LINE - 1)}`, 'the é is not split');
  assert.ok(pieces.every((l) => Buffer.byteLength(l) <= MAX_LINE + 3));
});
