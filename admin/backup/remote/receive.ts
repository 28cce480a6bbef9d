// The target side of one backup transfer, run by the source's rsync as its `--rsync-path`: the
// SSH channel that carries rsync's data also holds the series lock (flock on DIR/.lock), so the
// kernel drops the lock when that channel's processes die, whoever dies first. Under the lock it
// writes the holder record, clears leftovers of killed runs, lets rsync fill DIR/.tmp-NAME/tree,
// and only if rsync ended 0 leaves a waiter that writes the manifest and publishes by rename when
// the source commits. Nothing here reads stdin or writes stdout: both are rsync's protocol stream.
//
// Arguments: DIR NAME HOLDER WAIT (seconds; 0 = fail at once), then rsync's own (`--server …`).
// Status lines on stderr, which the source's rsync passes through: SALVO-LOCKED <holder json>,
// SALVO-STAGED <name> (received; its manifest is being made), SALVO-NOTPUBLISHED <why>. A staged
// snapshot is published only when the source, whose rsync may have failed on its own side,
// commits it (two-phase), and only with its manifest written.
import { SUMS_FUNCTIONS } from './sums.js';

/** Exit code of a run that found its series locked (BSD sysexits EX_TEMPFAIL, as restic/borg-ish tools). */
export const LOCKED_EXIT = 75;

/** How long a staged snapshot waits for its source's commit. */
export const COMMIT_WAIT_S = 60;

export const RECEIVE_SCRIPT = String.raw`
d=$1 n=$2 h=$3 w=$4; shift 4
[ -d "$d" ] || mkdir -p "$d" || exit 1
exec 9>>"$d/.lock"
if [ "$w" = 0 ]; then flock -n 9; else flock -w "$w" 9; fi || {
  echo "SALVO-LOCKED $(cut -d' ' -f2- "$d/.holder" 2>/dev/null || echo '{}')" >&2; exit ${LOCKED_EXIT}; }
# One small write (no temporary file and rename: a process less before the transfer); it is only
# read while the lock is held, and a reader that came between the truncation and the write would
# report the holder unreadable, not wrong.
printf '%s %s\n' "$$" "$h" > "$d/.holder" || exit 1
# Leftovers of killed runs (a fork only when there are any). A result and its done-lock are read
# and removed by their source's commit right after the lock passes on: old ones are orphans.
for x in "$d"/.tmp-* "$d"/.ctl-* "$d"/.rtmp-* "$d/.latest.tmp"; do
  if [ -e "$x" ] || [ -L "$x" ]; then rm -rf "$d"/.tmp-* "$d"/.ctl-* "$d"/.rtmp-* "$d/.latest.tmp"; break; fi
done
for x in "$d"/.result-* "$d"/.done-*; do
  if [ -e "$x" ]; then find "$d" -maxdepth 1 \( -name '.result-*' -o -name '.done-*' \) -mmin +10 -delete 2>/dev/null; break; fi
done
# The snapshot and, beside it, the manifest's work files (never published).
t="$d/.tmp-$n" wk="$d/.tmp-$n.work"
mkdir "$t" "$wk" || exit 1
prev=
[ -d "$d/latest/tree" ] && prev="$d/latest"
${SUMS_FUNCTIONS}
# The commit channel (see below) is made while the data flows: a fifo, and the done-lock taken by
# a flock whose lock stays with this shell's fd 8 when it exits.
mkfifo "$d/.ctl-$n" & cf=$!
exec 8>"$d/.done-$n" && { flock 8 & cl=$!; }
rsync ${'$'}{prev:+"--link-dest=$prev/tree"} "$@" 8>&-; rc=$?
if [ "$rc" != 0 ]; then
  echo "SALVO-NOTPUBLISHED rsync exit $rc on $(hostname); $(df -Pk "$d" | awk 'NR == 2 { print $6 ": " $4 " KiB free of " $2 }')" >&2
  rm -f "$d/.holder"; exit "$rc"
fi
# The receiving side is complete; the sending side may still have failed (a path it could not
# read: rsync 23 on the source only). A waiter keeps the lock (fd 9) and publishes only when the
# source commits (COMMIT_SCRIPT): it reads the verb from the fifo .ctl-NAME (held open here, so a
# verb written before the waiter reads is kept), discards on abort or after ${COMMIT_WAIT_S}s of
# silence, and holds .done-NAME locked until its result is written, for the commit to wait on.
wait "$cf" && wait "$cl" && exec 6<>"$d/.ctl-$n" \
  || { echo "SALVO-NOTPUBLISHED no commit channel on $(hostname)" >&2; rm -f "$d/.holder"; exit 1; }
echo "SALVO-STAGED $n" >&2
( # Made while the source's rsync ends and it answers, before the verb is read (the lock is held
  # throughout): MANIFEST, with the snapshot durable (sums.ts: one syncfs, or an fsync of each new
  # file when the file system has much else dirty); the name to publish under (two runs that
  # started in the same second, one having waited for the other's lock, chose the same name: this
  # one goes one second later); INFO naming it; MANIFEST and INFO on disk; the new latest link.
  # The commit's deadline: a watchdog that writes "timeout" into the fifo (the shell's own read
  # below then needs no process of its own), killed with its sleep once a verb came.
  ( trap 'kill $s 2>/dev/null; exit 0' TERM; sleep ${COMMIT_WAIT_S} 6>&- & s=$!; wait $s; echo timeout >&6 ) 8>&- 9>&- & wd=$!
  r= p=$n
  while [ -e "$d/$p" ]; do
    s=$(date -u -d "$(echo "$p" | sed 's/T\(..\)\(..\)\(..\)Z$/ \1:\2:\3Z/')" +%s) || break
    p=$(date -u -d "@$((s + 1))" +%Y-%m-%dT%H%M%SZ)
  done
  ln -sfn "$p" "$d/.latest.tmp" & lp=$!
  if manifest "$t" "$prev" "$wk" 2>"$wk/err" && read -r files bytes <"$wk/.count"; then
    printf '{"name":"%s","files":%s,"bytes":%s,"holder":%s}\n' "$p" "$files" "$bytes" "$h" >"$t/INFO" \
      && sync "$t/MANIFEST" "$t/INFO" \
      || r="not published: MANIFEST and INFO could not be written to disk"
  else
    r="not published: manifest: $(head -c 300 "$wk/err" 2>/dev/null | tr '\n' ' ')"
  fi
  v=
  read -r v <&6
  kill "$wd" 2>/dev/null
  exec 6<&-
  wait "$lp" || r=${'$'}{r:-"not published: the latest link could not be made"}
  if [ -n "$r" ]; then :
  elif [ "$v" != commit ]; then r="not published: no commit"
  elif mv -T "$t" "$d/$p" && mv -fT "$d/.latest.tmp" "$d/latest"; then r="published $p $files $bytes"
  else r="not published: rename failed"
  fi
  # The commit reads the result once the done-lock is let go; the cleanup comes after.
  printf '%s\n' "$r" > "$d/.result-$n"
  exec 8>&-
  rm -rf "$t" "$wk" "$d/.latest.tmp" "$d/.ctl-$n" "$d/.done-$n" "$d/.holder"
) </dev/null >/dev/null 2>&1 &
exit 0
`;

/**
 * Run by the source over SSH (the transfer's own connection, multiplexed), opened while the data
 * flows: DIR NAME [commit|abort], the verb as the third argument or else the first line of stdin
 * (nothing: the transfer never staged, nothing to do) → the outcome on its first line
 * (`published NAME FILES BYTES` or `not published: …`), then `SNAPS LATEST NAME…`: the series'
 * complete snapshots, for the run's prune. It waits for the waiter's result as long as the waiter
 * lives (the manifest of a large first run takes a while); a waiter that dies lets go of its lock.
 */
export const COMMIT_SCRIPT = String.raw`
d=$1 n=$2 v=${'$'}{3:-}
[ -n "$v" ] || read -r v || exit 0
set -- "$1" "$2" "$v"
if [ -p "$d/.ctl-$n" ] && exec 7<>"$d/.ctl-$n"; then printf '%s\n' "$3" >&7; exec 7>&-; fi
# Taking the done-lock shared means the waiter has let it go, its result written. (The lock on an
# fd flock gets from the shell: no second process; gone, it was let go already.)
flock -s 7 7<"$d/.done-$n" 2>/dev/null
r=
read -r r 2>/dev/null <"$d/.result-$n"
echo "${'$'}{r:-not published: no answer}"
rm -f "$d/.result-$n" "$d/.done-$n" </dev/null >/dev/null 2>&1 &
case $r in "published "*) lt=${'$'}{r#published }; lt=${'$'}{lt%% *} ;; *) lt=$(readlink "$d/latest" 2>/dev/null) ;; esac
l=
for s in "$d"/*/INFO; do
  s=${'$'}{s%/INFO}; s=${'$'}{s##*/}
  [ "$s" = latest ] || [ ! -f "$d/$s/INFO" ] || l="$l $s"
done
echo "SNAPS ${'$'}{lt:--}$l"
`;
