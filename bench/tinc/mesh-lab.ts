// The lab the tinc benchmark runs on: N namespace hosts, a services file with a tinc section, and
// a reset back to "nothing" (no tincd, no /etc/tinc/NET, no record) between runs.
import { mkdtemp, rm, writeFile } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { labDown, labUp, type Lab } from '../../admin/lab/index.js';
import { Deployment } from '../../admin/deployment/deployment.js';
import { cmd } from '../../admin/transport/command.js';

export const NET = 'bench';

export interface MeshLab {
  lab: Lab;
  services: string;
  confDir: string;
  upS: number;
}

export async function buildMeshLab(hosts: number): Promise<MeshLab> {
  const dir = await mkdtemp(join(tmpdir(), 'salvo-bench-tinc-'));
  const t0 = Date.now();
  const lab = await labUp({ hosts, dir });
  const upS = (Date.now() - t0) / 1000;
  const services = join(dir, 'services-tinc.yaml');
  await writeFile(
    services,
    [
      'deployment: bench',
      'ssh: { user: root, identity: ./id_ed25519, known_hosts: ./known_hosts, config: null }',
      'hosts:',
      ...lab.hosts.map((h) => `  ${h.name}: { address: "${h.address}", vpn: "10.1.${h.n}.1" }`),
      `tinc: { netname: ${NET}, connect_to: all }`,
      '',
    ].join('\n'),
  );
  return { lab, services, confDir: join(dir, 'conf', 'tinc_hosts'), upS };
}

/** Back to nothing: tincd stopped through the product, config and keys deleted, record removed. */
export async function resetMesh(m: MeshLab): Promise<void> {
  const { tincStop } = await import('../../admin/tinc/index.js');
  const dep = await Deployment.open(m.services);
  try {
    await tincStop(dep);
    const results = await dep.exec(
      m.lab.hosts.map((h) => h.name),
      cmd('rm', '-rf', `/etc/tinc/${NET}`),
    );
    const bad = results.filter((r) => !r.ok);
    if (bad.length) {
      throw new Error(`reset failed on ${bad.map((r) => r.host).join(', ')}`);
    }
  } finally {
    await dep.close();
  }
  await rm(m.confDir, { recursive: true, force: true });
}

export async function destroyMeshLab(m: MeshLab): Promise<void> {
  await resetMesh(m).catch(() => undefined); // labDown kills what runs in the namespaces anyway
  await labDown(m.lab.dir);
}
