// Build the lab's guest base image from Debian packages into $1 (a cache dir, kept between labs):
// vmlinux (the Debian kernel, uncompressed: PVH entry, ~2x faster under TCG), initrd.gz (busybox
// init + dropbear + virtio/ext4/fw_cfg modules; identity from fw_cfg: /opt/salvo/*), disk.qcow2
// (a small ext2 system disk; each guest boots an overlay of it). Idempotent: parts that exist stay.
// Recipe: ../shared/lab/REPORT.md §7b. Needs: apt-get download, dpkg-deb, busybox-static,
// dropbear-bin, openssh-sftp-server, cpio, xz, qemu-utils, e2fsprogs.
import { mkdir } from 'node:fs/promises';
import { LabError } from '../../errors.js';
import { run } from '../run.js';

/** Where `lab up --vms` keeps the image between labs; the number changes with the recipe. */
export const LAB_IMAGE_CACHE = '/var/cache/salvo-lab/vm-image-1';
export const LAB_IMAGE_NAME = 'lab-base';

const BUILD = String.raw`set -euo pipefail
D=$1
mkdir -p "$D"; cd "$D"
if [ -s vmlinux ] && [ -s initrd.gz ] && [ -s disk.qcow2 ] && [ -s image.json ]; then
  echo "cached $D"; exit 0
fi
pkg=$(apt-cache depends linux-image-amd64 | awk '/Depends: linux-image-[0-9]/{print $2; exit}')
ls "$pkg"_*.deb >/dev/null 2>&1 || apt-get download "$pkg" >/dev/null 2>&1
[ -d kimg ] || dpkg-deb -x "$pkg"_*.deb kimg
kv=$(ls kimg/lib/modules); M=kimg/lib/modules/$kv/kernel
if [ ! -s vmlinux ]; then
  vz=$(ls kimg/boot/vmlinuz-* | head -1)
  off=$(LC_ALL=C grep -obUaP '\xfd7zXZ\x00' "$vz" | head -1 | cut -d: -f1)
  tail -c +$((off + 1)) "$vz" | xz -dc 2>/dev/null > vmlinux.tmp || true
  mv vmlinux.tmp vmlinux
fi
MODS="drivers/virtio/virtio.ko drivers/virtio/virtio_ring.ko drivers/virtio/virtio_pci_legacy_dev.ko
  drivers/virtio/virtio_pci_modern_dev.ko drivers/virtio/virtio_pci.ko net/core/failover.ko
  drivers/net/net_failover.ko drivers/net/virtio_net.ko drivers/block/virtio_blk.ko
  lib/crc16.ko fs/mbcache.ko fs/jbd2/jbd2.ko crypto/crc32c_generic.ko fs/ext4/ext4.ko
  drivers/acpi/button.ko drivers/input/evdev.ko drivers/firmware/qemu_fw_cfg.ko"
R=initrd.d
rm -rf $R && mkdir -p $R/{bin,sbin,usr/bin,usr/sbin,usr/lib,lib64,proc,sys,dev,run,tmp,data,disks,root,etc/dropbear,etc/init.d,etc/acpi/PWRF}
chmod 700 $R/root; chmod 1777 $R/tmp
cp /bin/busybox $R/bin/busybox
for a in $(/bin/busybox --list-full); do [ -e "$R/$a" ] || ln -s /bin/busybox "$R/$a"; done
ln -sf bin/busybox $R/init
bins="/usr/sbin/dropbear /usr/bin/dropbearkey /usr/bin/dropbearconvert"
cp /usr/lib/openssh/sftp-server $R/usr/lib/sftp-server
for f in $bins; do mkdir -p "$R$(dirname "$f")"; cp "$f" "$R$f"; done
for f in $(ldd $bins /usr/lib/openssh/sftp-server | grep -o '/[^ ]*\.so[^ ]*' | sort -u); do
  mkdir -p "$R$(dirname "$f")"; cp -L "$f" "$R$f"
done
for m in $MODS; do mkdir -p "$R/lib/modules/$kv/kernel/$(dirname "$m")"; cp "$M/$m" "$R/lib/modules/$kv/kernel/$m"; done
/bin/busybox depmod -b $R "$kv"
printf 'root:x:0:0:root:/root:/bin/sh\n' > $R/etc/passwd
printf 'root:*:19000:0:99999:7:::\n' > $R/etc/shadow; chmod 600 $R/etc/shadow
printf 'root:x:0:\ntty:x:5:\n' > $R/etc/group
printf '/bin/sh\n/bin/ash\n' > $R/etc/shells
cat > $R/etc/inittab <<'X'
::sysinit:/etc/init.d/rcS
::respawn:/usr/sbin/dropbear -F -E -s -p 22 -r /etc/dropbear/dropbear_ed25519_host_key -P /run/sshd.pid
::respawn:/sbin/acpid -f -c /etc/acpi -l /dev/console
::shutdown:/etc/init.d/rcK
X
cat > $R/etc/acpi/PWRF/00000080 <<'X'
#!/bin/sh
echo "SALVO-ACPI-POWER-BUTTON" > /dev/console
/etc/init.d/rcK; exec /sbin/poweroff -f
X
cat > $R/etc/init.d/rcK <<'X'
#!/bin/sh
[ -f /run/sshd.pid ] && kill "$(cat /run/sshd.pid)" 2>/dev/null
sync
for m in $(awk '$2 ~ /^\/(data|disks\/)/ {print $2}' /proc/mounts); do umount "$m" 2>/dev/null || mount -o remount,ro "$m"; done
echo "SALVO-SHUTDOWN"
X
cat > $R/etc/init.d/rcS <<'X'
#!/bin/sh
export PATH=/usr/sbin:/usr/bin:/sbin:/bin
mount -t proc proc /proc; mount -t sysfs sysfs /sys; mount -t devtmpfs devtmpfs /dev
mkdir -p /dev/pts; mount -t devpts -o gid=5,mode=620,ptmxmode=666 devpts /dev/pts
mount -t tmpfs -o mode=755 tmpfs /run
for m in virtio_pci virtio_net virtio_blk crc32c_generic ext4 button evdev qemu_fw_cfg; do modprobe $m; done
C=/run/salvo; mkdir -p $C
for f in /sys/firmware/qemu_fw_cfg/by_name/opt/salvo/*; do [ -e "$f/raw" ] && cat "$f/raw" > "$C/$[f##*/}"; done
HN=$(cat $C/hostname 2>/dev/null || echo salvo-guest); IP=$(cat $C/ip 2>/dev/null || true); GW=$(cat $C/gw 2>/dev/null || true)
hostname "$HN"; echo "$HN" > /etc/hostname
printf '127.0.0.1 localhost\n%s %s\n' "$[IP%/*}" "$HN" > /etc/hosts
ip link set lo up
if [ -n "$IP" ] && ip addr add "$IP" dev eth0 && ip link set eth0 up; then
  [ -n "$GW" ] && ip route add default via "$GW"
  arping -q -U -c 1 -I eth0 "$[IP%/*}" &
else echo "SALVO-NO-NET ip=$IP"; fi
# system disk (overlay of the base image, new each start): /data. Persistent disks: virtio serial
# salvo-NAME, formatted on first use, mounted on /disks/NAME.
for _ in 1 2 3 4 5 6 7 8 9 10; do dev=$(findfs LABEL=salvo-system 2>/dev/null) && break; dev=; sleep 0.1; done
[ -n "$dev" ] && mount -t ext2 "$dev" /data
for b in /sys/block/vd*; do
  s=$(cat $b/serial 2>/dev/null); case "$s" in salvo-*) ;; *) continue ;; esac
  n=$[s#salvo-}; d=/dev/$[b##*/}; mkdir -p /disks/$n
  mount -t ext2 $d /disks/$n 2>/dev/null || { mke2fs -q -L "$n" $d >/dev/null 2>&1; mount -t ext2 $d /disks/$n; }
done
mkdir -p /root/.ssh; chmod 700 /root/.ssh
[ -s $C/authorized_keys ] && cp $C/authorized_keys /root/.ssh/authorized_keys && chmod 600 /root/.ssh/authorized_keys
K=/etc/dropbear/dropbear_ed25519_host_key
if [ -s $C/hostkey ]; then
  if grep -q 'BEGIN OPENSSH PRIVATE KEY' $C/hostkey; then dropbearconvert openssh dropbear $C/hostkey $K >/dev/null 2>&1
  else cp $C/hostkey $K; fi
  chmod 600 $K
else dropbearkey -t ed25519 -f $K >/dev/null 2>&1; fi
rm -rf $C
echo "SALVO-HOSTKEY $(dropbearkey -y -f $K | grep ^ssh- | cut -d' ' -f1,2)"
echo "SALVO-READY uptime=$(cut -d' ' -f1 /proc/uptime)s hostname=$HN ip=$IP"
X
chmod 755 $R/etc/init.d/rcS $R/etc/init.d/rcK $R/etc/acpi/PWRF/00000080
(cd $R && find . | cpio -o -H newc -R 0:0 --quiet | gzip -1 > ../initrd.gz.tmp) && mv initrd.gz.tmp initrd.gz
if [ ! -s disk.qcow2 ]; then
  rm -rf basefs base.raw; mkdir basefs; echo "salvo lab base image, built $(date -u +%FT%TZ)" > basefs/BASE
  mke2fs -q -t ext2 -L salvo-system -d basefs -F base.raw 64M >/dev/null
  qemu-img convert -f raw -O qcow2 base.raw disk.qcow2.tmp && mv disk.qcow2.tmp disk.qcow2; rm -rf base.raw basefs
  chmod 444 disk.qcow2
fi
rm -rf $R kimg ./*.deb
printf '{"kernel":"vmlinux","initrd":"initrd.gz","disk":"disk.qcow2","append":"console=ttyS0 quiet panic=-1 ipv6.disable=1"}\n' > image.json
echo "built $D"
`.replaceAll('$[', '${'); // $[…] here: ${…} would be a JS placeholder

/** Build the image into `dir` unless it is there already (~30 s the first time, then cached). */
export async function buildLabImage(dir: string = LAB_IMAGE_CACHE): Promise<string> {
  await mkdir(dir, { recursive: true });
  const r = await run(['bash', '-c', BUILD, 'salvo-lab-vm-image', dir]);
  if (r.code !== 0) {
    throw new LabError(
      `building the guest image in ${dir} failed:\n${(r.stderr || r.stdout).trim().split('\n').slice(-5).join('\n')}`,
    );
  }
  return dir;
}

/** vm/images/lab-base.json next to the lab's services file. */
export const LAB_IMAGE_META = `${JSON.stringify({ description: 'lab guest: Debian kernel + busybox/dropbear initrd (built by salvo lab)', kernel: 'vmlinux', initrd: 'initrd.gz', disk: 'disk.qcow2', append: 'console=ttyS0 quiet panic=-1 ipv6.disable=1' }, null, 2)}\n`;
