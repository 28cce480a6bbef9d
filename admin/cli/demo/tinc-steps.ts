// Demo steps for the tinc mesh: keys generated on the hosts, configs pushed, tincd started, and
// the all-pairs ping matrix; then a repeat run that changes nothing, and a clean stop.
import { writeFile } from 'node:fs/promises';
import { join } from 'node:path';
import type { DemoContext, Salvo, Step } from './context.js';

/**
 * The lab's services file has no tinc section, and earlier steps may have stopped a host's sshd:
 * the mesh is every host still answering, written to its own services file next to the lab's.
 */
async function meshServicesFile(ctx: DemoContext): Promise<string> {
  const file = join(ctx.lab.dir, 'services-tinc.yaml');
  // Running and not a zombie (a stopped sshd can linger as one until its parent reaps it).
  const { isRunning } = await import('../../lab/index.js');
  const running = await Promise.all(ctx.lab.hosts.map((h) => isRunning(h.sshdPid)));
  const alive = ctx.lab.hosts.filter((_, i) => running[i]);
  const hosts = alive.map((h) => `  ${h.name}: { address: "${h.address}", vpn: "10.1.${h.n}.1" }`);
  await writeFile(
    file,
    [
      'deployment: lab',
      'ssh: { user: root, identity: ./id_ed25519, known_hosts: ./known_hosts, config: null }',
      'hosts:',
      ...hosts,
      'tinc: { netname: lab, connect_to: all }',
      '',
    ].join('\n'),
  );
  ctx.say(
    `\n== (wrote ${file}: the ${alive.length} answering hosts, each with a vpn address, and a tinc section)`,
  );
  return file;
}

export function tincSteps(salvo: Salvo): Step[] {
  return [
    async (ctx) => {
      const s = ['-s', await meshServicesFile(ctx)];
      await salvo(
        ctx,
        0,
        'tinc mesh: key pairs generated on each host (2048 bits in the lab), public host files collected, configs pushed, tincd started, all pairs pinged',
        ...s,
        'tinc',
        'init',
        '--key-bits',
        '2048',
      );
      await salvo(
        ctx,
        0,
        'the all-pairs ping matrix over the VPN (one SSH command per host, pings in parallel)',
        ...s,
        'tinc',
        'verify',
        '--matrix',
      );
      await salvo(
        ctx,
        0,
        'run init again: nothing changed, so nothing is restarted',
        ...s,
        'tinc',
        'init',
      );
      await salvo(ctx, 0, 'stop tincd everywhere through its pid file', ...s, 'tinc', 'stop');
    },
  ];
}
