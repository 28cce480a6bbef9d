// The target side of one backup transfer, run by the source's rsync as its `--rsync-path`: the
// SSH channel that carries rsync's data also holds the series lock (flock on DIR/.lock), so the
// kernel drops the lock when that channel's processes die, whoever dies first. Under the lock it
// writes the holder record, clears leftovers of killed runs, lets rsync fill DIR/.tmp-NAME/tree,
// and only if rsync ended 0 writes the manifest; the snapshot is published by rename. Nothing
// here reads stdin or writes stdout: both are rsync's protocol stream.
//
// Arguments: DIR NAME HOLDER WAIT (seconds; 0 = fail at once), then rsync's own (`--server …`).
// Status lines on stderr, which the source's rsync passes through: SALVO-LOCKED <holder json>,
// SALVO-STAGED <name> <files> <bytes>, SALVO-NOTPUBLISHED <why>. A staged snapshot is published
// only when the source, whose rsync may have failed on its own side, commits it (two-phase).
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
printf '%s %s\n' "$$" "$h" > "$d/.holder.tmp" && mv -f "$d/.holder.tmp" "$d/.holder" || exit 1
# Leftovers of killed runs (a fork only when there are any). A result and its done-lock are read
# and removed by their source's commit right after the lock passes on: old ones are orphans.
for x in "$d"/.tmp-* "$d"/.ctl-* "$d"/.rtmp-* "$d/.latest.tmp"; do
  if [ -e "$x" ] || [ -L "$x" ]; then rm -rf "$d"/.tmp-* "$d"/.ctl-* "$d"/.rtmp-* "$d/.latest.tmp"; break; fi
done
for x in "$d"/.result-* "$d"/.done-*; do
  if [ -e "$x" ]; then find "$d" -maxdepth 1 \( -name '.result-*' -o -name '.done-*' \) -mmin +10 -delete 2>/dev/null; break; fi
done
t="$d/.tmp-$n"
mkdir "$t" || exit 1
prev=
[ -d "$d/latest/tree" ] && prev="$d/latest"
${SUMS_FUNCTIONS}
# On a full run (no previous snapshot) the files rsync has finished are hashed and fsynced while
# the rest flows (sums.ts: early). With a previous one, only what changed is hashed, after rsync:
# the hasher's set-up (a fifo, three processes) cost more there than it saved.
el= ep=
[ -n "$prev" ] || { mkdir "$t/tree" && early "$t"; }
rsync ${'$'}{prev:+"--link-dest=$prev/tree"} ${'$'}{el:+"$el" "--log-file-format=%i %l %n"} "$@" 5>&-; rc=$?
if [ "$rc" != 0 ]; then
  early_end stop
  echo "SALVO-NOTPUBLISHED rsync exit $rc on $(hostname); $(df -Pk "$d" | awk 'NR == 2 { print $6 ": " $4 " KiB free of " $2 }')" >&2
  rm -f "$d/.holder"; exit "$rc"
fi
early_end
# Durable before published: what this snapshot adds goes to disk while the manifest is made
# (sums.ts: what the early hasher did not do, with one syncfs or an fsync of each new file when
# the file system has much else dirty); MANIFEST and INFO themselves after it.
manifest "$t" "$prev" 2>"$t/.manifest.err" && read -r files bytes <"$t/.count" \
  && printf '{"name":"%s","files":%s,"bytes":%s,"holder":%s}\n' "$n" "$files" "$bytes" "$h" >"$t/INFO" \
  && sync "$t/MANIFEST" "$t/INFO" && rm -f "$t/.count" "$t/.manifest.err" \
  || { echo "SALVO-NOTPUBLISHED manifest: $(head -c 300 "$t/.manifest.err" 2>/dev/null)" >&2; rm -f "$d/.holder"; exit 1; }
# The receiving side is complete; the sending side may still have failed (a path it could not
# read: rsync 23 on the source only). A waiter keeps the lock (fd 9) and publishes only when the
# source commits (COMMIT_SCRIPT): it reads the verb from the fifo .ctl-NAME (held open here, so a
# verb written before the waiter reads is kept), discards on abort or after ${COMMIT_WAIT_S}s of
# silence, and holds .done-NAME locked until its result is written, for the commit to wait on.
mkfifo "$d/.ctl-$n" && exec 6<>"$d/.ctl-$n" && exec 8>"$d/.done-$n" && flock 8 \
  || { echo "SALVO-NOTPUBLISHED no commit channel on $(hostname)" >&2; rm -f "$d/.holder"; exit 1; }
echo "SALVO-STAGED $n $files $bytes" >&2
( # Ready before the verb comes (the lock is held throughout): the name to publish under (two
  # runs that started in the same second, one having waited for the other's lock, chose the same
  # name: this one goes one second later; INFO names it too) and the new latest link.
  p=$n
  while [ -e "$d/$p" ]; do
    s=$(date -u -d "$(echo "$p" | sed 's/T\(..\)\(..\)\(..\)Z$/ \1:\2:\3Z/')" +%s) || break
    p=$(date -u -d "@$((s + 1))" +%Y-%m-%dT%H%M%SZ)
  done
  [ "$p" = "$n" ] || sed -i "s/$n/$p/" "$t/INFO"
  ln -sfn "$p" "$d/.latest.tmp"
  v=$(timeout ${COMMIT_WAIT_S} head -n 1 <&6)
  exec 6<&-
  r="not published: no commit"
  if [ "$v" = commit ]; then
    mv -T "$t" "$d/$p" && mv -fT "$d/.latest.tmp" "$d/latest" && r="published $p" \
      || r="not published: rename failed"
  fi
  # The commit reads the result once the done-lock is let go; the cleanup comes after.
  printf '%s\n' "$r" > "$d/.result-$n"
  exec 8>&-
  rm -rf "$t" "$d/.latest.tmp" "$d/.ctl-$n" "$d/.done-$n" "$d/.holder"
) </dev/null >/dev/null 2>&1 &
exit 0
`;

/**
 * Run by the source over SSH (the transfer's own connection, multiplexed), opened while the data
 * flows: DIR NAME [commit|abort], the verb as the third argument or else the first line of stdin
 * (nothing: the transfer never staged, nothing to do) → the outcome on its first line
 * (`published NAME` or `not published: …`), then `SNAPS LATEST NAME…`: the series' complete
 * snapshots, for the run's prune.
 */
export const COMMIT_SCRIPT = String.raw`
d=$1 n=$2 v=${'$'}{3:-}
[ -n "$v" ] || read -r v || exit 0
set -- "$1" "$2" "$v"
if [ -p "$d/.ctl-$n" ] && exec 7<>"$d/.ctl-$n"; then printf '%s\n' "$3" >&7; exec 7>&-; fi
flock -s -w ${COMMIT_WAIT_S + 10} "$d/.done-$n" true 2>/dev/null
r=
read -r r 2>/dev/null <"$d/.result-$n"
echo "${'$'}{r:-not published: no answer}"
rm -f "$d/.result-$n" "$d/.done-$n"
case $r in "published "*) lt=${'$'}{r#published } ;; *) lt=$(readlink "$d/latest" 2>/dev/null) ;; esac
l=
for s in "$d"/*/INFO; do
  s=${'$'}{s%/INFO}; s=${'$'}{s##*/}
  [ "$s" = latest ] || [ ! -f "$d/$s/INFO" ] || l="$l $s"
done
echo "SNAPS ${'$'}{lt:--}$l"
`;
