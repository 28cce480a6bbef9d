// Per-host results for people (folded, like `clush -b`) and for scripts (one JSON line per host).
import { foldNodeSet } from '../../../inventory/nodeset.js';
import { quote } from '../../../transport/command.js';
import { groupOutputs } from '../../../fleet/fold.js';
import { tally } from '../../../fleet/outcome.js';
import type { CommandResult } from '../../../transport/types.js';

const RULE = '-'.repeat(15);

export function renderFolded(results: CommandResult[]): string {
  return groupOutputs(results)
    .map((g) => {
      const head = `${RULE}\n${g.nodeset} (${g.hosts.length}) ${g.status}\n${RULE}\n`;
      const err = g.stderr ? indentStderr(g.stderr) : '';
      return head + withNewline(g.stdout) + err;
    })
    .join('');
}

/**
 * Folded like `clush -b`, the two streams kept apart: stdout groups (with each group's status)
 * for our stdout, stderr groups for our stderr, so `2>/dev/null` hides remote errors.
 */
export function renderFoldedApart(results: CommandResult[]): { stdout: string; stderr: string } {
  const { stdout, stderr } = foldedPieces(results);
  return { stdout: stdout.join(''), stderr: stderr.join('') };
}

/** The same, piece by piece: written one by one, a flood is never copied into one string. */
export function foldedPieces(results: CommandResult[]): { stdout: string[]; stderr: string[] } {
  const groups = groupOutputs(results);
  const head = (nodeset: string, n: number, status?: string): string =>
    `${RULE}\n${nodeset} (${n})${status ? ` ${status}` : ''}\n${RULE}\n`;
  const stdout = groups.flatMap((g) => [
    head(g.nodeset, g.hosts.length, g.status),
    g.stdout,
    g.stdout === '' || g.stdout.endsWith('\n') ? '' : '\n',
  ]);
  // stderr folded on its own: hosts whose stderr is the same share one block.
  const byErr = new Map<string, string[]>();
  for (const g of groups) {
    if (g.stderr !== '') {
      byErr.set(g.stderr, [...(byErr.get(g.stderr) ?? []), ...g.hosts]);
    }
  }
  const stderr = [...byErr].flatMap(([text, hosts]) => [
    head(`${foldNodeSet(hosts)}`, hosts.length, 'stderr'),
    text,
    text.endsWith('\n') ? '' : '\n',
  ]);
  return { stdout: stdout.filter(Boolean), stderr: stderr.filter(Boolean) };
}

function withNewline(s: string): string {
  return s === '' || s.endsWith('\n') ? s : `${s}\n`;
}

function indentStderr(s: string): string {
  return withNewline(s)
    .split('\n')
    .slice(0, -1)
    .map((l) => `stderr: ${l}\n`)
    .join('');
}

export interface SummaryOptions {
  /** argv of the command to re-run on the failed hosts; `{nodeset}` is replaced. */
  retryHint?: string[];
}

export function renderSummary(results: CommandResult[], opts: SummaryOptions = {}): string {
  const t = tally(results);
  const line = (label: string, hosts: string[]): string =>
    hosts.length ? `${label}: ${foldNodeSet(hosts)} (${hosts.length})\n` : '';
  const retry = [...t.failed, ...t.unreachable, ...t.aborted];
  let out = `${RULE}\n${results.length} host${results.length === 1 ? '' : 's'}: ${t.ok.length} ok, ${t.failed.length} failed, ${t.unreachable.length} unreachable`;
  out += t.aborted.length ? `, ${t.aborted.length} aborted\n` : '\n';
  out += line('failed', t.failed) + line('unreachable', t.unreachable) + line('aborted', t.aborted);
  out += cutLine(results);
  if (retry.length && opts.retryHint) {
    const argv = opts.retryHint.map((a) => (a === '{nodeset}' ? foldNodeSet(retry) : a));
    out += `retry: ${argv.map(quote).join(' ')}\n`;
  }
  return out;
}

/** Hosts whose output was too large to keep whole: its first and last bytes are shown. */
function cutLine(results: CommandResult[]): string {
  const cut = results.filter((r) => r.dropped && r.dropped.stdout + r.dropped.stderr > 0);
  if (!cut.length) {
    return '';
  }
  const bytes = cut.reduce((n, r) => n + r.dropped!.stdout + r.dropped!.stderr, 0);
  return `output cut: ${foldNodeSet(cut.map((r) => r.host))} (${cut.length}): ${mib(bytes)} in the middle not kept (the first and last bytes are shown)\n`;
}

const mib = (bytes: number): string => `${(bytes / 2 ** 20).toFixed(1)} MiB`;

/** One host's result; `at`: when it finished (ms since the epoch), printed as ISO time. */
export function jsonLine(r: CommandResult, at?: number): string {
  return `${JSON.stringify({
    ...(at !== undefined ? { at: new Date(at).toISOString() } : {}),
    host: r.host,
    ok: r.ok,
    exitCode: r.exitCode,
    signal: r.signal,
    durationMs: r.durationMs,
    failure: r.failure ?? null,
    stdout: r.stdout,
    stderr: r.stderr,
    ...(r.dropped ? { dropped: r.dropped } : {}),
  })}\n`;
}
