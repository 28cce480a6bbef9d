// Demo steps for distributed backups: the plan, then every host backing up its own /srv/data to
// two others at once, their freshness, and a re-hash of each snapshot against its manifest.
import type { DemoContext } from './steps.js';

type Salvo = (
  ctx: DemoContext,
  expectExit: number,
  why: string,
  ...args: string[]
) => Promise<void>;
type Step = (ctx: DemoContext) => Promise<void>;

export function backupSteps(salvo: Salvo): Step[] {
  return [
    async (ctx) => {
      await salvo(
        ctx,
        0,
        "backup plan from the lab's backup rules: each host's /srv/data to the next two hosts",
        'backup',
        'run',
        '--dry-run',
      );
      await salvo(
        ctx,
        0,
        'distributed backup: every host pushes its own data over rsync+SSH, each series locked on its target, published atomically',
        'backup',
        'run',
      );
      await salvo(ctx, 0, 'freshness of every series (exit 1 if one is stale)', 'backup', 'status');
      await salvo(
        ctx,
        0,
        'each snapshot hashed again on its target against the manifest written when it was published',
        'backup',
        'verify',
      );
    },
  ];
}
