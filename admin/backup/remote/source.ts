// The source side: one sh script per source node that pushes each of its series with rsync over
// SSH to the target, through the target-side receiver (receive.ts) as `--rsync-path`. The same
// text is what `salvo backup run` sends and what `salvo backup cron install` writes to the node,
// so a run from cron behaves exactly like one from the admin machine.
//
//   SCRIPT [--scheduled] [--setup] [--log FILE] [--wait SECONDS] [SET...]
// prints one line per series: SALVO-RESULT <tab> id <tab> target <tab>
// ok|locked|failed|unreachable|unauthorized <tab> rsync exit <tab> ms <tab> detail (snapshot files
// bytes | holder JSON | message), after a commit SALVO-SNAPS <tab> id <tab> latest name… (the
// series' complete snapshots, for the run's prune), and exits 0 (all ok), 75 (some locked, none
// failed) or 1 (some failed).
//
// A cassandra set: before its series, `nodetool snapshot -t salvo-SET-TIME-PID [KS…]` on this
// node; the snapshot's directories DATA/<ks>/<table>-<id>/snapshots/<tag>/ are hard-linked into a
// stage DATA/.salvo-backup-<tag>/<ks>/<table>-<id>/ (same file system, no copy; a layout that
// stays the same from run to run, so --link-dest links unchanged SSTables), which each series
// pushes like a path; after the set's last series, whatever happened to them, the stage is
// removed and `nodetool clearsnapshot -t <tag>`. The EXIT trap does the same when the script is
// interrupted (INT, TERM, HUP: the admin's SSH session gone).
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
  /** Where a scheduled run (--scheduled) reads the maintenance switch: the lock host's file. */
  maintenance?: { host: string; address: string; port: number; user: string; file: string };
}

/** Exit code of a scheduled run skipped because maintenance is on (`salvo maintenance on`). */
export const MAINTENANCE_EXIT = 6;

const BODY = String.raw`
set -u
NL='
'
wait=0 log= scheduled= setup=
while [ $# -gt 0 ]; do
  case $1 in
    --log) log=$2; shift 2 ;;
    --wait) wait=$2; shift 2 ;;
    --scheduled) scheduled=1; shift ;;
    --setup) setup=1; shift ;;
    --) shift; break ;;
    -*) echo "usage: $0 [--scheduled] [--setup] [--log FILE] [--wait SECONDS] [SET...]" >&2; exit 2 ;;
    *) break ;;
  esac
done
sets="$*"
if [ -n "$log" ]; then
  if [ -f "$log" ] && [ "$(stat -c %s "$log")" -gt "$logmax" ]; then mv -f "$log" "$log.1"; fi
  exec >>"$log" 2>&1
  echo "== $(date -u +%Y-%m-%dT%H:%M:%SZ) salvo-backup on $me: sets $sets"
fi
# --setup (the admin's run): this node's key, made here if missing (the private key never leaves
# it), and the known_hosts of its targets from stdin; prints the public key for the admin to
# authorize on a target that refuses it (result "unauthorized").
if [ -n "$setup" ]; then
  ( umask 077
    [ -d "${'$'}{key%/*}" ] || mkdir -p "${'$'}{key%/*}" || exit 1
    [ -f "$key" ] || ssh-keygen -q -t ed25519 -N "" -C "salvo-backup@$me" -f "$key" </dev/null >/dev/null || exit 1
    # Rewritten only when it changed (read by the shell itself: a few lines, no process).
    new= cur=
    while IFS= read -r l || [ -n "$l" ]; do new="$new$l$NL"; done
    [ -f "$kh" ] && while IFS= read -r l || [ -n "$l" ]; do cur="$cur$l$NL"; done <"$kh"
    [ "$new" = "$cur" ] || { printf '%s' "$new" >"$kh.tmp" && mv -f "$kh.tmp" "$kh"; } ) \
    || { echo "salvo-backup: could not set up $key on $me" >&2; exit 1; }
  read -r pub <"$key.pub" && echo "SALVO-PUBKEY $pub"
fi
ssh="ssh -i $key -o IdentitiesOnly=yes -o BatchMode=yes -o StrictHostKeyChecking=yes -o UserKnownHostsFile=$kh -o ConnectTimeout=10 -o ServerAliveInterval=5 -o ServerAliveCountMax=3"
# A scheduled run (cron) skips while maintenance is on: the switch is a file on the lock host.
# A lock host that cannot be asked does not stop backups (the run goes on, and says so).
if [ -n "$scheduled" ] && [ -n "$mhost" ]; then
  mcheck='if [ -e "$1" ]; then echo SALVO-MAINTENANCE $(cat "$1"); else echo SALVO-NORMAL; fi'
  if [ "$mhost" = "$me" ]; then
    m=$(sh -c "$mcheck" sh "$mfile" 2>&1)
  else
    m=$($ssh -p "$mport" -l "$muser" "$maddr" "sh -c '$mcheck' sh '$mfile'" </dev/null 2>&1)
  fi
  case $m in
    SALVO-MAINTENANCE*)
      echo "SALVO-SKIPPED maintenance is on ($mhost:$mfile): $(printf '%s' "$m" | sed 's/^SALVO-MAINTENANCE //')"
      [ -n "$log" ] && echo "== $(date -u +%Y-%m-%dT%H:%M:%SZ) exit ${MAINTENANCE_EXIT}"
      exit ${MAINTENANCE_EXIT} ;;
    SALVO-NORMAL) ;;
    *) echo "salvo-backup: could not read the maintenance switch on $mhost, backing up: $(printf '%s' "$m" | tail -n 1)" ;;
  esac
fi
tmp=$(mktemp -d) || exit 1
cass_tag= cass_err= cass_stage= cass_nt=
# The work files go in the background: the admin's session ends with this shell.
trap 'cass_end; rm -rf "$tmp" </dev/null >/dev/null 2>&1 &' EXIT
trap 'exit 130' INT
trap 'exit 143' TERM HUP
want() {
  [ -z "$sets" ] && return 0
  for s in $sets; do [ "$s" = "$1" ] && return 0; done
  return 1
}
worst=0
k=0 uid=${'$'}{USER:-$(id -un)}
one() {
  id=$1 set=$2 t=$3 addr=$4 port=$5 user=$6 dir=$7; shift 7
  want "$set" || return 0
  k=$((k + 1)) cm="$tmp/cm$k" cv="$tmp/cv$k"
  # The run's start for this series: a file rsync sent that was modified after it may have been
  # read half old, half new (reported with the result, as tar's "file changed as we read it").
  : >"$tmp/m$k"
  # The connection to the target first: its handshake is most of a small run's time, and what
  # follows until rsync needs it is done meanwhile. Once up it forks to the background
  # (ControlPersist), so the exit of this process says whether it is; the transfer and the commit
  # are sessions on it, and it ends by itself 2 s after the last one.
  $ssh -p "$port" -l "$user" -o ControlMaster=yes -o ControlPersist=2 -o ControlPath="$cm" -N "$addr" \
    </dev/null >/dev/null 2>"$tmp/err" &
  mpid=$!
  read -r up0 _ </proc/uptime
  now=$(date -u '+%Y-%m-%dT%H%M%SZ %Y-%m-%dT%H:%M:%SZ')
  name=${'$'}{now%% *} at=${'$'}{now#* }
  holder="{\"host\":\"$me\",\"pid\":$$,\"user\":\"$uid\",\"startedAt\":\"$at\",\"what\":\"backup $id\"}"
  # The commit's session waits for its verb on its stdin, the fifo cv: opened as soon as the
  # connection is up, so nothing is set up after rsync. (Its stdin is this shell's read-write fd
  # of the fifo, so a verb written before it starts is kept; the remote end reads one line, and
  # the session is killed when nothing was staged.)
  mkfifo "$cv" && exec 5<>"$cv"
  cpid=
  if wait "$mpid"; then
    $ssh -p "$port" -l "$user" -o ControlPath="$cm" "$addr" "$commit '$dir' '$name'" \
      <&5 >"$tmp/commit" 2>"$tmp/commit.err" &
    cpid=$!
    rsync -aH --numeric-ids -R --timeout=120 \
      -e "$ssh -p $port -l $user -o ControlMaster=no -o ControlPath=$cm" \
      --rsync-path="$recv '$dir' '$name' '$holder' $wait" --out-format=%n "$@" "$addr:$dir/.tmp-$name/tree/" \
      </dev/null >"$tmp/sent$k" 2>"$tmp/err"
    rc=$?
  else
    # No connection: ssh's own message (in err) is what rsync would have passed on.
    rc=255
  fi
  # The receiver's last status line (kind, then what follows it), and rsync's last 3 messages
  # (read by the shell itself: the file is a few lines).
  kind= payload= e1= e2= e3=
  while IFS= read -r line; do
    case $line in
      SALVO-STAGED\ *|SALVO-LOCKED\ *|SALVO-NOTPUBLISHED\ *)
        kind=${'$'}{line%% *} payload=${'$'}{line#* }; kind=${'$'}{kind#SALVO-} ;;
      "rsync error: "*"[sender="*) ;;
      *) e3=$e2 e2=$e1 e1=$line ;;
    esac
  done <"$tmp/err"
  errs=
  for e in "$e3" "$e2" "$e1"; do [ -n "$e" ] && errs="$errs$e "; done
  snaps=
  if [ "$kind" = STAGED ]; then
    case $rc in 0|24) verb=commit ;; *) verb=abort ;; esac
    printf '%s\n' "$verb" >&5; exec 5>&-
    wait "$cpid"
    # That session never came (its master gone): a new connection.
    [ -s "$tmp/commit" ] || $ssh -p "$port" -l "$user" -o ControlPath="$cm" "$addr" \
      "$commit '$dir' '$name' $verb" </dev/null >"$tmp/commit" 2>"$tmp/commit.err"
    res= snaps=
    { read -r res; read -r snaps; } <"$tmp/commit"
    snaps=${'$'}{snaps#SNAPS }
    [ -n "$res" ] || res="not published: $(tail -n 1 "$tmp/commit.err")"
    case $res in published\ *) pub=yes ;; *) pub= ;; esac
    if [ "$verb" = commit ] && [ -n "$pub" ]; then
      # NAME FILES BYTES: the name it was published under (a later second when another run had
      # this one), and what the snapshot holds.
      st=ok detail=${'$'}{res#published }
      [ -n "$errs" ] && detail="$detail $errs"
      # The files it sent that changed since the start: each may mix old and new.
      changed "$tmp/m$k" "$tmp/sent$k" "$@" >"$tmp/chg$k"
      if [ -s "$tmp/chg$k" ]; then
        cn=0 few=
        while IFS= read -r f; do
          cn=$((cn + 1)); [ "$cn" -le 5 ] && few="$few $f"
        done <"$tmp/chg$k"
        detail="$detail changed during the backup, the copy may mix old and new: $cn file(s):$few"
      fi
    else
      st=failed detail="nothing published: rsync exit $rc on $me: $errs"
      [ "$verb" = commit ] && detail="nothing published: ${'$'}{res#not published: }"
    fi
  else
    [ -z "$cpid" ] || kill "$cpid" 2>/dev/null; exec 5>&-; [ -z "$cpid" ] || wait "$cpid" 2>/dev/null
  fi
  if [ "$kind" = STAGED ]; then :
  elif [ "$kind" = LOCKED ]; then
    st=locked detail=$payload
  # No receiver ran: ssh's own error (rsync then exits 255 or 12, whichever it sees first).
  elif [ -z "$kind" ] && grep -q 'Permission denied (publickey' "$tmp/err"; then
    st=unauthorized detail="$t refuses $me's backup key: $errs"
  elif [ -z "$kind" ] && grep -Eq '^ssh: (connect to host|Could not resolve)' "$tmp/err"; then
    st=unreachable detail="$t: $errs"
  else
    st=failed detail="$errs"
    [ -z "$detail" ] && [ "$kind" = NOTPUBLISHED ] && detail=$payload
    [ -z "$detail" ] && detail="rsync exit $rc, nothing published"
  fi
  read -r up1 _ </proc/uptime
  ms=$(( ${'$'}{up1%.*}${'$'}{up1#*.}0 - ${'$'}{up0%.*}${'$'}{up0#*.}0 ))
  printf 'SALVO-RESULT\t%s\t%s\t%s\t%s\t%s\t%s\n' "$id" "$t" "$st" "$rc" "$ms" "$detail"
  [ -n "$snaps" ] && printf 'SALVO-SNAPS\t%s\t%s\n' "$id" "$snaps"
  case $st in
    locked) [ "$worst" = 0 ] && worst=${LOCKED_EXIT} ;;
    ok) ;;
    *) worst=1 ;;
  esac
}
# changed MARKER SENT RSYNC-ARGS...: the names in SENT (rsync's --out-format=%n list: absolute
# paths, or relative to the part before a /./ of a path argument) of files modified after MARKER,
# by the shell's own test: no process, the list of an incremental run is short.
changed() {
  cm_m=$1 cm_s=$2; shift 2
  cm_b=
  for a in "$@"; do case $a in --*) ;; */./*) cm_b="$cm_b${'$'}{a%%/./*}$NL" ;; esac; done
  set -f; cm_i=$IFS
  while IFS= read -r f; do
    case $f in
      */) ;;
      /*) [ "$f" -nt "$cm_m" ] && printf '%s\n' "$f" ;;
      *) IFS=$NL; for b in $cm_b; do [ "$b/$f" -nt "$cm_m" ] && { printf '%s\n' "$f"; break; }; done; IFS=$cm_i ;;
    esac
  done <"$cm_s"
  set +f
}
cass_begin() {
  cass_set=$1 cass_data=$2 cass_nt=$3; shift 3
  cass_tag= cass_err=
  want "$cass_set" || return 0
  tag=salvo-$cass_set-$(date -u +%Y%m%dT%H%M%SZ)-$$
  if ! $cass_nt snapshot -t "$tag" "$@" </dev/null >"$tmp/nt" 2>&1; then
    cass_err="nodetool snapshot on $me failed: $(tail -n 2 "$tmp/nt" | tr '\t\n\r' '   ')"
    $cass_nt clearsnapshot -t "$tag" </dev/null >/dev/null 2>&1
    return 0
  fi
  cass_tag=$tag cass_stage=$cass_data/.salvo-backup-$tag
  find "$cass_data" -mindepth 4 -maxdepth 4 -type d -path "*/snapshots/$tag" >"$tmp/dirs" 2>/dev/null
  [ -s "$tmp/dirs" ] || cass_err="nodetool snapshot -t $tag made no directory under $cass_data on $me"
  while [ -z "$cass_err" ] && IFS= read -r d; do
    rel=$(printf '%s\n' "$d" | awk -v p="$cass_data/" '{ print substr($0, length(p) + 1) }' | sed 's|/snapshots/[^/]*$||')
    mkdir -p "$cass_stage/$rel" && cp -al "$d/." "$cass_stage/$rel/" 2>"$tmp/cp" \
      || cass_err="staging $rel on $me failed: $(head -c 200 "$tmp/cp")"
  done <"$tmp/dirs"
}
cass_one() {
  want "$2" || return 0
  if [ -n "$cass_err" ] || [ -z "$cass_tag" ]; then
    printf 'SALVO-RESULT\t%s\t%s\tfailed\t0\t0\t%s\n' "$1" "$3" "nothing published: $cass_err"
    worst=1
    return 0
  fi
  one "$@" "$cass_stage/./"
}
cass_end() {
  [ -n "$cass_tag" ] || return 0
  rm -rf "$cass_stage"
  $cass_nt clearsnapshot -t "$cass_tag" </dev/null >"$tmp/nt" 2>&1 \
    || echo "salvo-backup: nodetool clearsnapshot -t $cass_tag on $me failed: $(tail -n 2 "$tmp/nt")" >&2
  cass_tag=
}
`;

/** The whole script for one source node (its series only). */
export function sourceScript(series: Series[], o: SourceScriptOptions): string {
  const recv = `sh -c ${quote(RECEIVE_SCRIPT)} salvo-receive`;
  const commit = `sh -c ${quote(COMMIT_SCRIPT)} salvo-commit`;
  // Each cassandra set's nodetool, as a shell function (nt_0 …): the argv the services file gives.
  const nodetools = new Map<string, string>();
  const lines: string[] = [];
  series.forEach((s, i) => {
    const c = s.cassandra;
    if (c && series[i - 1]?.set !== s.set) {
      const fn = `nt_${nodetools.size}`;
      // Real nodetool starts a JVM and can hang on JMX: 10 minutes at most per call.
      nodetools.set(
        s.set,
        `${fn}() { timeout 600 ${c.nodetool.map((a) => quote(a)).join(' ')} "$@"; }`,
      );
      lines.push(
        ['cass_begin', s.set, c.dataDir, fn, ...c.keyspaces].map((a) => quote(a)).join(' '),
      );
    }
    lines.push(seriesLine(s));
    if (c && series[i + 1]?.set !== s.set) {
      lines.push('cass_end');
    }
  });
  return [
    '#!/bin/sh',
    `# salvo backup of ${o.host} (deployment ${o.deployment}). Written by salvo: edit the rules, not this file.`,
    `# Usage: $0 [--scheduled] [--setup] [--log FILE] [--wait SECONDS] [SET...]; exit 0 ok, ${LOCKED_EXIT} locked, 1 failed,`,
    `# ${MAINTENANCE_EXIT} skipped (--scheduled, the run cron starts, while salvo maintenance is on).`,
    `me=${quote(o.host)} key=${quote(KEY_FILE)} kh=${quote(KNOWN_HOSTS_FILE)} logmax=${o.logMaxBytes}`,
    o.maintenance
      ? `mhost=${quote(o.maintenance.host)} maddr=${quote(o.maintenance.address)} mport=${o.maintenance.port} muser=${quote(o.maintenance.user)} mfile=${quote(o.maintenance.file)}`
      : 'mhost=',
    `recv=${quote(recv)}`,
    `commit=${quote(commit)}`,
    ...nodetools.values(),
    BODY.trim(),
    ...lines,
    '[ -n "$log" ] && echo "== $(date -u +%Y-%m-%dT%H:%M:%SZ) exit $worst"',
    'exit "$worst"',
    '',
  ].join('\n');
}

/** One series: `one ID SET TARGET ADDR PORT USER DIR [rsync options…] PATHS…` (cass_one: no paths). */
function seriesLine(s: Series): string {
  return [
    s.cassandra ? 'cass_one' : 'one',
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
    .join(' ');
}

/** Parse the SALVO-RESULT lines of a source script's output. */
export interface ScriptResult {
  id: string;
  target: string;
  status: 'ok' | 'locked' | 'failed' | 'unreachable' | 'unauthorized';
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
    if (!['ok', 'locked', 'failed', 'unreachable', 'unauthorized'].includes(status)) {
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

/** A series' snapshots after its commit (SALVO-SNAPS lines): id → latest and the complete ones. */
export function parseScriptSnapshots(
  stdout: string,
): Map<string, { snapshots: string[]; latest: string }> {
  const out = new Map<string, { snapshots: string[]; latest: string }>();
  for (const line of stdout.split('\n')) {
    const f = line.split('\t');
    if (f[0] === 'SALVO-SNAPS' && f.length === 3) {
      const [latest = '', ...snapshots] = f[2]!.trim().split(' ');
      out.set(f[1]!, {
        latest: latest === '-' ? '' : latest,
        snapshots: snapshots.filter(Boolean),
      });
    }
  }
  return out;
}

/** The node's public backup key, printed by a --setup run. */
export function parseScriptPubkey(stdout: string): string | undefined {
  return /^SALVO-PUBKEY (ssh-ed25519 \S+.*)$/m.exec(stdout)?.[1]?.trim();
}
