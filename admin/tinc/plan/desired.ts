// The files each member should have, from the mesh spec and the members' public keys. Pure.
import { connectTargets, type MeshMember, type MeshSpec } from '../mesh.js';
import { renderHostFile, type HostFile } from '../config/index.js';
import { renderTincConf, type TincConf } from '../config/index.js';
import { renderTincDown, renderTincUp } from '../config/index.js';

/** A file under the tinc config dir: `tinc.conf`, `tinc-up`, `hosts/cloud3`. */
export interface DesiredFile {
  path: string;
  text: string;
  mode: number;
}

/** Public keys (base64 body) by services-file host name. */
export type KeyMap = ReadonlyMap<string, string>;

export function hostFile(spec: MeshSpec, m: MeshMember, publicKey: string): HostFile {
  return {
    addresses: [m.address],
    port: spec.port,
    subnets: [`${m.vpn}/32`],
    publicKey,
    extra: [],
  };
}

export function hostFileText(spec: MeshSpec, m: MeshMember, publicKey: string): string {
  return renderHostFile(hostFile(spec, m, publicKey));
}

/** ConnectTo lists only peers whose key is known: a peer without a host file cannot be dialled. */
function tincConf(spec: MeshSpec, m: MeshMember, keys: KeyMap): TincConf {
  return {
    name: m.name,
    interface: spec.iface,
    addressFamily: 'ipv4',
    mode: 'router',
    extra: [],
    connectTo: connectTargets(spec, m)
      .filter((o) => keys.has(o.host))
      .map((o) => o.name),
  };
}

/** Everything `m` should hold; members without a known key get no host file (yet). */
export function desiredFiles(spec: MeshSpec, m: MeshMember, keys: KeyMap): DesiredFile[] {
  const vpn = { address: m.vpn, prefix: spec.prefix };
  const files: DesiredFile[] = [
    { path: 'tinc.conf', text: renderTincConf(tincConf(spec, m, keys)), mode: 0o644 },
    { path: 'tinc-up', text: renderTincUp(vpn), mode: 0o755 },
    { path: 'tinc-down', text: renderTincDown(vpn), mode: 0o755 },
  ];
  for (const o of spec.members) {
    const key = keys.get(o.host);
    if (key !== undefined) {
      files.push({ path: `hosts/${o.name}`, text: hostFileText(spec, o, key), mode: 0o644 });
    }
  }
  return files;
}
