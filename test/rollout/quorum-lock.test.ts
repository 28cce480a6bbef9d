// QuorumLock (lock: hosts): its majority rule with in-memory lock hosts, each granting one holder
// at a time, like a flock. The lab test (test/integration/reliability/lock-hosts.test.ts) does it over SSH.
import { test } from 'node:test';
import assert from 'node:assert/strict';
import { ConnectError, LockedError, type LockHolder } from '../../admin/errors.js';
import type { HeldLock } from '../../admin/rollout/lock/lock.js';
import { QuorumLock, type HostLock } from '../../admin/rollout/lock/quorum-lock.js';

/** One lock host: one holder at a time; `down` refuses as unreachable; `drop` loses the holder's lock. */
class FakeHost implements HostLock {
  holder?: string;
  down = false;
  private lose?: (why: string) => void;
  constructor(readonly host: string) {}
  get where(): string {
    return `${this.host}:/run/lock/x`;
  }
  async acquire(h: LockHolder): Promise<HeldLock> {
    await new Promise((r) => setImmediate(r));
    if (this.down) {
      throw new ConnectError(this.host, 'other', 'unreachable');
    }
    if (this.holder !== undefined) {
      throw new LockedError(this.where, undefined, `locked by ${this.holder}`);
    }
    this.holder = h.user;
    return {
      where: this.where,
      lost: new Promise((resolve) => {
        this.lose = resolve;
      }),
      release: async () => {
        if (this.holder === h.user) {
          this.holder = undefined;
        }
      },
    };
  }
  drop(): void {
    this.holder = undefined;
    this.lose?.(`${this.host} gone`);
  }
}

const who = (user: string): LockHolder => ({ user, host: 'a', pid: 1, startedAt: 'now' });
const hosts = (n: number): FakeHost[] =>
  Array.from({ length: n }, (_, i) => new FakeHost(`h${i + 1}`));

test('held on every host that answers; a majority is enough; released on all', async () => {
  const h = hosts(3);
  h[0]!.down = true;
  const held = await new QuorumLock(h).acquire(who('alice'));
  assert.deepEqual(
    h.map((x) => x.holder),
    [undefined, 'alice', 'alice'],
  );
  await held.release();
  assert.deepEqual(
    h.map((x) => x.holder),
    [undefined, undefined, undefined],
  );
});

test('two admins at once: exactly one holds, the other is refused and keeps nothing', async () => {
  for (const downFirst of [false, true]) {
    const h = hosts(3);
    h[0]!.down = downFirst;
    const got = await Promise.allSettled([
      new QuorumLock(h).acquire(who('alice')),
      new QuorumLock(h).acquire(who('bob')),
    ]);
    assert.equal(got.filter((g) => g.status === 'fulfilled').length, 1);
    const refused = got.find((g) => g.status === 'rejected') as PromiseRejectedResult;
    assert.ok(refused.reason instanceof LockedError);
    const winner = got[0]!.status === 'fulfilled' ? 'alice' : 'bob';
    assert.ok(
      h.filter((x) => !x.down).every((x) => x.holder === winner),
      `down first: ${downFirst}`,
    );
  }
});

test('a refusal after some grants releases them (no split lock is kept)', async () => {
  const h = hosts(3);
  h[2]!.holder = 'carol'; // carol holds the last host only (she saw h1, h2 as down)
  await assert.rejects(new QuorumLock(h).acquire(who('alice')), LockedError);
  assert.deepEqual(
    h.map((x) => x.holder),
    [undefined, undefined, 'carol'],
  );
});

test('fewer than a majority reachable: refused, counting grants and naming the hosts', async () => {
  const h = hosts(5);
  h[0]!.down = true;
  h[2]!.down = true;
  h[4]!.down = true;
  await assert.rejects(
    new QuorumLock(h).acquire(who('alice')),
    /2 of 5 lock hosts granted it, a majority \(3\) is needed; unreachable: h1: unreachable; h3: unreachable; h5: unreachable/,
  );
  assert.ok(
    h.every((x) => x.holder === undefined),
    'what was granted is given back',
  );
});

test('lost only when fewer than a majority are still held', async () => {
  const h = hosts(3);
  const held = await new QuorumLock(h).acquire(who('alice'));
  let lost: string | undefined;
  void held.lost.then((why) => {
    lost = why;
  });
  h[0]!.drop();
  await new Promise((r) => setImmediate(r));
  assert.equal(lost, undefined, 'two of three still held');
  h[1]!.drop();
  await new Promise((r) => setImmediate(r));
  assert.match(
    lost ?? '',
    /1 of the 3 lock hosts held, fewer than a majority \(2\): h1 gone; h2 gone/,
  );
});

test('one lock host: that host, as before', async () => {
  const [one] = hosts(1);
  const lock = new QuorumLock([one!]);
  assert.equal(lock.where, 'h1:/run/lock/x');
  const held = await lock.acquire(who('alice'));
  await assert.rejects(lock.acquire(who('bob')), LockedError);
  await held.release();
});
