// The log files of a service's units, read over SSH: the last lines of each, and (follow) what
// is appended after, polled once a second per host in one round trip. Lines come back tagged
// with their unit and host.
import { selectUnits } from '../services/index.js';
import { unitPaths } from '../services/layout.js';
import { unitId, type Unit } from '../services/types.js';
import { cmd, type Command } from '../transport/command.js';
import type { Deployment } from './deployment.js';
import { NodeSet } from './node-set.js';
import { pause } from '../rollout/gate.js';

export interface LogLine {
  unit: string;
  host: string;
  line: string;
}

export interface LogsResult {
  lines: LogLine[];
  /** Hosts whose logs were read. */
  ok: NodeSet;
  failed: NodeSet;
  unreachable: NodeSet;
}

const SEP = '\u001e'; // record separator: cannot occur in a path we write

/** Per unit: a header `SEP unit SIZE`, then the bytes of its log from `offset` (or the last `lines`). */
function readCommand(
  files: { id: string; file: string; offset?: number }[],
  lines: number,
): Command {
  const script = [
    'n="$1"; shift',
    'while [ $# -gt 0 ]; do',
    '  id="$1" f="$2" off="$3"; shift 3',
    '  size=$(stat -c %s "$f" 2>/dev/null || echo 0)',
    `  printf '${SEP}%s %s\\n' "$id" "$size"`,
    '  [ -r "$f" ] || continue',
    '  if [ "$off" = - ]; then tail -n "$n" "$f"',
    '  elif [ "$size" -gt "$off" ]; then tail -c +$((off + 1)) "$f" | head -c $((size - off))',
    '  fi',
    'done',
  ].join('\n');
  return cmd(
    'sh',
    '-c',
    script,
    'logs',
    lines,
    ...files.flatMap((f) => [f.id, f.file, f.offset === undefined ? '-' : f.offset]),
  );
}

/** Split a read's output by unit: each unit's size and text. Pure. */
function parseRead(out: string): Map<string, { size: number; text: string }> {
  const byUnit = new Map<string, { size: number; text: string }>();
  for (const chunk of out.split(SEP).slice(1)) {
    const nl = chunk.indexOf('\n');
    const [id, size] = chunk.slice(0, nl).split(' ');
    byUnit.set(id!, { size: Number(size), text: chunk.slice(nl + 1) });
  }
  return byUnit;
}

function unitsOf(
  dep: Deployment,
  service: string,
  hosts?: string[],
): Map<string, { id: string; file: string }[]> {
  const byHost = new Map<string, { id: string; file: string }[]>();
  for (const { unit } of selectUnits(dep.inventory, service, hosts)) {
    byHost.set(unit.host, [...(byHost.get(unit.host) ?? []), fileOf(dep, unit)]);
  }
  return byHost;
}

function fileOf(dep: Deployment, u: Unit): { id: string; file: string } {
  return { id: unitId(u), file: unitPaths(dep.name, u).logFile };
}

function toLines(id: string, host: string, text: string): LogLine[] {
  const lines = text.split('\n');
  if (lines.at(-1) === '') {
    lines.pop();
  }
  return lines.map((line) => ({ unit: id, host, line }));
}

export interface LogsOptions {
  hosts?: string[];
  /** Lines from the end of each log (default 50). */
  lines?: number;
  signal?: AbortSignal;
}

export async function readLogs(
  dep: Deployment,
  service: string,
  o: LogsOptions = {},
): Promise<LogsResult> {
  const byHost = unitsOf(dep, service, o.hosts);
  const out: LogLine[] = [];
  const results = await Promise.all(
    [...byHost].map(async ([host, files]) => {
      const [r] = await dep.quietExec([host], readCommand(files, o.lines ?? 50), {
        timeoutMs: 30_000,
        signal: o.signal,
      });
      if (r?.ok) {
        for (const [id, { text }] of parseRead(r.stdout)) {
          out.push(...toLines(id, host, text));
        }
      }
      return r!;
    }),
  );
  const ok = results.filter((r) => r.ok).map((r) => r.host);
  const unreachable = results
    .filter((r) => ['unreachable', 'auth', 'hostkey'].includes(r.failure?.kind ?? ''))
    .map((r) => r.host);
  return {
    lines: out,
    ok: new NodeSet(ok),
    unreachable: new NodeSet(unreachable),
    failed: new NodeSet(results.map((r) => r.host)).minus(ok).minus(unreachable),
  };
}

/** The last lines, then every new line as it is appended, until the signal fires. */
export async function followLogs(
  dep: Deployment,
  service: string,
  onLines: (lines: LogLine[]) => void,
  o: LogsOptions & { intervalMs?: number } = {},
): Promise<void> {
  const byHost = unitsOf(dep, service, o.hosts);
  const offsets = new Map<string, number | undefined>();
  while (!o.signal?.aborted) {
    await Promise.all(
      [...byHost].map(async ([host, files]) => {
        const want = files.map((f) => ({
          ...f,
          ...(offsets.has(f.id) ? { offset: offsets.get(f.id)! } : {}),
        }));
        const [r] = await dep.quietExec([host], readCommand(want, o.lines ?? 10), {
          timeoutMs: 30_000,
          signal: o.signal,
        });
        if (!r?.ok) {
          return;
        }
        const got: LogLine[] = [];
        for (const [id, { size, text }] of parseRead(r.stdout)) {
          const before = offsets.get(id);
          // A log that shrank was rotated or truncated: read it again from its start next time.
          offsets.set(id, before !== undefined && size < before ? 0 : size);
          got.push(...toLines(id, host, text));
        }
        if (got.length) {
          onLines(got);
        }
      }),
    );
    if (!(await pause(o.intervalMs ?? 1000, o.signal))) {
      break;
    }
  }
}
