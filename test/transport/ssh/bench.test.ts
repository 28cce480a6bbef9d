// Opt-in benchmark: `SALVO_BENCH=200 node --test dist/test/transport/ssh/bench.test.js`.
// N "hosts" are N connections to one local sshd (a private /root, as in the lab fleet), so every
// remote shell shares this machine's CPUs: the numbers are an upper bound for a real fleet.
import assert from 'node:assert/strict';
import { after, before, describe, it } from 'node:test';
import { cmd } from '../../../admin/transport/command.js';
import { TransportPool } from '../../../admin/transport/pool.js';
import type { SshTransport } from '../../../admin/transport/ssh/transport.js';
import { startSshd, type TestSshd } from './sshd.js';

const HOSTS = Number(process.env.SALVO_BENCH ?? 0);
const ROUNDS = 7;

describe('transport benchmark', {
  skip: HOSTS > 0 ? false : 'set SALVO_BENCH=<hosts> to run',
}, () => {
  let sshd: TestSshd;
  const hosts = Array.from({ length: HOSTS }, (_, i) => `cloud${i + 1}`);

  before(async () => {
    sshd = await startSshd();
  });
  after(async () => {
    await sshd?.stop();
  });

  for (const session of [true, false]) {
    it(`\`true\` on ${HOSTS} hosts, ${session ? 'warm shell session' : 'exec channel per command'}`, async () => {
      const pool = new TransportPool({
        resolveTarget: async (name) => sshd.target({ name, connectTimeoutMs: 60_000 }),
        hostKeyPolicy: await sshd.knownHosts(),
        session,
      });
      try {
        const warmStart = performance.now();
        await Promise.all(hosts.map((h) => (pool.get(h) as SshTransport).warm()));
        log(`connect${session ? ' + session start' : ''}: ${ms(performance.now() - warmStart)}`);
        const times: number[] = [];
        for (let round = 0; round < ROUNDS; round++) {
          const started = performance.now();
          const cpu = process.cpuUsage();
          const results = await Promise.all(hosts.map((h) => pool.get(h).run(cmd('true'))));
          times.push(performance.now() - started);
          const used = process.cpuUsage(cpu);
          assert.equal(
            results.filter((r) => r.ok).length,
            HOSTS,
            results.find((r) => !r.ok)?.failure?.message,
          );
          log(
            `round ${round}: ${ms(times.at(-1) ?? 0)} (this process: ${ms((used.user + used.system) / 1000)} CPU)`,
          );
        }
        const sorted = [...times].sort((a, b) => a - b);
        log(`min ${ms(sorted[0] ?? 0)}, median ${ms(sorted[Math.floor(ROUNDS / 2)] ?? 0)}`);
      } finally {
        await pool.closeAll();
      }
    });
  }
});

function ms(n: number): string {
  return `${n.toFixed(1)} ms`;
}

function log(line: string): void {
  console.log(`# ${line}`);
}
