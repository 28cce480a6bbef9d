// `salvo status --watch`: probe every N seconds until Ctrl-C. On a terminal the table is redrawn
// in place under a clock; through a pipe a new table is printed, stamped, only when it changed.
import { UsageError } from '../../../errors.js';
import type { Deployment } from '../../../deployment/deployment.js';
import { pause } from '../../../rollout/gate.js';
import { withInterrupt } from '../../interrupt.js';
import { clock, liveBlock } from '../progress.js';
import { renderStatus } from './status.js';

export async function watchStatus(
  dep: Deployment,
  service: string,
  hosts: string | undefined,
  seconds: number,
  out: NodeJS.WritableStream & { isTTY?: boolean } = process.stdout,
): Promise<void> {
  if (!(seconds > 0)) {
    throw new UsageError(`--watch: expected seconds greater than zero, got ${seconds}`);
  }
  const live = out.isTTY ? await liveBlock(out) : undefined;
  let last = '';
  await withInterrupt(async (signal) => {
    while (!signal.aborted) {
      const report = await dep.status(service, {
        ...(hosts !== undefined ? { hosts } : {}),
        signal,
      });
      if (signal.aborted) {
        break;
      }
      const table = renderStatus(report.units);
      const head = `${clock(Date.now())}  ${dep.name}: ${report.ok.size} host(s) ok, ${report.failed.size} with trouble, ${report.unreachable.size} unreachable — every ${seconds}s, Ctrl-C to stop\n`;
      if (live) {
        live(head + table);
      } else if (table !== last) {
        out.write(`${head}${table}\n`);
      }
      last = table;
      if (!(await pause(seconds * 1000, signal))) {
        break;
      }
    }
  });
  live?.done();
}
