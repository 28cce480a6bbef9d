// Retention: the newest complete snapshot always stays; last/daily/weekly/monthly keep the
// newest of each period; names that are not snapshots are never touched.
import { test } from 'node:test';
import assert from 'node:assert/strict';
import { isoWeek, selectSnapshots } from '../../admin/backup/retention.js';
import { snapshotName, snapshotTime } from '../../admin/backup/plan.js';

const none = { last: 0, daily: 0, weekly: 0, monthly: 0 };

test('snapshot names are UTC times and read back', () => {
  const d = new Date('2026-12-02T13:24:05.678Z');
  assert.equal(snapshotName(d), '2026-12-02T132405Z');
  assert.equal(snapshotTime('2026-12-02T132405Z')!.toISOString(), '2026-12-02T13:24:05.000Z');
  assert.equal(snapshotTime('latest'), undefined);
  assert.equal(snapshotTime('.tmp-2026-12-02T132405Z'), undefined);
});

test('all counts zero: only the newest complete snapshot stays', () => {
  const names = ['2026-12-01T031700Z', '2026-12-02T031700Z', '2026-11-30T031700Z', 'latest'];
  assert.deepEqual(selectSnapshots(names, none), {
    keep: ['2026-12-02T031700Z'],
    remove: ['2026-12-01T031700Z', '2026-11-30T031700Z'],
  });
  assert.deepEqual(selectSnapshots([], none), { keep: [], remove: [] });
});

test('daily keeps the newest of each day, weekly of each ISO week, monthly of each month', () => {
  const names = [
    '2026-12-02T150000Z',
    '2026-12-02T031700Z',
    '2026-12-01T031700Z',
    '2026-11-30T031700Z', // Monday of week 49
    '2026-11-29T031700Z', // Sunday, week 48
    '2026-11-22T031700Z', // week 47
    '2026-10-31T031700Z',
    '2026-09-30T031700Z',
  ];
  assert.deepEqual(selectSnapshots(names, { ...none, daily: 2 }).keep, [
    '2026-12-02T150000Z',
    '2026-12-01T031700Z',
  ]);
  assert.deepEqual(selectSnapshots(names, { ...none, weekly: 3 }).keep, [
    '2026-12-02T150000Z',
    '2026-11-29T031700Z',
    '2026-11-22T031700Z',
  ]);
  assert.deepEqual(selectSnapshots(names, { ...none, monthly: 3 }).keep, [
    '2026-12-02T150000Z',
    '2026-11-30T031700Z',
    '2026-10-31T031700Z',
  ]);
  assert.deepEqual(selectSnapshots(names, { ...none, last: 3 }).remove.length, 5);
  assert.equal(isoWeek(new Date('2026-11-30T00:00:00Z')), '2026-W49');
  assert.equal(isoWeek(new Date('2027-01-01T00:00:00Z')), '2026-W53');
});
