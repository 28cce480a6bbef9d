// The source side: one sh script per source node that pushes each of its series with rsync over
// SSH to the target, through the target-side receiver (receive.ts) as `--rsync-path`. The same
// text is what `salvo backup run` sends and what `salvo backup cron install` writes to the node,
// so a run from cron behaves exactly like one from the admin machine.
//
//   SCRIPT [--log FILE] [--wait SECONDS] [SET...]
// prints one line per series: SALVO-RESULT <tab> id <tab> target <tab> ok|locked|failed <tab>
// rsync exit <tab> ms <tab> detail (snapshot files bytes | holder JSON | message), and exits
// 0 (all ok), 75 (some locked, none failed) or 1 (some failed).
import { quote } from '../../transport/command.js';
import type { Series } from '../types.js';
import { COMMIT_SCRIPT, LOCKED_EXIT, RECEIVE_SCRIPT } from './receive.js';

/** The key a source node dials its targets with, and the host keys it trusts for them. */
export const KEY_FILE = '/root/.ssh/salvo-backup';
export const KNOWN_HOSTS_FILE = '/root/.ssh/salvo-backup.known_hosts';

export interface SourceScriptOptions {
  deployment: string;
  host: string;
  logMaxBytes: number;
}

const BODY = String.raw`
set -u
wait=0 log=
while [ $# -gt 0 ]; do
  case $1 in
    --log) log=$2; shift 2 ;;
    --wait) wait=$2; shift 2 ;;
    --) shift; break ;;
    -*) echo "usage: $0 [--log FILE] [--wait SECONDS] [SET...]" >&2; exit 2 ;;
    *) break ;;
  esac
done
sets="$*"
if [ -n "$log" ]; then
  if [ -f "$log" ] && [ "$(stat -c %s "$log")" -gt "$logmax" ]; then mv -f "$log" "$log.1"; fi
  exec >>"$log" 2>&1
  echo "== $(date -u +%Y-%m-%dT%H:%M:%SZ) salvo-backup on $me: sets $sets"
fi
tmp=$(mktemp -d) || exit 1
trap 'rm -rf "$tmp"' EXIT
trap 'exit 130' INT
trap 'exit 143' TERM HUP
ssh="ssh -i $key -o IdentitiesOnly=yes -o BatchMode=yes -o StrictHostKeyChecking=yes -o UserKnownHostsFile=$kh -o ConnectTimeout=10 -o ServerAliveInterval=5 -o ServerAliveCountMax=3"
want() {
  [ -z "$sets" ] && return 0
  for s in $sets; do [ "$s" = "$1" ] && return 0; done
  return 1
}
worst=0
one() {
  id=$1 set=$2 t=$3 addr=$4 port=$5 user=$6 dir=$7; shift 7
  want "$set" || return 0
  name=$(date -u +%Y-%m-%dT%H%M%SZ)
  start=$(date +%s%3N)
  holder="{\"host\":\"$me\",\"pid\":$$,\"user\":\"$(id -un)\",\"startedAt\":\"$(date -u +%Y-%m-%dT%H:%M:%SZ)\",\"what\":\"backup $id\"}"
  rsync -aH --numeric-ids -R --timeout=120 -e "$ssh -p $port -l $user" \
    --rsync-path="$recv '$dir' '$name' '$holder' $wait" "$@" "$addr:$dir/.tmp-$name/tree/" \
    </dev/null >/dev/null 2>"$tmp/err"
  rc=$?
  errs=$(grep -v '^SALVO-' "$tmp/err" | grep -v '^rsync error: .*\[sender=' | tail -n 3 | tr '\t\n\r' '   ')
  if grep -q '^SALVO-STAGED ' "$tmp/err"; then
    staged=$(sed -n 's/^SALVO-STAGED //p' "$tmp/err" | tail -n 1)
    case $rc in 0|24) verb=commit ;; *) verb=abort ;; esac
    res=$($ssh -p "$port" -l "$user" "$addr" "$commit '$dir' '$name' $verb" </dev/null 2>&1 | tail -n 1)
    if [ "$verb" = commit ] && [ "$res" = published ]; then
      st=ok detail="$staged"
      [ -n "$errs" ] && detail="$detail $errs"
    else
      st=failed detail="nothing published: rsync exit $rc on $me: $errs"
      [ "$verb" = commit ] && detail="nothing published: $res"
    fi
  elif grep -q '^SALVO-LOCKED ' "$tmp/err"; then
    st=locked detail=$(sed -n 's/^SALVO-LOCKED //p' "$tmp/err" | tail -n 1)
  else
    st=failed detail="$errs"
    [ -z "$detail" ] && detail=$(sed -n 's/^SALVO-NOTPUBLISHED //p' "$tmp/err" | tail -n 1)
    [ -z "$detail" ] && detail="rsync exit $rc, nothing published"
  fi
  ms=$(( $(date +%s%3N) - start ))
  printf 'SALVO-RESULT\t%s\t%s\t%s\t%s\t%s\t%s\n' "$id" "$t" "$st" "$rc" "$ms" "$detail"
  case $st in
    failed) worst=1 ;;
    locked) [ "$worst" = 0 ] && worst=${LOCKED_EXIT} ;;
  esac
}
`;

/** The whole script for one source node (its series only). */
export function sourceScript(series: Series[], o: SourceScriptOptions): string {
  const recv = `sh -c ${quote(RECEIVE_SCRIPT)} salvo-receive`;
  const commit = `sh -c ${quote(COMMIT_SCRIPT)} salvo-commit`;
  const lines = series.map((s) =>
    [
      'one',
      s.id,
      s.set,
      s.target.host,
      s.target.address,
      s.target.port,
      s.target.user,
      s.dir,
      ...(s.bwlimit ? [`--bwlimit=${s.bwlimit}`] : []),
      ...s.exclude.map((e) => `--exclude=${e}`),
      ...s.paths,
    ]
      .map((p) => quote(String(p)))
      .join(' '),
  );
  return [
    '#!/bin/sh',
    `# salvo backup of ${o.host} (deployment ${o.deployment}). Written by salvo: edit the rules, not this file.`,
    `# Usage: $0 [--log FILE] [--wait SECONDS] [SET...]; exit 0 ok, ${LOCKED_EXIT} locked, 1 failed.`,
    `me=${quote(o.host)} key=${quote(KEY_FILE)} kh=${quote(KNOWN_HOSTS_FILE)} logmax=${o.logMaxBytes}`,
    `recv=${quote(recv)}`,
    `commit=${quote(commit)}`,
    BODY.trim(),
    ...lines,
    '[ -n "$log" ] && echo "== $(date -u +%Y-%m-%dT%H:%M:%SZ) exit $worst"',
    'exit "$worst"',
    '',
  ].join('\n');
}

/** Parse the SALVO-RESULT lines of a source script's output. */
export interface ScriptResult {
  id: string;
  target: string;
  status: 'ok' | 'locked' | 'failed';
  rsyncExit: number;
  durationMs: number;
  detail: string;
}

export function parseScriptResults(stdout: string): ScriptResult[] {
  const out: ScriptResult[] = [];
  for (const line of stdout.split('\n')) {
    const f = line.split('\t');
    if (f[0] !== 'SALVO-RESULT' || f.length < 7) {
      continue;
    }
    const status = f[3] as ScriptResult['status'];
    if (status !== 'ok' && status !== 'locked' && status !== 'failed') {
      continue;
    }
    out.push({
      id: f[1]!,
      target: f[2]!,
      status,
      rsyncExit: Number(f[4]),
      durationMs: Number(f[5]),
      detail: f.slice(6).join('\t').trim(),
    });
  }
  return out;
}
