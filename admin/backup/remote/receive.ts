// The target side of one backup transfer, run by the source's rsync as its `--rsync-path`: the
// SSH channel that carries rsync's data also holds the series lock (flock on DIR/.lock), so the
// kernel drops the lock when that channel's processes die, whoever dies first. Under the lock it
// writes the holder record, clears leftovers of killed runs, lets rsync fill DIR/.tmp-NAME/tree,
// and only if rsync ended 0 writes the manifest and publishes the snapshot by rename. Nothing
// here reads stdin or writes stdout: both are rsync's protocol stream.
//
// Arguments: DIR NAME HOLDER WAIT (seconds; 0 = fail at once), then rsync's own (`--server …`).
// Status lines on stderr, which the source's rsync passes through: SALVO-LOCKED <holder json>,
// SALVO-PUBLISHED <name> <files> <bytes>, SALVO-NOTPUBLISHED <rsync exit>.

/** Exit code of a run that found its series locked (BSD sysexits EX_TEMPFAIL, as restic/borg-ish tools). */
export const LOCKED_EXIT = 75;

export const RECEIVE_SCRIPT = `
d=$1 n=$2 h=$3 w=$4; shift 4
mkdir -p "$d" || exit 1
exec 9>>"$d/.lock"
if [ "$w" = 0 ]; then flock -n 9; else flock -w "$w" 9; fi || {
  echo "SALVO-LOCKED $(cut -d' ' -f2- "$d/.holder" 2>/dev/null || echo '{}')" >&2; exit ${LOCKED_EXIT}; }
printf '%s %s\\n' "$$" "$h" > "$d/.holder.tmp" && mv -f "$d/.holder.tmp" "$d/.holder" || exit 1
rm -rf "$d"/.tmp-* "$d/.latest.tmp"
mkdir "$d/.tmp-$n" || exit 1
prev=
[ -d "$d/latest/tree" ] && prev="--link-dest=$d/latest/tree"
rsync $prev "$@"; rc=$?
if [ "$rc" = 0 ]; then
  t="$d/.tmp-$n"
  ( cd "$t/tree" && find . -type f -print0 | LC_ALL=C sort -z | xargs -0 -r sha256sum ) \\
      </dev/null >"$t/MANIFEST" 2>"$t/.manifest.err" \\
    && files=$(wc -l <"$t/MANIFEST") \\
    && bytes=$(find "$t/tree" -type f -printf '%s\\n' | awk '{ s += $1 } END { print s + 0 }') \\
    && printf '{"name":"%s","files":%s,"bytes":%s,"holder":%s}\\n' "$n" "$files" "$bytes" "$h" >"$t/INFO" \\
    && rm -f "$t/.manifest.err" && sync -f "$t/MANIFEST" \\
    && mv -T "$t" "$d/$n" && ln -s "$n" "$d/.latest.tmp" && mv -fT "$d/.latest.tmp" "$d/latest" \\
    && echo "SALVO-PUBLISHED $n $files $bytes" >&2 \\
    || { echo "SALVO-NOTPUBLISHED manifest: $(head -c 300 "$t/.manifest.err" 2>/dev/null)" >&2; rc=1; }
else
  echo "SALVO-NOTPUBLISHED $rc" >&2
fi
rm -f "$d/.holder"
exit "$rc"
`;
