// Who holds a port's LISTEN sockets, from the `--- holders PORT` section of the daemon STATUS
// script: one line per process, `PID SESSION CMDLINE` (the command line NUL-separated args joined
// by spaces, cut at 200 characters). A unit owns its port when a holder is its pid or runs in its
// session (units start under setsid, so the unit's pid leads the session of its children).

export interface PortHolder {
  pid: number;
  session: number;
  command: string;
}

export function parsePortHolders(lines: readonly string[]): PortHolder[] {
  const out: PortHolder[] = [];
  for (const line of lines) {
    const m = /^\s*(\d+)\s+(\d+)(?:\s+(.*))?$/.exec(line);
    if (m) {
      out.push({ pid: Number(m[1]), session: Number(m[2]), command: (m[3] ?? '').trim() });
    }
  }
  return out;
}

export const heldByUnit = (holders: readonly PortHolder[], pid: number): boolean =>
  holders.some((h) => h.pid === pid || h.session === pid);

/** `pid 42 (node -e …)`, for the operator; no holders while something listens means it is out of sight. */
export function describeHolders(holders: readonly PortHolder[]): string {
  if (holders.length === 0) {
    return "a process not visible here (another user's, or another pid namespace's)";
  }
  return holders.map((h) => `pid ${h.pid}${h.command ? ` (${h.command})` : ''}`).join(', ');
}
