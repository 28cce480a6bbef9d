import { test } from 'node:test';
import assert from 'node:assert/strict';
import { fanout } from '../../admin/fleet/fanout.js';
import { shell } from '../../admin/transport/command.js';
import type { CommandResult, RunOptions, Transport } from '../../admin/transport/types.js';
import type { FleetEvent } from '../../admin/fleet/events.js';

// An in-memory transport: the fan-out logic (window, order, abort) is tested without a network;
// real SSH is exercised by the integration tests on the lab fleet.
function fakeTransport(
  host: string,
  delayMs: number,
  live: { now: number; max: number },
): Transport {
  return {
    host,
    async run(_c, opts?: RunOptions): Promise<CommandResult> {
      live.now++;
      live.max = Math.max(live.max, live.now);
      await new Promise((r) => setTimeout(r, delayMs));
      live.now--;
      const aborted = opts?.signal?.aborted ?? false;
      return {
        host,
        command: 'x',
        ok: !aborted,
        exitCode: aborted ? null : 0,
        signal: null,
        stdout: host,
        stderr: '',
        durationMs: delayMs,
        ...(aborted ? { failure: { kind: 'aborted' as const, message: 'killed' } } : {}),
      };
    },
    async close() {},
  };
}

test('the window bounds hosts in flight, results keep host order', async () => {
  const live = { now: 0, max: 0 };
  const hosts = Array.from({ length: 30 }, (_, i) => `h${i + 1}`);
  const results = await fanout(
    hosts,
    (h) => fakeTransport(h, 5 + (Number(h.slice(1)) % 3), live),
    shell('true'),
    { concurrency: 7 },
  );
  assert.equal(live.max, 7);
  assert.deepEqual(
    results.map((r) => r.stdout),
    hosts,
  );
});

test("window 'connecting': connected hosts run at once, the rest share the window", async () => {
  const live = { now: 0, max: 0 };
  const cold = { now: 0, max: 0 };
  const hosts = Array.from({ length: 30 }, (_, i) => `h${i + 1}`);
  const warm = (h: string): boolean => Number(h.slice(1)) <= 20; // h1..h20 already connected
  const transport = (h: string): Transport => {
    const t = fakeTransport(h, 20, live);
    if (warm(h)) {
      return { ...t, connected: true };
    }
    const counted = fakeTransport(h, 20, cold);
    return {
      ...t,
      connected: false,
      run: async (c, o) => {
        await t.run(c, o);
        return counted.run(c, o);
      },
    };
  };
  const results = await fanout(hosts, transport, shell('true'), {
    concurrency: 3,
    window: 'connecting',
  });
  assert.equal(cold.max, 3, 'hosts that must connect stay within the window');
  assert.ok(live.max >= 20, `connected hosts were held back: at most ${live.max} in flight`);
  assert.deepEqual(
    results.map((r) => r.stdout),
    hosts,
  );
  live.max = 0;
  await fanout(hosts, transport, shell('true'), { concurrency: 3 }); // default 'all'
  assert.equal(live.max, 3, 'the default window holds connected hosts too');
});

test('abort: hosts not yet started are reported, none is lost', async () => {
  const live = { now: 0, max: 0 };
  const ctl = new AbortController();
  const events: FleetEvent[] = [];
  const hosts = Array.from({ length: 10 }, (_, i) => `h${i + 1}`);
  setTimeout(() => ctl.abort(), 15);
  const results = await fanout(hosts, (h) => fakeTransport(h, 20, live), shell('true'), {
    concurrency: 2,
    signal: ctl.signal,
    onEvent: (e) => events.push(e),
  });
  assert.equal(results.length, 10);
  assert.ok(results.filter((r) => r.failure?.kind === 'aborted').length >= 8);
  const end = events.at(-1);
  assert.equal(end?.kind, 'fanout-end');
  assert.equal(end?.kind === 'fanout-end' && end.aborted, true);
});

test('a transport that throws still yields a result for its host', async () => {
  const broken: Transport = {
    host: 'x',
    run: () => Promise.reject(new Error('boom')),
    close: async () => {},
  };
  const [r] = await fanout(['x'], () => broken, shell('true'), { concurrency: 1 });
  assert.equal(r?.ok, false);
  assert.equal(r?.failure?.message, 'boom');
});
