// Demo steps for services and rollouts: start everything, show status, print a rolling plan,
// then restart every hub one at a time while this process sends requests through haproxy. The
// lab's hubs cut their requests in flight on TERM: only the draining keeps the count at 0 failed.
import { formatSeconds } from '../render/duration.js';
import type { DemoContext, Salvo, Step } from './context.js';
import { SLOW_MS, SLOW_SHARE, startLoad } from './load.js';

const RPS = 150;

/** The lab's haproxy (services.yaml puts it on @edge = cloud3, port 8000). */
const haproxyUrl = (ctx: DemoContext): string => `http://${ctx.lab.hosts[2]!.address}:8000/`;

async function rollingUnderLoad(ctx: DemoContext, salvo: Salvo): Promise<void> {
  const slow = `${Math.round(SLOW_SHARE * 100)}% of them to /slow?ms=${SLOW_MS}, so every hub always has requests in flight`;
  ctx.say(`\n== (sending ${RPS} requests/s to ${haproxyUrl(ctx)} from this process, ${slow})`);
  const load = startLoad(haproxyUrl(ctx), RPS);
  await new Promise((r) => setTimeout(r, 1000));
  await salvo(
    ctx,
    0,
    'zero-downtime restart: each hub drained in haproxy, restarted, gated healthy, re-enabled',
    'restart',
    'hub',
    '--rolling',
  );
  await new Promise((r) => setTimeout(r, 500));
  const r = await load.stop();
  const served = [...r.servedBy].map(([id, n]) => `${id} ${n}`).join(', ');
  ctx.say(
    `\n== load: ${r.sent} requests (${r.slow} slow) in ${formatSeconds(r.durationMs, { space: true })}, ${r.ok} ok, ${r.failed} failed (served by ${served})`,
  );
  for (const e of r.errors) {
    ctx.say(`   ${e}`);
  }
  if (r.failed > 0) {
    ctx.failures++;
    ctx.say('!! expected 0 failed requests');
  }
}

export function rolloutSteps(salvo: Salvo): Step[] {
  return [
    (ctx) =>
      salvo(
        ctx,
        0,
        'start every service in services-file order, health-gated, placement-aware batches',
        'start',
        'all',
      ),
    (ctx) => salvo(ctx, 0, 'status: service × host, pid, uptime, version', 'status'),
    (ctx) =>
      salvo(
        ctx,
        0,
        'the plan of a rolling hub restart, without touching anything',
        'restart',
        'hub',
        '--rolling',
        '--dry-run',
        '-H',
        'cloud1',
      ),
    (ctx) => rollingUnderLoad(ctx, salvo),
    (ctx) =>
      salvo(
        ctx,
        0,
        'every mutating run is journaled (resume an interrupted one with `salvo resume RUN`)',
        'runs',
      ),
  ];
}
