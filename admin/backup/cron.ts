// `backup cron install|remove|show`: on each source node, the backup script (the same text
// `backup run` sends) and a cron file that runs it per set on the set's schedule, logging to a
// file the script rotates. Each file is written to a temporary name and renamed, and left alone
// when it already has the wanted bytes, so installing twice changes nothing.
import pLimit from 'p-limit';
import { cmd } from '../transport/command.js';
import { runOn, whyFailed, type BackupContext } from './context.js';
import { ensureKeys } from './keys.js';
import { bySource, maintenanceSwitch } from './plan.js';
import { MAINTENANCE_EXIT, sourceScript } from './remote/source.js';
import type { CronHostResult, CronResult, Series } from './types.js';

const WRITE_SCRIPT = `
f=$1 mode=$2 t="$1.salvo-tmp"
mkdir -p "$(dirname "$f")" && cat > "$t" && chmod "$mode" "$t" || exit 1
if cmp -s "$t" "$f"; then rm -f "$t"; echo SALVO-UNCHANGED; else mv -f "$t" "$f" && echo SALVO-WRITTEN; fi
`;

/** The cron file of one source node: one line per set it backs up. */
export function cronText(ctx: BackupContext, host: string): string {
  const c = ctx.rules.cron;
  const lines = ctx.rules.sets
    .filter((s) => s.sources.includes(host))
    .map((s) => `${s.schedule} root ${c.script} --scheduled --log ${c.log} ${s.name}`);
  return [
    `# salvo backup of ${host} (deployment ${ctx.dep.name}): written by salvo backup cron install.`,
    `# Exit codes in the log: 0 ok, 75 a series was locked by another run, 1 a series failed, ${MAINTENANCE_EXIT} skipped: maintenance on.`,
    'SHELL=/bin/sh',
    'PATH=/usr/local/sbin:/usr/local/bin:/usr/sbin:/usr/bin:/sbin:/bin',
    ...lines,
    '',
  ].join('\n');
}

export async function cronAction(
  ctx: BackupContext,
  action: CronResult['action'],
  series: Series[],
  o: { dryRun?: boolean } = {},
): Promise<CronResult> {
  const sources = bySource(series);
  const c = ctx.rules.cron;
  const limit = pLimit(16);
  let keyProblems = new Map<string, string>();
  const maintenance = maintenanceSwitch(ctx.dep.inventory, ctx.rules);
  if (action === 'install' && !o.dryRun) {
    // Each node dials its targets, and the lock host, where a scheduled run reads the maintenance switch.
    const peers = (h: string, ss: Series[]): string[] => [
      ...new Set([
        ...ss.map((s) => s.target.host),
        ...(maintenance && maintenance.host !== h ? [maintenance.host] : []),
      ]),
    ];
    keyProblems = await ensureKeys(ctx, new Map([...sources].map(([h, ss]) => [h, peers(h, ss)])));
  }
  const hosts = await Promise.all(
    [...sources].map(([host, ss]) =>
      limit(async (): Promise<CronHostResult> => {
        if (action === 'show') {
          const r = await runOn(ctx, host, cmd('cat', c.file), { timeoutMs: 30_000 });
          return r.ok
            ? { host, state: 'shown', text: r.stdout }
            : { host, state: r.exitCode === 1 ? 'absent' : 'failed', message: whyFailed(r) };
        }
        if (action === 'remove') {
          const r = await runOn(
            ctx,
            host,
            cmd(
              'sh',
              '-c',
              'if [ -e "$1" ]; then rm -f "$1" "$2" && echo SALVO-REMOVED; fi',
              'salvo-cron',
              c.file,
              c.script,
            ),
            { timeoutMs: 30_000 },
          );
          if (!r.ok) {
            return { host, state: 'failed', message: whyFailed(r) };
          }
          return { host, state: /SALVO-REMOVED/.test(r.stdout) ? 'removed' : 'absent' };
        }
        const text = cronText(ctx, host);
        if (o.dryRun) {
          return { host, state: 'shown', text };
        }
        const why = keyProblems.get(host);
        if (why) {
          return { host, state: 'failed', message: `keys: ${why}` };
        }
        const script = sourceScript(ss, {
          deployment: ctx.dep.name,
          host,
          logMaxBytes: c.logMaxBytes,
          maintenance,
        });
        const a = await runOn(
          ctx,
          host,
          cmd('sh', '-c', WRITE_SCRIPT, 'salvo-write', c.script, '0755'),
          {
            stdin: script,
            timeoutMs: 30_000,
          },
        );
        const b = a.ok
          ? await runOn(ctx, host, cmd('sh', '-c', WRITE_SCRIPT, 'salvo-write', c.file, '0644'), {
              stdin: text,
              timeoutMs: 30_000,
            })
          : a;
        if (!a.ok || !b.ok) {
          return { host, state: 'failed', message: whyFailed(a.ok ? b : a) };
        }
        const written = /SALVO-WRITTEN/.test(a.stdout + b.stdout);
        return { host, state: written ? 'installed' : 'unchanged', text };
      }),
    ),
  );
  return { action, hosts };
}
