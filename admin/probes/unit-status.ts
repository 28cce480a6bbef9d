// The verdict on one daemon unit, from the evidence services/daemon/scripts.ts STATUS prints:
// the pid file and whether the pid runs the recorded argv, ps, LISTEN sockets, the HTTP code of
// the health URL, the recorded and the self-reported version, and the log tail when in trouble.
import type { Health } from './health.js';
import { describeHolders, heldByUnit, parsePortHolders } from './port-holders.js';
import { parsePs } from './ps.js';
import { listensOn, parseProcNetTcp } from './proc-net-tcp.js';
import { firstLine, parseSections, type Section } from './sections.js';

type Sections = Map<string, Section>;

function logTail(s: Sections): string | undefined {
  const lines = s.get('log')?.lines ?? [];
  return lines.length > 0 ? lines.join('\n') : undefined;
}

/** A stand-in (and any hub that follows it) answers /version with JSON `{ version }` or plain text. */
export function parseReportedVersion(body: string): string | undefined {
  const text = body.trim();
  if (text === '') {
    return undefined;
  }
  try {
    const v = (JSON.parse(text) as { version?: unknown }).version;
    return typeof v === 'string' && v !== '' ? v : undefined;
  } catch {
    return /^[\w.+~-]{1,64}$/.test(text) ? text : undefined;
  }
}

/** The port of the listen section when something listens on it (a number), else undefined. */
function listenedPort(s: Sections): number | undefined {
  const listen = s.get('listen');
  const port = Number(listen?.args[0]);
  return Number.isInteger(port) && listensOn(parseProcNetTcp(listen!.lines.join('\n')), port)
    ? port
    : undefined;
}

function notRunning(s: Sections, state: string, pid: string): Health {
  const why = whyNotRunning(state, pid);
  // Whoever holds the port now is why a start would fail: say so before anyone tries.
  const port = listenedPort(s);
  const holders = s.get('holders');
  const detail =
    port !== undefined && holders
      ? `${why}; port ${port} is held by ${describeHolders(parsePortHolders(holders.lines))}`
      : why;
  const tail = logTail(s);
  return { state: 'stopped', detail, ...(tail ? { logTail: tail } : {}) };
}

function whyNotRunning(state: string, pid: string): string {
  switch (state) {
    case 'none':
      return 'no pid file';
    case 'gone':
      return `pid ${pid} exited (a failed start or a crash left its pid file)`;
    case 'other':
      return `pid ${pid} runs another program (stale pid file)`;
    default:
      return `no evidence (${state || 'empty output'})`;
  }
}

/** Why a running process is not healthy, or undefined when it is. */
function problem(s: Sections, pid: number): string | undefined {
  const listen = s.get('listen');
  const port = Number(listen?.args[0]);
  if (Number.isInteger(port) && listenedPort(s) === undefined) {
    return `not listening on port ${port}`;
  }
  // Something listens, but is it the unit? (A squatter would also answer the health URL.)
  // Output without a holders section (older Salvo) is judged by the listen section alone.
  const holders = s.has('holders') ? parsePortHolders(s.get('holders')!.lines) : undefined;
  if (Number.isInteger(port) && holders && !heldByUnit(holders, pid)) {
    return `port ${port} is held by ${describeHolders(holders)}, not by pid ${pid}`;
  }
  const code = firstLine(s, 'http');
  const url = s.get('http')?.args[0] ?? '-';
  if (url === '-' || code === '-' || code === '') {
    return undefined; // no URL, or no curl on the host
  }
  if (code === '000') {
    return `no HTTP answer from ${url}`;
  }
  return /^2\d\d$/.test(code) ? undefined : `${url} answered HTTP ${code}`;
}

export function parseUnitStatus(stdout: string): Health {
  const s = parseSections(stdout);
  const state = firstLine(s, 'state');
  const pidText = firstLine(s, 'pid');
  if (state !== 'ours') {
    return notRunning(s, state, pidText);
  }
  const ps = parsePs((s.get('ps')?.lines ?? []).join('\n'))[0];
  const version =
    parseReportedVersion((s.get('reported-version')?.lines ?? []).join('\n')) ??
    (firstLine(s, 'version') || undefined);
  const base: Health = {
    state: 'running',
    pid: Number(pidText),
    ...(ps ? { uptimeSec: ps.elapsedSec } : {}),
    ...(version && version !== '-' ? { version } : {}),
  };
  const why = problem(s, Number(pidText));
  if (!why) {
    return base;
  }
  const tail = logTail(s);
  return { ...base, state: 'unhealthy', detail: why, ...(tail ? { logTail: tail } : {}) };
}
