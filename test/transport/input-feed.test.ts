// InputFeed: every subscriber gets every byte from the start, in order, then the end.
import assert from 'node:assert/strict';
import { PassThrough } from 'node:stream';
import { test } from 'node:test';
import { InputFeed } from '../../admin/transport/input-feed.js';

test('late subscribers get what came before; all get the end once', async () => {
  const stream = new PassThrough();
  const feed = InputFeed.from(stream);
  const got: string[][] = [[], []];
  const ends = [0, 0];
  feed.subscribe(
    (b) => got[0]!.push(b.toString()),
    () => ends[0]!++,
  );
  stream.write('a');
  await new Promise((r) => setImmediate(r));
  feed.subscribe(
    (b) => got[1]!.push(b.toString()),
    () => ends[1]!++,
  );
  stream.end('b');
  await new Promise((r) => setImmediate(r));
  assert.deepEqual(got, [
    ['a', 'b'],
    ['a', 'b'],
  ]);
  assert.deepEqual(ends, [1, 1]);
  const after: string[] = [];
  let ended = false;
  feed.subscribe(
    (b) => after.push(b.toString()),
    () => {
      ended = true;
    },
  );
  assert.deepEqual([after, ended], [['a', 'b'], true]);
});

test('an unsubscribed listener hears nothing more', () => {
  const feed = new InputFeed();
  const got: string[] = [];
  const stop = feed.subscribe(
    (b) => got.push(b.toString()),
    () => got.push('end'),
  );
  feed.push(Buffer.from('1'));
  stop();
  feed.push(Buffer.from('2'));
  feed.end();
  assert.deepEqual(got, ['1']);
  assert.deepEqual(
    (() => {
      const all: string[] = [];
      InputFeed.of('xyz').subscribe(
        (b) => all.push(b.toString()),
        () => all.push('end'),
      );
      return all;
    })(),
    ['xyz', 'end'],
  );
});
