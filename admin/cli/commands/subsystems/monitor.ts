// `salvo monitor scan|run|history` and `salvo maintenance on|off|status`: the fleet monitor
// (dep.monitor.*, docs/monitor.md). The library scans, heals and alerts; this file renders.
import type { Command } from 'commander';
import type { DeploymentEvent } from '../../../deployment/events.js';
import { UsageError } from '../../../errors.js';
import { onFirstUse } from '../../../lazy/index.js';
import type { HistoryRecord, MonitorEvent } from '../../../monitor/index.js';
import { withInterrupt } from '../../interrupt.js';
import { parseDuration } from '../../parse-duration.js';
import { openDeployment } from '../services-path.js';

/** node:v8, for `monitor run` only. */
const nodeV8 = onFirstUse<typeof import('node:v8')>('node:v8');

const examples = (...lines: string[]): string =>
  `\nExamples:\n${lines.map((l) => `  ${l}`).join('\n')}`;

export function registerMonitor(program: Command): void {
  const monitor = program
    .command('monitor')
    .description('the fleet monitor: scans, progress checks, self-healing with flap limits, alerts')
    .addHelpText(
      'after',
      examples(
        'salvo monitor scan',
        'salvo monitor run --interval 60s',
        'salvo monitor history snap',
      ),
    );
  monitor
    .command('scan')
    .description(
      'one scan of the whole fleet; exit 0 ok, 1 warning, 2 critical, 3 unreachable (Nagios style)',
    )
    .option('--json', 'every finding as one JSON object')
    .option('--all', 'list the findings that are ok too')
    .addHelpText(
      'after',
      examples(
        'salvo monitor scan',
        'salvo monitor scan --json',
        'salvo -s /etc/salvo/storm.yaml monitor scan   from cron or as a Nagios/Icinga check',
      ),
    )
    .action(async (flags: { json?: boolean; all?: boolean }, cmd: Command) => {
      const dep = await openDeployment(cmd);
      try {
        const scan = await withInterrupt((signal) => dep.monitor.scan({ signal }));
        if (flags.json) {
          process.stdout.write(`${JSON.stringify(scan)}\n`);
        } else {
          const { renderScan } = await import('../../render/subsystems/monitor.js');
          process.stdout.write(renderScan(scan, flags.all ?? false));
        }
        process.exitCode = scan.exitCode;
      } finally {
        await dep.close();
      }
    });
  monitor
    .command('run')
    .description(
      'scan forever: alert each state change once, heal critical units with a heal: policy (Ctrl-C stops)',
    )
    .option(
      '--interval <duration>',
      'between scans (default: monitor.interval of the services file)',
    )
    .option('--scans <n>', 'stop after this many scans')
    .option('--json', 'one JSON line per event')
    .addHelpText(
      'after',
      examples(
        'salvo monitor run',
        'salvo monitor run --interval 30s',
        'salvo monitor run --scans 1 --json',
      ),
    )
    .action(async (flags: { interval?: string; scans?: string; json?: boolean }, cmd: Command) => {
      const scans = flags.scans === undefined ? undefined : Number(flags.scans);
      if (scans !== undefined && !(Number.isInteger(scans) && scans > 0)) {
        throw new UsageError(`--scans: expected a count, got "${flags.scans}"`);
      }
      const interval =
        flags.interval === undefined ? undefined : parseDuration(flags.interval, '--interval');
      const { renderMonitorEvent } = await import('../../render/subsystems/monitor.js');
      // A monitor runs for weeks and idles between scans. V8's optimizing compiler buys it little,
      // and its metadata (optimized code, deoptimization data, feedback) kept the process growing
      // for hours in the soak, where with baseline code only the memory stayed level
      // (docs/benchmarks.md, Monitor). Set before the first scan, so no scan code is optimized.
      nodeV8().setFlagsFromString('--no-opt');
      const dep = await openDeployment(cmd);
      try {
        const onEvent = (e: DeploymentEvent): void => {
          if (e.source !== 'monitor') {
            return;
          }
          const text = flags.json
            ? `${JSON.stringify({ at: new Date(e.at).toISOString(), ...(e.event as MonitorEvent) })}\n`
            : renderMonitorEvent(e.event as MonitorEvent, e.at);
          process.stdout.write(text);
        };
        const r = await withInterrupt((signal) =>
          dep.monitor.run({
            signal,
            onEvent,
            ...(interval !== undefined ? { interval } : {}),
            ...(scans !== undefined ? { scans } : {}),
          }),
        );
        process.exitCode = r.last?.exitCode ?? 0;
      } finally {
        await dep.close();
      }
    });
  monitor
    .command('history')
    .description('state changes and heals, oldest first (of one unit, host or check when given)')
    .argument('[subject]', 'a unit (snap#0@cloud3), a host, or any part of a key (disk, progress)')
    .option('--since <when>', 'only since this long ago (2h, 30m) or an ISO time')
    .option('--json', 'one JSON line per record')
    .addHelpText(
      'after',
      examples(
        'salvo monitor history',
        'salvo monitor history snap#0@cloud3 --since 2h',
        'salvo monitor history cloud2 --json',
      ),
    )
    .action(
      async (
        subject: string | undefined,
        flags: { since?: string; json?: boolean },
        cmd: Command,
      ) => {
        const dep = await openDeployment(cmd);
        try {
          const records = await dep.monitor.history({
            ...(subject ? { subject } : {}),
            ...(flags.since ? { since: flags.since } : {}),
          });
          const { renderHistory } = await import('../../render/subsystems/monitor.js');
          process.stdout.write(
            flags.json
              ? records.map((r: HistoryRecord) => `${JSON.stringify(r)}\n`).join('')
              : renderHistory(records),
          );
        } finally {
          await dep.close();
        }
      },
    );

  const maintenance = program
    .command('maintenance')
    .description('the maintenance switch: while on, the monitor scans and alerts but never heals')
    .addHelpText(
      'after',
      examples(
        'salvo maintenance on --reason "kernel upgrades"',
        'salvo maintenance status',
        'salvo maintenance off',
      ),
    );
  const sw = async (cmd: Command, on: boolean | undefined, reason?: string): Promise<void> => {
    const dep = await openDeployment(cmd);
    try {
      const s = await withInterrupt((signal) =>
        on === undefined
          ? dep.monitor.maintenance({ signal })
          : dep.monitor.setMaintenance(on, { signal, ...(reason ? { reason } : {}) }),
      );
      const { renderMaintenance } = await import('../../render/subsystems/monitor.js');
      process.stdout.write(renderMaintenance(s));
    } finally {
      await dep.close();
    }
  };
  maintenance
    .command('on')
    .description('switch maintenance on (the monitor stops healing)')
    .option('--reason <text>', 'why, shown to whoever looks')
    .addHelpText('after', examples('salvo maintenance on --reason "moving racks"'))
    .action((flags: { reason?: string }, cmd: Command) => sw(cmd, true, flags.reason));
  maintenance
    .command('off')
    .description('switch maintenance off (the monitor heals again)')
    .addHelpText('after', examples('salvo maintenance off'))
    .action((_flags: unknown, cmd: Command) => sw(cmd, false));
  maintenance
    .command('status')
    .description('is maintenance on, since when, by whom')
    .addHelpText('after', examples('salvo maintenance status'))
    .action((_flags: unknown, cmd: Command) => sw(cmd, undefined));
}
