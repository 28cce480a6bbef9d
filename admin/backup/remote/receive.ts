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

/** Exit code of a run that found its series locked (BSD sysexits EX_TEMPFAIL, as restic/borg-ish tools). */
export const LOCKED_EXIT = 75;

/** How long a staged snapshot waits for its source's commit. */
export const COMMIT_WAIT_S = 60;

export const RECEIVE_SCRIPT = `
d=$1 n=$2 h=$3 w=$4; shift 4
mkdir -p "$d" || exit 1
exec 9>>"$d/.lock"
if [ "$w" = 0 ]; then flock -n 9; else flock -w "$w" 9; fi || {
  echo "SALVO-LOCKED $(cut -d' ' -f2- "$d/.holder" 2>/dev/null || echo '{}')" >&2; exit ${LOCKED_EXIT}; }
printf '%s %s\\n' "$$" "$h" > "$d/.holder.tmp" && mv -f "$d/.holder.tmp" "$d/.holder" || exit 1
rm -rf "$d"/.tmp-* "$d"/.commit-* "$d"/.abort-* "$d"/.rtmp-* "$d/.latest.tmp"
# A result is read and removed by its source right after the lock passes on; old ones are orphans.
find "$d" -maxdepth 1 -name '.result-*' -mmin +10 -delete 2>/dev/null
t="$d/.tmp-$n"
mkdir "$t" || exit 1
prev=
[ -d "$d/latest/tree" ] && prev="--link-dest=$d/latest/tree"
rsync $prev "$@"; rc=$?
if [ "$rc" != 0 ]; then
  echo "SALVO-NOTPUBLISHED rsync exit $rc on $(hostname); $(df -Pk "$d" | awk 'NR == 2 { print $6 ": " $4 " KiB free of " $2 }')" >&2
  rm -f "$d/.holder"; exit "$rc"
fi
( cd "$t/tree" && find . -type f -print0 | LC_ALL=C sort -z | xargs -0 -r sha256sum ) \\
    </dev/null >"$t/MANIFEST" 2>"$t/.manifest.err" \\
  && files=$(wc -l <"$t/MANIFEST") \\
  && bytes=$(find "$t/tree" -type f -printf '%s\\n' | awk '{ s += $1 } END { print s + 0 }') \\
  && printf '{"name":"%s","files":%s,"bytes":%s,"holder":%s}\\n' "$n" "$files" "$bytes" "$h" >"$t/INFO" \\
  && rm -f "$t/.manifest.err" && sync -f "$t/MANIFEST" \\
  || { echo "SALVO-NOTPUBLISHED manifest: $(head -c 300 "$t/.manifest.err" 2>/dev/null)" >&2; rm -f "$d/.holder"; exit 1; }
echo "SALVO-STAGED $n $files $bytes" >&2
# The receiving side is complete; the sending side may still have failed (a path it could not
# read: rsync 23 on the source only). A waiter keeps the lock (fd 9) and publishes only when the
# source commits (COMMIT_SCRIPT), discards on abort or after ${COMMIT_WAIT_S}s of silence.
# The result appears whole (written aside, then renamed): the source's commit reads it as soon as it exists.
result() { printf '%s\\n' "$1" > "$d/.rtmp-$n" && mv -f "$d/.rtmp-$n" "$d/.result-$n"; }
( i=0
  while [ "$i" -lt ${COMMIT_WAIT_S * 10} ]; do
    if [ -e "$d/.commit-$n" ]; then
      # Two runs that started in the same second (one waited for the other's lock) chose the same
      # name: this one is published one second later (names are UTC seconds, INFO names it too).
      p=$n
      while [ -e "$d/$p" ]; do
        s=$(date -u -d "$(echo "$p" | sed 's/T\\(..\\)\\(..\\)\\(..\\)Z$/ \\1:\\2:\\3Z/')" +%s) || break
        p=$(date -u -d "@$((s + 1))" +%Y-%m-%dT%H%M%SZ)
      done
      [ "$p" = "$n" ] || sed -i "s/$n/$p/" "$t/INFO"
      mv -T "$t" "$d/$p" && ln -s "$p" "$d/.latest.tmp" && mv -fT "$d/.latest.tmp" "$d/latest" \\
        && result "published $p" || result "not published: rename failed"
      break
    fi
    [ -e "$d/.abort-$n" ] && break
    sleep 0.1; i=$((i + 1))
  done
  [ -e "$d/.result-$n" ] || { rm -rf "$t"; result "not published: no commit"; }
  rm -f "$d/.commit-$n" "$d/.abort-$n" "$d/.holder"
) </dev/null >/dev/null 2>&1 &
exit 0
`;

/** Run by the source over SSH after its rsync ended: DIR NAME commit|abort → prints the outcome. */
export const COMMIT_SCRIPT = `
d=$1 n=$2
touch "$d/.$3-$n" || exit 1
i=0
while [ ! -e "$d/.result-$n" ] && [ "$i" -lt ${(COMMIT_WAIT_S + 5) * 10} ]; do sleep 0.1; i=$((i + 1)); done
cat "$d/.result-$n" 2>/dev/null || echo "not published: no answer"
rm -f "$d/.result-$n"
`;
