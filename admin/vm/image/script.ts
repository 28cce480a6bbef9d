// The physical host's side of base images: one bash script, an action and KEY=VALUE arguments
// (each quoted by the one quote function). Layout under DIR/images/:
//   NAME               → a symlink to .store/NAME@SUM12 (what guests boot; swapped atomically)
//   .store/NAME@SUM12/ → the files, SHA256SUMS (sha256sum format, sorted) and image.json; never
//                        changed once published
//   .incoming/NAME/    → where rsync writes; verified against the admin's manifest, then renamed
// An image's checksum is the sha256 of its SHA256SUMS text, so one value names its whole content.
// Actions print `key value` lines (parse.ts: parseKeyValues) or `image …`/`guest …` rows (list).
import { cmd, type Command } from '../../transport/command.js';

export type ImageAction = 'have' | 'publish' | 'discard' | 'list';

/** Exit code of a publish that refused what arrived (a checksum did not match). */
export const REFUSED_EXIT = 3;

export const IMAGE_SCRIPT = String.raw`
set -u
act=$1; shift
for a in "$@"; do printf -v "V_$[a%%=*}" '%s' "$[a#*=}"; done
I=$V_dir/images
say() { printf '%s %s\n' "$1" "$2"; }
die() { echo "salvo-vm-image: $*" >&2; exit 1; }
sumof() { # the checksum of a published image dir (sha256 of its SHA256SUMS), or -
  if [ -s "$1/SHA256SUMS" ]; then sha256sum < "$1/SHA256SUMS" | cut -c1-64; else echo -; fi
}
case $act in
have)
  mkdir -p "$I/.incoming" "$I/.store" || die "cannot make $I on $(hostname)"
  cur=-; [ -e "$I/$V_name" ] && cur=$(sumof "$I/$V_name")
  say current "$cur"
  S=$I/.incoming/$V_name; mkdir -p "$S" || die "cannot make $S"
  for f in "$S"/* "$S"/.[!.]*; do   # a copy left by an earlier push: only the image's files stay
    [ -e "$f" ] || continue
    case " $V_files " in *" $[f##*/} "*) ;; *) rm -rf "$f" ;; esac
  done
  say stage "$S"
  df -Pk "$I" | awk 'NR == 2 { print "free " $4 * 1024 }' ;;
publish)
  S=$I/.incoming/$V_name
  [ -d "$S" ] || die "nothing staged in $S"
  # Exactly the files of the manifest, each with its checksum: anything else is refused.
  got=$(cd "$S" && find . -mindepth 1 -maxdepth 1 -printf '%f\n' | LC_ALL=C sort | xargs -r -d '\n' sha256sum)
  if [ "$got" != "$V_manifest" ]; then
    diff <(printf '%s\n' "$V_manifest") <(printf '%s\n' "$got") | sed -n 's/^> /refused /p' | head -5
    rm -rf "$S"
    say kept "$([ -e "$I/$V_name" ] && sumof "$I/$V_name" || echo -)"
    exit 3   # REFUSED_EXIT
  fi
  say verified "$(printf '%s\n' "$V_manifest" | wc -l)"
  printf '%s\n' "$V_manifest" > "$S/SHA256SUMS"
  printf '%s\n' "$V_meta" > "$S/image.json"
  [ "$(sumof "$S")" = "$V_sum" ] || { rm -rf "$S"; die "manifest and checksum disagree"; }
  chmod 0444 "$S"/*; chmod 0755 "$S"
  v=$V_name@$[V_sum:0:12}
  if [ -d "$I/.store/$v" ]; then rm -rf "$S"; else mv -T "$S" "$I/.store/$v" || die "cannot publish $v"; fi
  sync -f "$I/.store/$v" 2>/dev/null
  # NAME as a real directory (made by hand, before salvo managed it): kept in the store, aside.
  if [ -e "$I/$V_name" ] && [ ! -L "$I/$V_name" ]; then
    mv -T "$I/$V_name" "$I/.store/$V_name@old-$(date +%s)" || die "cannot move the old $V_name aside"
  fi
  ln -sfn ".store/$v" "$I/.$V_name.link" && mv -fT "$I/.$V_name.link" "$I/$V_name" || die "cannot switch $V_name"
  # Earlier versions of NAME no guest booted from: removed (a running guest's overlay needs its own).
  inuse=$(cat "$V_dir"/guests/*/image-path 2>/dev/null)
  for old in "$I/.store/$V_name"@*; do
    [ -d "$old" ] && [ "$old" != "$I/.store/$v" ] || continue
    printf '%s\n' "$inuse" | grep -qxF "$(readlink -f "$old")" || rm -rf "$old"
  done
  say published "$v" ;;
discard)
  rm -rf "$I/.incoming/$V_name"; say discarded "$V_name" ;;
list)
  [ -d "$I" ] || exit 0
  for p in "$I"/*; do
    [ -e "$p" ] || continue
    n=$[p##*/}
    size=$(du -sbL "$p" 2>/dev/null | cut -f1)
    printf 'image\t%s\t%s\t%s\t%s\n' "$n" "$[size:-0}" "$(sumof "$p")" "$(readlink "$p" || echo -)"
  done
  for g in "$V_dir"/guests/*; do
    [ -f "$g/image" ] || continue
    printf 'guest\t%s\t%s\t%s\n' "$[g##*/}" "$(cat "$g/wanted" 2>/dev/null || echo never)" "$(cat "$g/image")"
  done ;;
*) die "unknown action $act" ;;
esac
`.replaceAll('$[', '${'); // written $[…] here: ${…} would be a JS placeholder

/** `bash -c SCRIPT salvo-vm-image ACTION KEY=VALUE…`, every part quoted. */
export function imageCommand(action: ImageAction, args: Record<string, string | number>): Command {
  const pairs = Object.entries(args).map(([k, v]) => `${k}=${v}`);
  return cmd('bash', '-c', IMAGE_SCRIPT, 'salvo-vm-image', action, ...pairs);
}
