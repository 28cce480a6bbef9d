// State across scans: each subject's last state (so a change is reported once, not every scan),
// and per unit the scans in which it was restarted, for monit's flap limit ("N restarts within
// M scans, then unmonitor"). Pure: the loop in run.ts feeds it scans and heals.
import type { Finding, ScanResult, StateChange, SubjectState } from './types.js';

export class Tracker {
  private scanNo = 0;
  private readonly restarts = new Map<string, number[]>(); // unit → scan numbers
  private readonly unmonitored = new Set<string>();

  constructor(private readonly states: Map<string, SubjectState> = new Map()) {
    for (const [key, state] of states) {
      if (state === 'unmonitored' && key.startsWith('heal ')) {
        this.unmonitored.add(key.slice('heal '.length));
      }
    }
  }

  get scans(): number {
    return this.scanNo;
  }

  /** The changes this scan brings; a subject first seen ok is no change. */
  observe(scan: ScanResult): StateChange[] {
    this.scanNo++;
    const changes: StateChange[] = [];
    for (const f of scan.findings) {
      const from = this.states.get(f.key);
      if (from !== f.state && !(from === undefined && f.state === 'ok')) {
        changes.push({ key: f.key, from, to: f.state, finding: f });
      }
      this.states.set(f.key, f.state);
    }
    // An unmonitored unit whose checks are all ok again is monitored (and healed) again.
    const byUnit = unitsOf(scan.findings);
    for (const unit of [...this.unmonitored]) {
      const fs = byUnit.get(unit);
      if (fs?.every((f) => f.state === 'ok')) {
        this.unmonitored.delete(unit);
        this.restarts.delete(unit);
        const key = `heal ${unit}`;
        this.states.set(key, 'ok');
        changes.push({
          key,
          from: 'unmonitored',
          to: 'ok',
          finding: { ...fs[0]!, key, message: `${unit}: healthy again; monitored again` },
        });
      }
    }
    return changes;
  }

  /** Units that are critical in this scan, with their worst finding. */
  critical(scan: ScanResult): Map<string, Finding> {
    const out = new Map<string, Finding>();
    for (const f of scan.findings) {
      if (f.unit && f.state === 'critical' && !out.has(f.unit)) {
        out.set(f.unit, f);
      }
    }
    return out;
  }

  isUnmonitored(unit: string): boolean {
    return this.unmonitored.has(unit);
  }

  /** Restarts of `unit` in the last `within` scans (this one included). */
  recentRestarts(unit: string, within: number): number {
    return (this.restarts.get(unit) ?? []).filter((n) => n > this.scanNo - within).length;
  }

  restarted(unit: string): void {
    this.restarts.set(unit, [...(this.restarts.get(unit) ?? []), this.scanNo]);
  }

  /** Stop healing `unit`: the change to report. */
  unmonitor(unit: string, finding: Finding, restarts: number, within: number): StateChange {
    this.unmonitored.add(unit);
    const key = `heal ${unit}`;
    const from = this.states.get(key);
    this.states.set(key, 'unmonitored');
    return {
      key,
      from,
      to: 'unmonitored',
      finding: {
        ...finding,
        key,
        message: `${unit}: still critical after ${restarts} restart(s) within ${within} scans; no longer healed (${finding.message})`,
      },
    };
  }
}

function unitsOf(findings: Finding[]): Map<string, Finding[]> {
  const out = new Map<string, Finding[]>();
  for (const f of findings) {
    if (f.unit) {
      out.set(f.unit, [...(out.get(f.unit) ?? []), f]);
    }
  }
  return out;
}
