// What each `salvo tinc` verb does: open the deployment, call the library, render, pick the exit code.
import type { Command } from 'commander';
import { EXIT } from '../../../fleet/outcome.js';
import type { HostFailure, MeshMatrix } from '../../../tinc/index.js';
import type { DeploymentEvent } from '../../../deployment/events.js';
import { withInterrupt } from '../../interrupt.js';
import {
  renderLifecycle,
  renderStatus,
  renderTincEvent,
  renderTincResult,
} from '../../render/subsystems/tinc.js';
import { renderMatrix } from '../../render/subsystems/tinc-matrix.js';
import { openDeployment } from '../services-path.js';

export interface TincFlags {
  verb: 'init' | 'verify' | 'add' | 'remove' | 'status' | 'start' | 'stop';
  json: boolean;
  dryRun: boolean;
  verify: boolean;
  grid: boolean;
  host?: string;
  confDir?: string;
  hosts?: string;
  waitMs?: number;
  keyBits?: number;
}

export async function runTinc(cmd: Command, flags: TincFlags): Promise<number> {
  const dep = await openDeployment(cmd);
  const tinc = dep.tinc;
  const out = (text: string): void => {
    process.stdout.write(text);
  };
  const json = (value: unknown): void => out(`${JSON.stringify(value, null, 2)}\n`);
  try {
    return await withInterrupt(async (signal) => {
      const base = {
        signal,
        ...(flags.confDir !== undefined ? { confDir: flags.confDir } : {}),
        onEvent: (d: DeploymentEvent): void => {
          if (flags.json || d.source !== 'tinc') {
            return;
          }
          const e = d.event;
          // The plan is what the operator asked to see (--dry-run); progress lines go to stderr.
          (e.kind === 'plan' ? process.stdout : process.stderr).write(renderTincEvent(e));
        },
      };
      const change = {
        ...base,
        dryRun: flags.dryRun,
        verify: flags.verify,
        ...pick(flags, 'hosts', 'keyBits'),
        ...(flags.waitMs !== undefined ? { wait: flags.waitMs } : {}),
      };
      const aborted = (code: number): number => (signal.aborted ? EXIT.aborted : code);
      switch (flags.verb) {
        case 'init':
        case 'add':
        case 'remove': {
          const membership = () => {
            if (flags.verb === 'init') {
              return tinc.init(change);
            }
            if (flags.verb === 'add') {
              return tinc.add(flags.host!, change);
            }
            return tinc.remove(flags.host!, change);
          };
          const r = await membership();
          if (flags.json) {
            json(r);
          } else {
            out(renderTincResult(r));
          }
          return aborted(exitCode(r.failures, r.matrix));
        }
        case 'verify': {
          const m = await tinc.verify({
            ...base,
            ...(flags.waitMs !== undefined ? { wait: flags.waitMs } : {}),
          });
          if (flags.json) {
            json(m);
          } else {
            out(renderMatrix(m, { grid: flags.grid }));
          }
          return aborted(exitCode([], m));
        }
        case 'status': {
          const s = await tinc.status(base);
          if (flags.json) {
            json(s);
          } else {
            out(renderStatus(s));
          }
          if (s.failures.length) {
            return aborted(EXIT.unreachable);
          }
          return aborted(s.ok ? EXIT.ok : EXIT.failed);
        }
        case 'start':
        case 'stop': {
          const opts = {
            ...base,
            verify: flags.verify,
            ...pick(flags, 'hosts'),
            ...(flags.waitMs !== undefined ? { wait: flags.waitMs } : {}),
          };
          const r = flags.verb === 'start' ? await tinc.start(opts) : await tinc.stop(opts);
          if (flags.json) {
            json(r);
          } else {
            out(renderLifecycle(r, flags.verb === 'start' ? 'started' : 'stopped'));
          }
          return aborted(exitCode(r.failures, r.matrix));
        }
      }
    });
  } finally {
    await dep.close();
  }
}

/** Unreachable beats failed; a broken matrix is a failure (its unreachable rows: unreachable). */
function exitCode(failures: readonly HostFailure[], matrix?: MeshMatrix): number {
  if (failures.some((f) => f.unreachable) || (matrix?.unreachable.length ?? 0) > 0) {
    return EXIT.unreachable;
  }
  if (failures.length > 0 || (matrix && !matrix.ok)) {
    return EXIT.failed;
  }
  return EXIT.ok;
}

function pick<K extends keyof TincFlags>(
  flags: TincFlags,
  ...keys: K[]
): Partial<Pick<TincFlags, K>> {
  const out: Partial<Pick<TincFlags, K>> = {};
  for (const k of keys) {
    if (flags[k] !== undefined) {
      out[k] = flags[k];
    }
  }
  return out;
}
