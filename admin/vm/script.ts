// The one remote script of the qemu driver: bash on the physical host, an action and KEY=VALUE
// arguments (every value quoted by the one quote function, admin/transport/command.ts). Each
// action prints `key value` lines that parse.ts reads. Per guest, under DIR/guests/NAME/:
// hostkey (0600) + hostkey.pub, authorized_keys, system.qcow2 (overlay of the base image, new on
// every start), disk-D.qcow2 (persistent, made once), qmp.sock, qemu.pid, serial.log, qemu.err,
// wanted (running|stopped: a guest gone while wanted=running has crashed), accel, started.
import { cmd, type Command } from '../transport/command.js';

export type VmAction = 'check' | 'prepare' | 'start' | 'stop' | 'kill' | 'status' | 'console';

export const VM_SCRIPT = String.raw`
set -u
act=$1; shift
for a in "$@"; do printf -v "V_$[a%%=*}" '%s' "$[a#*=}"; done
G=$V_dir/guests/$V_name
say() { printf '%s %s\n' "$1" "$2"; }
die() { echo "salvo-vm: $V_name: $*" >&2; exit 1; }
pid() { cat "$G/qemu.pid" 2>/dev/null; }
alive() {   # the pid file's process is this guest's qemu, and not a zombie
  local p; p=$(pid) || return 1; [ -n "$p" ] && [ -r "/proc/$p/cmdline" ] || return 1
  grep -q '^State:[[:space:]]*Z' "/proc/$p/status" 2>/dev/null && return 1
  tr '\0' '\n' < "/proc/$p/cmdline" 2>/dev/null | grep -qxF -e "salvo-$V_name" -e "guest=salvo-$V_name,debug-threads=on"
}
LV="virsh -q -c qemu:///system"; dom=salvo-$V_name
libvirt() { [ "$[V_driver:-qemu}" = libvirt ]; }
qmp() { # qmp CMD: capabilities + CMD on the guest's QMP socket (libvirt: virsh shutdown|destroy)
  if libvirt; then
    case $1 in system_powerdown) timeout 10 $LV shutdown "$dom" >/dev/null 2>&1 ;; quit) timeout 10 $LV destroy "$dom" >/dev/null 2>&1 ;; esac
    return
  fi
  [ -S "$G/qmp.sock" ] || return 1
  printf '{"execute":"qmp_capabilities"}\n{"execute":"%s"}\n' "$1" |
    timeout 5 socat -t1 - "UNIX-CONNECT:$G/qmp.sock" >/dev/null 2>&1
}
cleanup() { # what must not outlive a stopped guest: tap, socket, pid file (libvirt: the domain)
  libvirt && timeout 30 $LV destroy "$dom" >/dev/null 2>&1
  ip link del "$V_tap" 2>/dev/null
  rm -f "$G/qmp.sock" "$G/qemu.pid"
}
banner() { # the guest's SSH banner on V_address:22; bounded, as a SYN lost while the guest's
  # network comes up would block a connect for its retransmissions (1 s, 3 s, 7 s ...)
  timeout 1 bash -c 'exec 3<>"/dev/tcp/$1/22" && read -r -t 1 -N 7 b <&3 && [ "$b" = SSH-2.0 ]' \
    salvo-vm "$V_address" 2>/dev/null
}
gone() { local p=$1 i=0; while [ -e "/proc/$p" ] && ! grep -q '^State:[[:space:]]*Z' "/proc/$p/status" 2>/dev/null; do
  i=$((i + 1)); [ "$i" -gt "$2" ] && return 1; sleep 0.1; done; }
probe_accel() { # kvm only if a guest kernel really boots under it (here /dev/kvm may hang a guest)
  local img=$1 f=/run/salvo-vm.accel   # /run: probed again after the host reboots
  [ -s "$f" ] && { cat "$f"; return; }
  local a=tcg
  if [ -c /dev/kvm ] && [ -w /dev/kvm ] && [ -n "$V_kernel" ]; then
    rm -f /run/salvo-vm.accel.log
    timeout 8 qemu-system-x86_64 -accel kvm -cpu host -m 128 -nodefaults -display none -no-reboot \
      -kernel "$img/$V_kernel" $[V_initrd:+-initrd "$img/$V_initrd"} -append "console=ttyS0 rdinit=/bin/true panic=-1" \
      -serial file:/run/salvo-vm.accel.log </dev/null >/dev/null 2>&1
    grep -aq 'Attempted to kill init\|Kernel panic' /run/salvo-vm.accel.log 2>/dev/null && a=kvm
  fi
  echo "$a" > "$f"; echo "$a"
}
checkimg() { # the base image's files are on this host; img= its own directory
  img=$(readlink -f "$V_dir/images/$V_base") || img=$V_dir/images/$V_base
  for f in "$V_disk" $V_kernel $V_initrd; do [ -r "$img/$f" ] || die "base image $V_base: no $img/$f on $(hostname)"; done
}
case $act in
check)
  checkimg; say image "$V_base"; say path "$img" ;;
prepare)
  mkdir -p "$G" && chmod 700 "$G" || die "cannot make $G"
  [ -s "$G/hostkey" ] || ssh-keygen -q -t ed25519 -N '' -C "$V_name" -f "$G/hostkey" </dev/null >/dev/null || die "ssh-keygen failed"
  printf '%s\n' "$V_authkey" > "$G/authorized_keys"
  say hostkey "$(cut -d' ' -f1,2 "$G/hostkey.pub")" ;;
start)
  if alive; then say state running; say pid "$(pid)"; say already yes; exit 0; fi
  cleanup
  # The image's own directory (NAME is a symlink a push swaps): the overlay backs on that path.
  checkimg
  [ -s "$G/hostkey" ] || die "no host key (prepare first)"
  [ -d "/sys/class/net/$V_bridge/bridge" ] || die "no bridge $V_bridge on $(hostname)"
  [ "$(nproc)" -ge "$V_vcpus" ] || die "$V_vcpus vcpus, but $(hostname) has $(nproc) CPUs"
  mem=$(awk '/^MemTotal/{print int($2/1024)}' /proc/meminfo)
  [ "$mem" -ge "$V_memory" ] || die "$V_memory MiB of RAM, but $(hostname) has $mem MiB"
  accel=$V_accel; [ "$accel" = auto ] && accel=$(probe_accel "$img")
  cpu=max; [ "$accel" = kvm ] && cpu=host
  rm -f "$G/system.qcow2" "$G/serial.log" "$G/qemu.err"
  qemu-img create -q -f qcow2 -b "$img/$V_disk" -F qcow2 "$G/system.qcow2" || die "qemu-img create failed"
  drives=(-drive "if=none,id=sys,file=$G/system.qcow2,format=qcow2" -device virtio-blk-pci,drive=sys)
  i=0
  for d in $V_disks; do
    n=$[d%%:*}; size=$[d#*:}
    [ -f "$G/disk-$n.qcow2" ] || qemu-img create -q -f qcow2 "$G/disk-$n.qcow2" "$[size}M" || die "cannot create disk $n"
    drives+=(-drive "if=none,id=d$i,file=$G/disk-$n.qcow2,format=qcow2" -device "virtio-blk-pci,drive=d$i,serial=salvo-$n")
    i=$((i + 1))
  done
  boot=()
  [ -n "$V_kernel" ] && boot+=(-kernel "$img/$V_kernel" -append "$V_append")
  [ -n "$V_initrd" ] && boot+=(-initrd "$img/$V_initrd")
  fw=(-fw_cfg "name=opt/salvo/hostname,string=$V_name" -fw_cfg "name=opt/salvo/ip,string=$V_ip"
      -fw_cfg "name=opt/salvo/authorized_keys,file=$G/authorized_keys" -fw_cfg "name=opt/salvo/hostkey,file=$G/hostkey")
  [ -n "$V_gw" ] && fw+=(-fw_cfg "name=opt/salvo/gw,string=$V_gw")
  if libvirt; then   # the same guest as a transient libvirt domain; libvirtd makes the tap
    x() { local s=$1; s=$[s//"&"/"&amp;"}; s=$[s//"<"/"&lt;"}; s=$[s//"'"/"&apos;"}; printf '%s' "$s"; }
    dl=bcdefghijklmnopqrstuvwxyz; j=0
    { echo "<domain type='$([ "$accel" = kvm ] && echo kvm || echo qemu)'><name>$dom</name>"
      echo "<memory unit='MiB'>$V_memory</memory><vcpu>$V_vcpus</vcpu><sysinfo type='fwcfg'>"
      echo "<entry name='opt/salvo/hostname'>$(x "$V_name")</entry><entry name='opt/salvo/ip'>$(x "$V_ip")</entry>"
      echo "<entry name='opt/salvo/authorized_keys' file='$(x "$G/authorized_keys")'/><entry name='opt/salvo/hostkey' file='$(x "$G/hostkey")'/>"
      [ -n "$V_gw" ] && echo "<entry name='opt/salvo/gw'>$(x "$V_gw")</entry>"
      echo "</sysinfo><os><type arch='x86_64' machine='pc'>hvm</type>"
      [ -n "$V_kernel" ] && echo "<kernel>$(x "$img/$V_kernel")</kernel><cmdline>$(x "$V_append")</cmdline>"
      [ -n "$V_initrd" ] && echo "<initrd>$(x "$img/$V_initrd")</initrd>"
      echo "</os><features><acpi/></features><cpu mode='$([ "$accel" = kvm ] && echo host-passthrough || echo maximum)'/>"
      echo "<on_poweroff>destroy</on_poweroff><on_reboot>restart</on_reboot><on_crash>destroy</on_crash><devices>"
      echo "<disk type='file' device='disk'><driver name='qemu' type='qcow2'/><source file='$(x "$G/system.qcow2")'/><target dev='vda' bus='virtio'/></disk>"
      for d in $V_disks; do
        n=$[d%%:*}
        echo "<disk type='file' device='disk'><driver name='qemu' type='qcow2'/><source file='$(x "$G/disk-$n.qcow2")'/><target dev='vd$[dl:j:1}' bus='virtio'/><serial>salvo-$(x "$n")</serial></disk>"
        j=$((j + 1))
      done
      echo "<interface type='bridge'><source bridge='$(x "$V_bridge")'/><target dev='$V_tap'/><mac address='$V_mac'/><model type='virtio'/></interface>"
      echo "<serial type='file'><source path='$(x "$G/serial.log")'/><target port='0'/></serial></devices>"
      # qemu runs as root, as the qemu driver's does: it reads the 0600 host key for fw_cfg.
      echo "<seclabel type='static' model='dac' relabel='no'><label>+0:+0</label></seclabel></domain>"
    } > "$G/domain.xml"
    echo running > "$G/wanted"; echo "$accel" > "$G/accel"
    if ! timeout 300 $LV create "$G/domain.xml" </dev/null >/dev/null 2>"$G/qemu.err"; then
      echo stopped > "$G/wanted"; cleanup; die "virsh create failed: $(tail -3 "$G/qemu.err")"
    fi
    cp "/run/libvirt/qemu/$dom.pid" "$G/qemu.pid" 2>/dev/null || { cleanup; die "libvirt wrote no pid file for $dom"; }
  else
  ip tuntap add dev "$V_tap" mode tap && ip link set "$V_tap" master "$V_bridge" && ip link set "$V_tap" up || { cleanup; die "cannot make tap $V_tap on $V_bridge"; }
  echo running > "$G/wanted"; echo "$accel" > "$G/accel"
  if ! qemu-system-x86_64 -name "salvo-$V_name" -accel "$accel" -cpu "$cpu" -m "$V_memory" -smp "$V_vcpus" \
      -display none -nodefaults -no-user-config "$[boot[@]}" -serial "file:$G/serial.log" \
      -netdev "tap,id=n0,ifname=$V_tap,script=no,downscript=no" -device "virtio-net-pci,netdev=n0,mac=$V_mac" \
      "$[drives[@]}" "$[fw[@]}" -qmp "unix:$G/qmp.sock,server=on,wait=off" -pidfile "$G/qemu.pid" -daemonize \
      </dev/null >/dev/null 2>"$G/qemu.err"; then
    echo stopped > "$G/wanted"; cleanup; die "qemu failed: $(tail -3 "$G/qemu.err")"
  fi
  fi
  date +%s > "$G/started"
  sum=-; [ -s "$img/SHA256SUMS" ] && sum=$(sha256sum < "$img/SHA256SUMS" | cut -c1-64)
  printf '%s\t%s\n' "$V_base" "$sum" > "$G/image"; printf '%s\n' "$img" > "$G/image-path"
  say state running; say pid "$(pid)"; say accel "$accel" ;;
stop|kill)
  echo stopped > "$G/wanted" 2>/dev/null
  how=none
  if alive; then
    p=$(pid); how=powerdown
    if [ "$act" = stop ]; then
      t=0; lim=$((V_timeout * 10))
      while [ -e "/proc/$p" ] && ! grep -q '^State:[[:space:]]*Z' "/proc/$p/status" 2>/dev/null && [ "$t" -lt "$lim" ]; do
        [ $((t % 20)) = 0 ] && qmp system_powerdown   # again every 2 s: a press before acpid runs is lost
        sleep 0.1; t=$((t + 1))
      done
    fi
    if ! gone "$p" 0; then how=quit; qmp quit; gone "$p" 50 || { how=kill; kill -9 "$p"; gone "$p" 50; }; fi
    [ "$act" = kill ] && how=kill
  fi
  cleanup
  say state stopped; say how "$how" ;;
status)
  w=$(cat "$G/wanted" 2>/dev/null || echo never)
  say wanted "$w"
  if alive; then p=$(pid); say alive yes; say pid "$p"
    # Does the guest answer SSH? Its banner, read over the bridge (the gate then logs in from the
    # admin machine). wait=S (the gate's probe): a try every 0.2 s for up to S seconds while qemu
    # runs, so a boot is seen at once without a round trip per try. perl (Essential on Debian)
    # makes every try in one process, each connect bounded at 0.3 s: a SYN sent while the guest's
    # network is still down is never answered, and a process per try (timeout, bash) takes CPU
    # from the booting guest on a small host. Without perl, the bash tries.
    if [ -n "$[V_address:-}" ]; then
      ok=no; end=$((EPOCHSECONDS + $[V_wait:-0})); n=0
      if [ "$[V_wait:-0}" != 0 ] && command -v perl >/dev/null 2>&1; then
        perl -MIO::Socket::INET -MIO::Select -e '
          my ($a, $w, $p) = @ARGV; my $end = time + $w;
          while (1) {
            my $s = IO::Socket::INET->new(PeerAddr => $a, PeerPort => 22, Proto => "tcp", Timeout => 0.3);
            if ($s) {
              my $b = ""; sysread($s, $b, 7) if IO::Select->new($s)->can_read(1); close $s;
              exit 0 if $b eq "SSH-2.0";
            }
            exit 1 if time >= $end;
            open(my $f, "<", "/proc/$p/status") or exit 1;
            exit 1 if grep { /^State:\s*Z/ } <$f>;
            select(undef, undef, undef, 0.2);
          }' "$V_address" "$V_wait" "$p" </dev/null 2>/dev/null && ok=yes
      else
        while :; do
          banner && { ok=yes; break; }
          [ "$EPOCHSECONDS" -lt "$end" ] || break
          n=$((n + 1)); [ $((n % 5)) = 0 ] && { alive || break; }
          sleep 0.2
        done
      fi
      say ssh "$ok"
    fi
    say elapsed "$(ps -o etimes= -p "$p" | tr -d ' ')"
  else say alive no; fi
  say accel "$(cat "$G/accel" 2>/dev/null)"
  say image "$(cut -f1 "$G/image" 2>/dev/null)"
  say tap "$([ -e "/sys/class/net/$V_tap" ] && echo yes || echo no)"
  say socket "$([ -S "$G/qmp.sock" ] && echo yes || echo no)"
  say hostkey "$(cut -d' ' -f1,2 "$G/hostkey.pub" 2>/dev/null)" ;;
console)
  [ -f "$G/serial.log" ] || die "no serial log (never started here)"
  tail -n "$V_lines" "$G/serial.log" | tr -d '\r' ;;
*) die "unknown action $act" ;;
esac
`.replaceAll('$[', '${'); // written $[…] here: ${…} would be a JS placeholder

/** `bash -c SCRIPT salvo-vm ACTION KEY=VALUE…`, every part quoted. */
export function vmCommand(action: VmAction, args: Record<string, string | number>): Command {
  const pairs = Object.entries(args).map(([k, v]) => `${k}=${v}`);
  return cmd('bash', '-c', VM_SCRIPT, 'salvo-vm', action, ...pairs);
}
