// Progress of long work (rollouts, gates, waits, tinc, release steps) for people. Not a terminal:
// plain lines, each stamped with the time of its event. A terminal: the same lines above a live
// block (log-update) with one row per unit or wait in progress — its step or the gate it waits
// for and for how long — redrawn a few times a second until the work ends.
import { formatSeconds } from './duration.js';
import type { createLogUpdate } from 'log-update';
import type { DeploymentEvent } from '../../deployment/events.js';
import { renderRolloutEvent, gateWaitText, type RenderOptions } from './rollout/rollout.js';
import { renderTincEvent } from './subsystems/tinc.js';
import { paint } from './colour.js';

export interface ProgressOptions {
  out: NodeJS.WritableStream & { isTTY?: boolean; columns?: number };
  /** Live block and colours: default when `out` is a terminal. */
  live?: boolean;
  render: RenderOptions;
  /** Prefix each line with its time (default: when not live). */
  timestamps?: boolean;
  /** Also print tinc progress (the tinc commands print theirs on stderr themselves). */
  tinc?: boolean;
}

type LiveBlock = ReturnType<typeof createLogUpdate>;

/** A block redrawn in place on a terminal. log-update is loaded only here, when a terminal will
 * show it: the Unicode tables it builds as it loads cost more than the rest of a one-shot
 * command's start-up. */
export async function liveBlock(
  out: NodeJS.WritableStream,
  options: { showCursor?: boolean } = {},
): Promise<LiveBlock> {
  return (await import('log-update')).createLogUpdate(out, options);
}

/** `14:03:07` in local time. */
export function clock(at: number): string {
  const d = new Date(at);
  return [d.getHours(), d.getMinutes(), d.getSeconds()]
    .map((n) => String(n).padStart(2, '0'))
    .join(':');
}

const SPIN = ['⠋', '⠙', '⠹', '⠸', '⠼', '⠴', '⠦', '⠧', '⠇', '⠏'];

interface Row {
  label: string;
  what: string;
  since: number;
}

/** Text lines for one event (no live rows): what pipe mode prints and what the live mode keeps. */
function eventLines(e: DeploymentEvent, o: ProgressOptions): string {
  switch (e.source) {
    case 'rollout':
      return renderRolloutEvent(e.event, o.render);
    case 'tinc':
      return o.tinc ? renderTincEvent(e.event) : '';
    case 'wait': {
      const w = e.event;
      if (w.kind === 'up') {
        return `${w.what}: ${w.hosts} (${w.hosts.size}) after ${formatSeconds(w.elapsedMs)}\n`;
      }
      if (w.kind === 'gave-up') {
        return `gave up waiting for ${w.what}: still not ${w.waiting} (${w.waiting.size}) after ${formatSeconds(w.elapsedMs)}\n`;
      }
      return '';
    }
    case 'dry-run':
      return `would ${e.event.call}\n${e.event.detail.map((d) => `    ${d}\n`).join('')}`;
    default:
      return '';
  }
}

export class ProgressPrinter {
  private readonly rows = new Map<string, Row>();
  private readonly live: boolean;
  private readonly stamp: boolean;
  private readonly update: LiveBlock | undefined;
  private timer: NodeJS.Timeout | undefined;
  /** Waits are reported in pipe mode when their set changes or every 30 s. */
  private lastWait = { text: '', at: 0 };

  /** The printer for `o.out`: live when it is a terminal (or `o.live` says so). */
  static async open(o: ProgressOptions): Promise<ProgressPrinter> {
    const live = o.live ?? o.out.isTTY === true;
    return new ProgressPrinter(o, live ? await liveBlock(o.out, { showCursor: true }) : undefined);
  }

  /** Plain lines, or lines above `update`'s live block when given (see `open`). */
  constructor(
    private readonly o: ProgressOptions,
    update?: LiveBlock,
  ) {
    this.update = update;
    this.live = update !== undefined;
    this.stamp = o.timestamps ?? !this.live;
  }

  readonly onEvent = (e: DeploymentEvent): void => {
    this.track(e);
    const text = eventLines(e, this.o) + this.waitLine(e);
    if (text) {
      this.print(text, e.at);
    }
    this.redraw();
  };

  /** Print lines above the live block (or plainly). */
  print(text: string, at = Date.now()): void {
    const body = this.stamp
      ? text.replace(/^(.+)$/gm, (line) => `${paint.dim(clock(at))} ${line}`)
      : text;
    if (this.update) {
      this.update.clear();
      this.o.out.write(body);
      this.redraw();
    } else {
      this.o.out.write(body);
    }
  }

  /** The work ended: the live block goes, the lines stay. */
  done(): void {
    clearInterval(this.timer);
    this.timer = undefined;
    this.rows.clear();
    this.update?.clear();
    this.update?.done();
  }

  private track(e: DeploymentEvent): void {
    if (e.source === 'rollout') {
      const ev = e.event;
      switch (ev.kind) {
        case 'step-start':
          this.rows.set(ev.unit, {
            label: ev.unit,
            what: `${ev.step + 1}/${ev.steps} ${ev.name}`,
            since: e.at,
          });
          return;
        case 'gate-wait':
          this.rows.set(ev.unit, {
            label: ev.unit,
            what: gateWaitText(ev),
            since: e.at - ev.durationMs,
          });
          return;
        case 'gate-pass':
        case 'gate-fail':
        case 'unit-done':
        case 'quarantined':
          this.rows.delete('unit' in ev ? ev.unit : ev.failure.unit);
          return;
        case 'done':
          this.rows.clear();
          return;
        default:
          return;
      }
    }
    if (e.source === 'wait') {
      const w = e.event;
      if (w.kind === 'waiting') {
        this.rows.set(`wait:${w.what}`, {
          label: `waiting for ${w.what}`,
          what: `${w.waiting} (${w.waiting.size}) not yet, ${w.up.size} up`,
          since: e.at - w.elapsedMs,
        });
      } else {
        this.rows.delete(`wait:${w.what}`);
      }
    }
  }

  /** Pipe mode: a wait's state as a line when it changes, or every 30 s while it lasts. */
  private waitLine(e: DeploymentEvent): string {
    if (this.live || e.source !== 'wait' || e.event.kind !== 'waiting') {
      return '';
    }
    const w = e.event;
    const text = `waiting for ${w.what}: ${w.waiting} (${w.waiting.size}) not yet`;
    if (text === this.lastWait.text && e.at - this.lastWait.at < 30_000) {
      return '';
    }
    this.lastWait = { text, at: e.at };
    return `${text}, ${formatSeconds(w.elapsedMs)} so far\n`;
  }

  private redraw(): void {
    if (!this.update) {
      return;
    }
    if (!this.rows.size) {
      clearInterval(this.timer);
      this.timer = undefined;
      this.update.clear();
      return;
    }
    this.timer ??= setInterval(() => this.redraw(), 250).unref();
    const t = Date.now();
    const spin = SPIN[Math.floor(t / 100) % SPIN.length]!;
    const lines = [...this.rows.values()].map(
      (r) => `${paint.warn(spin)} ${r.label}  ${r.what}  ${paint.dim(formatSeconds(t - r.since))}`,
    );
    this.update(lines.join('\n'));
  }
}
