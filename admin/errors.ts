// One error root for the whole library. The CLI alone turns these into text and exit codes.

/** A problem located in a file (services.yaml, known_hosts, ssh_config…). */
export interface Issue {
  file: string;
  line: number; // 1-based
  col: number; // 1-based
  message: string;
}

export class AdminError extends Error {
  override name = 'AdminError';
}

/** The services file (or another config file) is invalid; carries every problem found. */
export class ConfigError extends AdminError {
  override name = 'ConfigError';
  constructor(readonly issues: Issue[]) {
    super(issues.map(formatIssue).join('\n'));
  }
}

/** A command-line argument or library option is wrong (bad node set, unknown flag value…). */
export class UsageError extends AdminError {
  override name = 'UsageError';
}

/** Why a host could not be reached or used. */
export type ConnectReason =
  | 'dns'
  | 'refused'
  | 'timeout'
  | 'auth'
  | 'hostkey'
  | 'unknown-host'
  | 'protocol'
  | 'other';

export class ConnectError extends AdminError {
  override name = 'ConnectError';
  constructor(
    readonly host: string,
    readonly reason: ConnectReason,
    message: string,
  ) {
    super(`${host}: ${message}`);
  }
}

/** Who holds a lock: enough for the operator to go and ask them (or find the dead process). */
export interface LockHolder {
  user: string;
  host: string; // the admin machine the holder runs on
  pid: number;
  startedAt: string; // ISO time
  what?: string; // the run: `restart hub (20250612-101530-restart-hub-3f2a)`
  /** Seconds since the holder's last heartbeat, as the lock host saw it when refusing. */
  heartbeatAgeS?: number;
}

/** Another run holds the lock (exit code 4). `holder` is undefined when it could not be read. */
export class LockedError extends AdminError {
  override name = 'LockedError';
  constructor(
    readonly lock: string,
    readonly holder: LockHolder | undefined,
    message: string,
  ) {
    super(message);
  }
}

/** The lab fleet could not be built or torn down. */
export class LabError extends AdminError {
  override name = 'LabError';
}

/** An invariant broke: this is a bug in Salvo. */
export class InternalError extends AdminError {
  override name = 'InternalError';
}

function formatIssue(i: Issue): string {
  return `${i.file}:${i.line}:${i.col}: ${i.message}`;
}
