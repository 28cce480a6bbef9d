// `backup verify`: a snapshot's files hashed again on its target and compared with the manifest
// written when it was published: files missing, changed and extra. Default: each series' latest.
import pLimit from 'p-limit';
import { cmd } from '../transport/command.js';
import { runOn, whyFailed, type BackupContext } from './context.js';
import type { Series, VerifyReport, VerifyResult } from './types.js';
import { SUMS_FUNCTIONS } from './remote/sums.js';

const MARK = '--SALVO-CURRENT--';
const VERIFY_SCRIPT = `
d=$1 s=$2
[ -n "$s" ] || s=$(readlink "$d/latest") || { echo "SALVO-NONE" >&2; exit 3; }
[ -f "$d/$s/INFO" ] || { echo "no snapshot $s in $d" >&2; exit 3; }
exec 8<"$d/$s/INFO"; flock -s 8
echo "SNAPSHOT $s"
cat "$d/$s/MANIFEST" || exit 1
echo "${MARK}"
${SUMS_FUNCTIONS}
cd "$d/$s/tree" && { plain -print | sums; odd -print0 | xargs -0 -r sha256sum; }
`;

export async function verifySeries(
  ctx: BackupContext,
  series: Series[],
  snapshot?: string,
): Promise<VerifyResult> {
  const limit = pLimit(8);
  const reports = await Promise.all(
    series.map((s) =>
      limit(async (): Promise<VerifyReport> => {
        const r = await runOn(
          ctx,
          s.target.host,
          cmd('sh', '-c', VERIFY_SCRIPT, 'salvo-verify', s.dir, snapshot ?? ''),
          {
            timeoutMs: 3_600_000,
          },
        );
        const base = {
          series: s.id,
          target: s.target.host,
          files: 0,
          missing: [],
          changed: [],
          extra: [],
        };
        if (!r.ok) {
          const none = /SALVO-NONE/.test(r.stderr);
          return { ...base, ok: false, error: none ? 'no snapshot yet' : whyFailed(r) };
        }
        return { ...base, ...compareManifest(r.stdout) };
      }),
    ),
  );
  return { reports, ok: reports.every((r) => r.ok) };
}

/** sha256sum lines (`HASH  ./path`, `\HASH  ./esc\\aped`) → path → hash. */
export function parseSums(text: string): Map<string, string> {
  const m = new Map<string, string>();
  for (const line of text.split('\n')) {
    const x = /^\\?([0-9a-f]{64}) [ *](.*)$/.exec(line);
    if (x) {
      m.set(x[2]!, x[1]!);
    }
  }
  return m;
}

/** The verify script's output → the comparison of manifest and files. */
export function compareManifest(
  stdout: string,
): Pick<VerifyReport, 'snapshot' | 'ok' | 'files' | 'missing' | 'changed' | 'extra'> {
  const snapshot = /^SNAPSHOT (\S+)$/m.exec(stdout)?.[1];
  const at = stdout.indexOf(`\n${MARK}\n`);
  const manifest = parseSums(at < 0 ? stdout : stdout.slice(0, at));
  const current = parseSums(at < 0 ? '' : stdout.slice(at + MARK.length + 2));
  const missing = [...manifest.keys()].filter((p) => !current.has(p));
  const changed = [...manifest]
    .filter(([p, h]) => current.has(p) && current.get(p) !== h)
    .map(([p]) => p);
  const extra = [...current.keys()].filter((p) => !manifest.has(p));
  return {
    ...(snapshot ? { snapshot } : {}),
    ok: missing.length + changed.length + extra.length === 0,
    files: manifest.size,
    missing,
    changed,
    extra,
  };
}
