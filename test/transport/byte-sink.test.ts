// A stream's bytes with a bound: up to head + tail bytes kept whole; past that the first `head`
// and (at least) the last `tail` bytes, the middle counted as dropped. Checked against the whole
// stream for random chunkings, and a marker at the end of a flood is still found.
import assert from 'node:assert/strict';
import { randomBytes } from 'node:crypto';
import { test } from 'node:test';
import { ByteSink, LineMarker } from '../../admin/transport/session/markers.js';

const limit = { head: 100, tail: 40 };

function feed(sink: ByteSink, bytes: Buffer, seed: number): void {
  let at = 0;
  let x = seed;
  while (at < bytes.length) {
    x = (x * 1103515245 + 12345) % 2 ** 31;
    const n = 1 + (x % 97);
    sink.append(bytes.subarray(at, at + n));
    at += n;
  }
}

test('under the bound every byte is kept, as a view', () => {
  const bytes = randomBytes(140);
  const sink = new ByteSink(limit);
  feed(sink, bytes, 1);
  assert.equal(sink.length, 140);
  assert.equal(sink.dropped, 0);
  assert.deepEqual(sink.view(), bytes);
  assert.deepEqual(sink.view(10, 50), bytes.subarray(10, 50));
});

test('past the bound: the head, the last bytes, and how many were dropped', () => {
  for (let seed = 1; seed <= 200; seed++) {
    const size = 141 + ((seed * 7919) % 5000);
    const bytes = randomBytes(size);
    const sink = new ByteSink(limit);
    feed(sink, bytes, seed);
    assert.equal(sink.length, size);
    const kept = sink.view();
    assert.deepEqual(kept.subarray(0, 100), bytes.subarray(0, 100), `seed ${seed}: head`);
    const tailKept = kept.length - 100;
    assert.ok(tailKept >= 40 && tailKept <= 80, `seed ${seed}: ${tailKept} tail bytes`);
    assert.deepEqual(kept.subarray(100), bytes.subarray(size - tailKept), `seed ${seed}: tail`);
    assert.equal(sink.dropped, size - kept.length);
    assert.equal(sink.droppedIn(0, size), sink.dropped);
    assert.equal(sink.droppedIn(0, 100), 0);
    // A range inside the kept tail is exact.
    assert.deepEqual(sink.view(size - 30, size - 5), bytes.subarray(size - 30, size - 5));
  }
});

test('one chunk larger than the bound', () => {
  const bytes = randomBytes(10_000);
  const sink = new ByteSink(limit);
  sink.append(bytes);
  const kept = sink.view();
  assert.deepEqual(kept, Buffer.concat([bytes.subarray(0, 100), bytes.subarray(10_000 - 40)]));
  assert.equal(sink.dropped, 10_000 - 140);
});

test('a marker line at the end of a flood is found at its stream position', () => {
  const flood = Buffer.alloc(1_000_000, 0x78);
  const end = Buffer.from('SALVO-END:abc:0\n');
  const sink = new ByteSink(limit);
  const marker = new LineMarker('SALVO-END:abc:');
  const stream = Buffer.concat([flood, end]);
  for (let at = 0; at < stream.length; at += 4096) {
    sink.append(stream.subarray(at, at + 4096));
    marker.scan(sink);
  }
  assert.deepEqual(marker.hit, { start: 1_000_000, end: 1_000_016, value: '0' });
  const before = sink.view(0, marker.hit!.start);
  assert.match(before.toString(), /^x+$/, 'only the output, no marker bytes');
  assert.equal(before.length, sink.view().length - end.length);
  assert.equal(sink.droppedIn(0, marker.hit!.start), 1_000_000 - before.length);
});
