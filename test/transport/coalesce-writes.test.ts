// Packets ssh2 writes in one tick leave in one writev; the next tick starts a new batch; nothing
// is lost or reordered.
import { test } from 'node:test';
import assert from 'node:assert/strict';
import { Writable } from 'node:stream';
import { coalesceWrites } from '../../admin/transport/ssh/ssh2.js';

function recorder(): { sink: Writable; calls: string[][] } {
  const calls: string[][] = [];
  const sink = new Writable({
    write(chunk: Buffer, _enc, done) {
      calls.push([chunk.toString()]);
      done();
    },
    writev(chunks, done) {
      calls.push(chunks.map((c) => (c.chunk as Buffer).toString()));
      done();
    },
  });
  return { sink, calls };
}

const nextTick = (): Promise<void> => new Promise((r) => process.nextTick(r));

test('writes of one tick go out together, in order; a later tick is a new batch', async () => {
  const { sink, calls } = recorder();
  coalesceWrites(sink);
  sink.write('newkeys');
  sink.write('service-request');
  assert.deepEqual(calls, [], 'held until the end of the tick');
  await nextTick();
  await nextTick();
  sink.write('channel-open');
  sink.write('exec');
  sink.write('eof');
  await new Promise((r) => setImmediate(r));
  assert.deepEqual(calls, [
    ['newkeys', 'service-request'],
    ['channel-open', 'exec', 'eof'],
  ]);
});

test('a single write still goes out at the end of its tick', async () => {
  const { sink, calls } = recorder();
  coalesceWrites(sink);
  sink.write('keepalive');
  await new Promise((r) => setImmediate(r));
  assert.deepEqual(calls, [['keepalive']]);
});
