// The vm section: guests resolved per host, and every bad definition refused with its place
// in the file before anything starts (unknown image, shared MAC or address, too big for the host).
import assert from 'node:assert/strict';
import { mkdirSync, mkdtempSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { after, test } from 'node:test';
import { loadInventory } from '../../../admin/inventory/load.js';
import { deterministicMac, inventoryGuests } from '../../../admin/inventory/vm-guests.js';
import { HOME, issuesOf, yaml } from '../helpers.js';

const root = mkdtempSync(join(tmpdir(), 'salvo-vm-inv-'));
after(() => rmSync(root, { recursive: true, force: true }));
mkdirSync(join(root, 'vm', 'images'), { recursive: true });
writeFileSync(join(root, 'vm', 'images', 'deb12.json'), '{"disk":"disk.qcow2"}\n');
let n = 0;

async function load(text: string) {
  const file = join(root, `s${n++}.yaml`);
  writeFileSync(file, text);
  return loadInventory(file, { home: HOME } as never);
}
async function problems(text: string): Promise<string[]> {
  let err: unknown;
  try {
    await load(text);
  } catch (e) {
    err = e;
  }
  return issuesOf(() => {
    if (err) {
      throw err;
    }
  }).map((l) => l.replaceAll(/\/\S*?\.yaml:/g, 'FILE:').replace(/^s\d+\.yaml:/, 'FILE:'));
}

test('guests resolve per host: overrides, deterministic MAC, memory in MiB', async () => {
  const inv = await load(yaml`
    deployment: t
    hosts:
      cloud[1-2]: { address: "198.18.1.{n}" }
      g[1-2]: { vm_on: "cloud{n}", address: "198.18.2.{n}" }
    services:
      vm:
        hosts: "g[1-2]"
        base: deb12
        memory: 0.125
        disks: { data: 1 }
        bridge: br0
        guests:
          g2: { vcpus: 2, disks: { logs: 2 } }
  `);
  const [g1, g2] = inventoryGuests(inv);
  assert.equal(g1!.physical, 'cloud1');
  assert.equal(g1!.memoryMiB, 128);
  assert.equal(g1!.vcpus, 1);
  assert.deepEqual(g1!.disks, [{ name: 'data', sizeGiB: 1 }]);
  assert.equal(g2!.vcpus, 2);
  assert.deepEqual(
    g2!.disks.map((d) => d.name),
    ['data', 'logs'],
  );
  assert.equal(g1!.mac, deterministicMac('t', 'g1'));
  assert.match(g1!.mac, /^52:54:00(:[0-9a-f]{2}){3}$/);
  assert.notEqual(g1!.mac, g2!.mac);
  assert.equal(deterministicMac('t', 'g1'), deterministicMac('t', 'g1'));
});

test('bad vm definitions: unknown image and host, shared MAC and address, too big for the host', async () => {
  assert.deepEqual(
    await problems(yaml`
    deployment: t
    hosts:
      cloud[1-2]: { address: "198.18.1.{n}" }
      g[1-3]: { vm_on: "cloud1", address: "198.18.2.{n}" }
      g4: { vm_on: cloud9, address: 198.18.2.4 }
      g5: { vm_on: cloud2, address: 198.18.1.1 }
    services:
      vm:
        hosts: "g[1-5]"
        base: nope
        vcpus: 2
        memory: 2
        guests:
          g2: { mac: "52:54:00:00:00:01" }
          g3: { mac: "52:54:00:00:00:01", base: deb13 }
        capacity:
          cloud1: { vcpus: 4, memory: 64 }
          cloud2: { memory: 1 }
  `),
    [
      'FILE:5:16: hosts.g4.vm_on: host cloud9 is not defined under hosts (vm_on of g4)',
      'FILE:6:33: hosts.g5.address: g5 and cloud1 both have address 198.18.1.1 (cloud1 at FILE:3:3)',
      'FILE:10:11: services.vm.base: unknown base image `nope` (no vm/images/nope.json next to the services file)',
      'FILE:15:18: services.vm.guests.g3.mac: g3 and g2 both have MAC 52:54:00:00:00:01 (g2 at FILE:4:3)',
      'FILE:15:45: services.vm.guests.g3.base: unknown base image `deb13` (no vm/images/deb13.json next to the services file)',
      'FILE:17:7: services.vm.capacity.cloud1: guests g[1-3] on cloud1 need 6 vcpus, but cloud1 has 4',
      'FILE:18:7: services.vm.capacity.cloud2: guests g5 on cloud2 need 2 GiB of RAM, but cloud2 has 1 GiB',
    ],
  );
});
