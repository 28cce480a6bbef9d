// The monitor's shapes: what one check found about one subject, a whole scan, the state each
// subject is in across scans, and the alerts and events a change produces.

/** Ordered by badness; the exit code of `salvo monitor scan` is the index of the worst one. */
export const STATES = ['ok', 'warning', 'critical', 'unreachable'] as const;
export type CheckState = (typeof STATES)[number];
/** A subject's state across scans: a check state, or `unmonitored` (healing gave up, like monit). */
export type SubjectState = CheckState | 'unmonitored';

export type CheckName =
  | 'liveness'
  | 'progress'
  | 'load'
  | 'disk'
  | 'inodes'
  | 'memory'
  | 'clock'
  | 'mesh'
  | 'reach'
  | 'compactions'
  | 'backup';

/** What one check found about one subject in one scan. */
export interface Finding {
  /** Stable across scans: `liveness hub#0@cloud1`, `disk cloud2:/srv`, `reach cloud3`. */
  key: string;
  check: CheckName;
  host: string;
  /** The unit it concerns (`hub#0@cloud1`), for unit checks. */
  unit?: string;
  service?: string;
  state: CheckState;
  /** The measured value (seconds, percent, load per core …), when there is one. */
  value?: number;
  message: string;
}

export interface ScanResult {
  at: string; // ISO time the scan started
  durationMs: number;
  findings: Finding[];
  worst: CheckState;
  /** 0 ok, 1 warning, 2 critical, 3 unreachable (Nagios' codes, unreachable as UNKNOWN). */
  exitCode: number;
}

/** A subject whose state differs from the last scan's. */
export interface StateChange {
  key: string;
  from: SubjectState | undefined; // undefined: first seen
  to: SubjectState;
  finding: Finding;
}

/** One message per state change, to the hook and/or by mail. */
export interface Alert {
  deployment: string;
  at: string;
  key: string;
  host: string;
  unit?: string;
  from: SubjectState | 'new';
  to: SubjectState;
  message: string;
  /** What an operator would run next. */
  suggestion: string;
}

export type HealOutcome = 'restarted' | 'failed' | 'skipped' | 'unmonitored';

export interface HealRecord {
  unit: string;
  service: string;
  host: string;
  outcome: HealOutcome;
  /** Why skipped or failed: maintenance, locked by …, the rollout's failure. */
  reason?: string;
  runId?: string;
}

/** What the monitor reports while it runs (source `monitor` of a Deployment's events). */
export type MonitorEvent =
  | { kind: 'scan'; scan: ScanResult; changes: StateChange[] }
  | { kind: 'active'; where: string } // this monitor holds the election lease
  | { kind: 'standby'; holder: string; where: string } // another monitor is active
  | { kind: 'heal-start'; unit: string; host: string }
  | { kind: 'heal'; heal: HealRecord }
  | { kind: 'alert'; alert: Alert; sent: string[]; errors: string[] };

export function worstOf(states: Iterable<CheckState>): CheckState {
  let worst = 0;
  for (const s of states) {
    worst = Math.max(worst, STATES.indexOf(s));
  }
  return STATES[worst]!;
}

/** The state a value is in against warning/critical levels (at or past a level counts). */
export function levelOf(value: number, t: { warning: number; critical: number }): CheckState {
  if (value >= t.critical) {
    return 'critical';
  }
  return value >= t.warning ? 'warning' : 'ok';
}
