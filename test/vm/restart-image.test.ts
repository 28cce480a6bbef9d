// A restart keeps the base image a guest runs (issue 14 item 5, as issue 9 item 11 for versions):
// the decision (which units keep what), the vm kind's restart steps booting the kept image, the
// plan's note naming `upgrade vm --image` as the way to switch, and the gate checking the image.
import assert from 'node:assert/strict';
import { mkdirSync, mkdtempSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { after, test } from 'node:test';
import { keptVersions } from '../../admin/deployment/running-versions.js';
import { loadInventory } from '../../admin/inventory/load.js';
import { buildPlan } from '../../admin/rollout/plan/plan.js';
import type { RolloutRequest } from '../../admin/rollout/types.js';
import { fileVersion } from '../../admin/services/argv.js';
import { SERVICE_KINDS, serviceKind } from '../../admin/services/index.js';
import { inv as hubInventory } from '../services/helpers.js';
import { HOME, yaml } from '../inventory/helpers.js';

const root = mkdtempSync(join(tmpdir(), 'salvo-vm-restart-'));
after(() => rmSync(root, { recursive: true, force: true }));
mkdirSync(join(root, 'vm', 'images'), { recursive: true });
for (const image of ['deb12', 'deb13', 'old']) {
  writeFileSync(join(root, 'vm', 'images', `${image}.json`), '{"disk":"disk.qcow2"}\n');
}
writeFileSync(
  join(root, 'services.yaml'),
  yaml`
    deployment: t
    hosts:
      cloud[1-2]: { address: "198.18.1.{n}" }
      g[1-3]: { vm_on: "cloud1", address: "198.18.2.{n}" }
    services:
      vm:
        hosts: "g[1-3]"
        base: deb12
        memory: 0.125
        bridge: br0
        guests:
          g3: { base: old }
  `,
);
const kinds = (k: string) => SERVICE_KINDS[k];

function req(op: RolloutRequest['op'], options: RolloutRequest['options'] = {}): RolloutRequest {
  return {
    op,
    target: 'vm',
    batch: { kind: 'count', n: 1 },
    wait: true,
    budget: { kind: 'count', n: 0 },
    rolling: false,
    ignorePlacement: false,
    options,
  };
}

/** The `base=` argument of a unit's start step. */
function bootedBase(plan: ReturnType<typeof buildPlan>, id: string): string | undefined {
  const unit = plan.batches.flatMap((b) => b.units).find((u) => u.id === id)!;
  const start = unit.steps.find((s) => s.name === 'start')!;
  return start.command.parts
    .map(String)
    .find((p) => p.startsWith('base='))
    ?.slice('base='.length);
}

test('the decision: a unit keeps what runs only where that differs from the file', () => {
  assert.deepEqual(
    keptVersions([
      { id: 'vm#0@g1', file: 'deb12', running: 'deb13' }, // upgraded: keeps deb13
      { id: 'vm#0@g2', file: 'deb12', running: 'deb12' }, // as the file says: nothing to keep
      { id: 'vm#0@g3', file: 'deb12' }, // stopped, crashed or unreadable: the file's
      { id: 'hub#0@h1', running: '2.0' }, // a file without a version: what runs
    ]),
    { 'vm#0@g1': 'deb13', 'hub#0@h1': '2.0' },
  );
  assert.deepEqual(keptVersions([]), {});
});

test("a guest's file version is its base (a per-guest override included)", async () => {
  const inv = await loadInventory(join(root, 'services.yaml'), { home: HOME } as never);
  const vm = serviceKind('vm');
  const [g1, , g3] = vm.units(inv);
  assert.equal(fileVersion(vm, g1!, inv), 'deb12');
  assert.equal(fileVersion(vm, g3!, inv), 'old');
  assert.equal(vm.versions?.fromProbe, true, "read from the physical host's probe");
  const hubs = hubInventory();
  const hub = serviceKind('hub');
  assert.equal(fileVersion(hub, hub.units(hubs)[0]!, hubs), '1.0', "a daemon's: `version`");
});

test('restart boots the image the guest runs, says so, and its gate checks it', async () => {
  const inv = await loadInventory(join(root, 'services.yaml'), { home: HOME } as never);
  const plan = buildPlan(inv, kinds, req('restart', { versions: { 'vm#0@g1': 'deb13' } }));
  assert.equal(bootedBase(plan, 'vm#0@g1'), 'deb13', 'the image that runs');
  assert.equal(bootedBase(plan, 'vm#0@g2'), 'deb12', 'the file says, nothing else runs');
  assert.equal(bootedBase(plan, 'vm#0@g3'), 'old', 'its own base');
  const units = plan.batches.flatMap((b) => b.units);
  assert.deepEqual(
    units.map((u) => u.steps.map((s) => s.name)),
    [
      ['stop', 'start'],
      ['stop', 'start'],
      ['stop', 'start'],
    ],
  );
  assert.equal(units.find((u) => u.id === 'vm#0@g1')!.gate!.version, 'deb13');
  assert.equal(units.find((u) => u.id === 'vm#0@g2')!.gate!.version, undefined);
  assert.deepEqual(plan.notes, [
    'vm#0@g1 runs deb13, the services file says deb12: restart keeps deb13; to switch, salvo upgrade vm --image deb12',
  ]);
  // Guests with different file images are told apart, each with its own switch command.
  const two = buildPlan(
    inv,
    kinds,
    req('restart', { versions: { 'vm#0@g1': 'deb13', 'vm#0@g2': 'deb13', 'vm#0@g3': 'deb13' } }),
  );
  assert.deepEqual(two.notes, [
    '2 units of vm (vm#0@g1, vm#0@g2) run deb13, the services file says deb12: restart keeps deb13; to switch, salvo upgrade vm --image deb12',
    'vm#0@g3 runs deb13, the services file says old: restart keeps deb13; to switch, salvo upgrade vm --image old',
  ]);
  // Without versions read from the hosts (nothing differs): the file's image, no note.
  const plain = buildPlan(inv, kinds, req('restart'));
  assert.equal(bootedBase(plain, 'vm#0@g1'), 'deb12');
  assert.equal(plain.notes, undefined);
});

test('upgrade --image boots the new image; start boots the file', async () => {
  const inv = await loadInventory(join(root, 'services.yaml'), { home: HOME } as never);
  const up = buildPlan(inv, kinds, req('upgrade', { version: 'deb13' }));
  assert.equal(bootedBase(up, 'vm#0@g1'), 'deb13');
  assert.equal(bootedBase(up, 'vm#0@g3'), 'deb13');
  const start = buildPlan(inv, kinds, req('start', { versions: { 'vm#0@g1': 'deb13' } }));
  assert.equal(bootedBase(start, 'vm#0@g1'), 'deb12', 'start boots what the file says');
});

test('a daemon restart keeping its version: the note names --version', () => {
  const hubs = hubInventory();
  const plan = buildPlan(hubs, kinds, {
    ...req('restart', { versions: { 'hub#0@web1': '2.0' } }),
    target: 'hub',
  });
  assert.deepEqual(plan.notes, [
    'hub#0@web1 runs 2.0, the services file says 1.0: restart keeps 2.0; to switch, salvo upgrade hub --version 1.0',
  ]);
});
