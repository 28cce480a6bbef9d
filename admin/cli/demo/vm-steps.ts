// Demo steps for qemu guests (`salvo demo --vms`): two guests added to the lab on its first host,
// both booted (at most two at once on that host), a command run inside them, a rolling restart
// (one guest at a time: they share a physical host), then stopped. Slow under TCG (each guest
// answers SSH 8–20 s after its start), hence behind a flag.
import type { DemoContext, Salvo, Step } from './context.js';

export function vmSteps(salvo: Salvo): Step[] {
  return [
    async (ctx) => {
      const { labAddVms } = await import('../../lab/index.js');
      await labAddVms(ctx.lab.dir, 2);
      ctx.say(
        `\n== (salvo lab up --vms: guests vm1, vm2 on ${ctx.lab.hosts[0]!.name}, base image built from Debian packages)`,
      );
      await salvo(ctx, 0, 'the guests as the services file defines them', 'vm', 'list');
      await salvo(
        ctx,
        0,
        'boot every guest: host keys recorded before boot, gate = the guest answers SSH',
        'vm',
        'start',
        'all',
        '--per-host',
        '2',
      );
      await salvo(
        ctx,
        0,
        'a guest is a host of the fleet: a command runs inside both',
        'exec',
        'vm[1-2]',
        '--',
        'hostname; cat /data/BASE',
      );
      await salvo(
        ctx,
        0,
        'rolling restart: one guest at a time (they share a physical host), each on a new overlay',
        'vm',
        'restart',
        'vm[1-2]',
      );
      await salvo(ctx, 0, 'state, accel, uptime of each guest', 'vm', 'status');
      await salvo(
        ctx,
        0,
        'graceful stop: ACPI power button, nothing left behind',
        'vm',
        'stop',
        'all',
      );
    },
  ];
}
