// Durations for people, written one way everywhere: seconds with a fixed number of decimals
// (`1.5s`, `2.35 s`, or `5s` trimmed), and uptimes in their two largest units (`3m`, `1h5m`,
// `2d3h`). (pretty-ms writes `500ms` below a second and `1h 5m` with a space: not these formats.)

export interface SecondsStyle {
  /** Decimals kept (default 1). */
  digits?: number;
  /** `1.5 s` rather than `1.5s`. */
  space?: boolean;
  /** Drop trailing zeros: `5s`, `1.5s`. */
  trim?: boolean;
}

/** Milliseconds as seconds: `1.5s` (`{ digits: 2, space: true }`: `1.50 s`). */
export function formatSeconds(ms: number, style: SecondsStyle = {}): string {
  const fixed = (ms / 1000).toFixed(style.digits ?? 1);
  return `${style.trim ? String(+fixed) : fixed}${style.space ? ' ' : ''}s`;
}

/** How long a process has run, from seconds: `42s`, `3m`, `1h5m`, `2d3h`; `-` when unknown. */
export function formatUptime(sec: number | undefined): string {
  if (sec === undefined) {
    return '-';
  }
  if (sec < 60) {
    return `${sec}s`;
  }
  if (sec < 3600) {
    return `${Math.floor(sec / 60)}m`;
  }
  if (sec < 86400) {
    return `${Math.floor(sec / 3600)}h${Math.floor((sec % 3600) / 60)}m`;
  }
  return `${Math.floor(sec / 86400)}d${Math.floor((sec % 86400) / 3600)}h`;
}
