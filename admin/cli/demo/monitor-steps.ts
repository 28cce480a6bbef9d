// Demo steps for the fleet monitor: a clean scan, then a snap server that keeps answering but
// stops making snapshots (the failure no liveness check sees), found by the progress check and
// healed through the rollout engine; the history shows what happened.
import { readFile, writeFile } from 'node:fs/promises';
import { join } from 'node:path';
import { labVariant, type DemoContext, type Salvo, type Step } from './context.js';

/** The lab's services file with a monitor section (short limits, so the demo need not wait long). */
function monitorServicesFile(ctx: DemoContext): Promise<string> {
  return labVariant(
    ctx,
    'monitor',
    [
      '# The fleet monitor (docs/monitor.md); short limits for the demo.',
      'monitor:',
      '  interval: 2',
      '  liveness: [hub, snap, haproxy]',
      '  progress:',
      '    snap: { snapshots: "{dir}/snapshots/snap.{instance}", max_age: { warning: 4, critical: 6 } }',
      '  heal: { snap: { restarts: 3, within: 10 } }',
      `  history: ${JSON.stringify(join(ctx.lab.dir, 'monitor-history.jsonl'))}`,
    ],
    'a monitor section',
  );
}

export function monitorSteps(salvo: Salvo): Step[] {
  return [
    async (ctx) => {
      const s = ['-s', await monitorServicesFile(ctx)];
      await salvo(
        ctx,
        0,
        'one scan of the fleet: every check ok (exit 0)',
        ...s,
        'monitor',
        'scan',
      );
      await salvo(
        ctx,
        0,
        'a snap server that stops making snapshots but still answers (the lab stand-in can be told to)',
        ...s,
        'exec',
        'cloud1',
        '--',
        'curl -fsS http://127.0.0.1:5200/control/stop-snapshots',
      );
      await salvo(
        ctx,
        0,
        'the monitor: the progress check finds it stuck, alerts once per change, heals it through the rollout engine, sees it ok',
        ...s,
        'monitor',
        'run',
        '--interval',
        '2s',
        '--scans',
        '10',
      );
      await salvo(
        ctx,
        0,
        'its history: the state changes and the heal',
        ...s,
        'monitor',
        'history',
        'snap#0@cloud1',
      );
    },
  ];
}
