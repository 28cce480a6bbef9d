// haproxy.cfg rendered from the services file: one backend per balanced service, one server per
// instance of it, HTTP health checks, and an admin-level stats socket for the runtime API
// (drain / ready during rolling restarts). Pure: rendering only.
import type { Inventory } from '../../inventory/types.js';
import { portOf } from '../argv.js';
import { haproxyPaths } from '../layout.js';
import { instanceCount } from '../units.js';

export interface BackendServer {
  name: string;
  address: string;
  port: number;
}

export interface Backend {
  name: string; // the service: hub
  healthPath: string; // option httpchk GET …
  route?: string; // path prefix sent here; the first backend takes everything else
  servers: BackendServer[];
}

export interface HaproxyConfig {
  deployment: string;
  port: number;
  statsPort?: number;
  socket: string;
  backends: Backend[];
}

/** haproxy's name for one instance: `cloud1:0` (haproxy allows letters, digits, . _ - :). */
export const serverName = (host: string, instance: number): string => `${host}:${instance}`;

/** Health URL path and route of each kind that can sit behind haproxy. */
const BALANCED: Record<string, { healthPath: string; route?: string }> = {
  hub: { healthPath: '/alive' },
  snap: { healthPath: '/alive', route: '/snap/' },
  nginx: { healthPath: '/alive', route: '/static/' },
};

function backendsFrom(inv: Inventory): Backend[] {
  const names = (inv.services.get('haproxy')?.options.backends as string[] | undefined) ?? ['hub'];
  return names.flatMap((name, i) => {
    const spec = inv.services.get(name);
    if (!spec) {
      return [];
    }
    const kind = BALANCED[name] ?? { healthPath: '/alive', route: `/${name}/` };
    const servers = spec.hosts.flatMap((host) =>
      Array.from({ length: instanceCount(spec) }, (_, inst) => ({
        name: serverName(host, inst),
        address: inv.hosts.get(host)?.address ?? host,
        port: portOf(spec, 'port', inst) ?? 0,
      })),
    );
    return [
      {
        name,
        healthPath: kind.healthPath,
        ...(i > 0 && kind.route ? { route: kind.route } : {}),
        servers,
      },
    ];
  });
}

export function haproxyConfigFrom(inv: Inventory): HaproxyConfig {
  const spec = inv.services.get('haproxy');
  const statsPort = spec ? portOf(spec, 'stats_port', 0) : undefined;
  return {
    deployment: inv.deployment,
    port: (spec ? portOf(spec, 'port', 0) : undefined) ?? 8000,
    ...(statsPort !== undefined ? { statsPort } : {}),
    socket: haproxyPaths(inv.deployment).socket,
    backends: backendsFrom(inv),
  };
}

function backendBlock(b: Backend): string[] {
  return [
    `backend ${b.name}`,
    '    balance roundrobin',
    `    option httpchk GET ${b.healthPath}`,
    '    default-server check inter 1s fall 2 rise 2',
    ...b.servers.map((s) => `    server ${s.name} ${s.address}:${s.port}`),
  ];
}

export function renderHaproxyConfig(c: HaproxyConfig): string {
  const [first, ...others] = c.backends;
  const lines = [
    `# haproxy for deployment ${c.deployment}, rendered by salvo from the services file.`,
    '# Do not edit: `salvo restart haproxy` renders it again and reloads without dropping connections.',
    'global',
    `    stats socket ${c.socket} mode 600 level admin expose-fd listeners`,
    '    maxconn 4000',
    'defaults',
    '    mode http',
    '    timeout connect 2s',
    '    timeout client 30s',
    '    timeout server 30s',
    '    retries 3',
    '    option redispatch', // a connection refused by a stopping server is retried on another
    'frontend www',
    `    bind *:${c.port}`,
    ...others
      .filter((b) => b.route)
      .map((b) => `    use_backend ${b.name} if { path_beg ${b.route} }`),
    ...(first ? [`    default_backend ${first.name}`] : []),
    ...c.backends.flatMap(backendBlock),
    ...(c.statsPort !== undefined
      ? ['listen stats', `    bind *:${c.statsPort}`, '    stats enable', '    stats uri /stats']
      : []),
  ];
  return `${lines.join('\n')}\n`;
}
