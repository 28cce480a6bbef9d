// nginx.conf rendered from the services file, one per nginx unit: the static root served at /
// and at /static/ (haproxy routes /static/ here), /alive for health checks, and every file nginx
// writes (pid, logs, temp dirs) under the deployment's directory, so lab hosts sharing one
// filesystem apart from /srv never share one. Pure: rendering only.
import type { Inventory, ServiceSpec } from '../../inventory/types.js';
import { NGINX_PATH, NGINX_PATH_EXPECTED, NGINX_USER } from '../../inventory/schema/index.js';
import { configError, portOf } from '../argv.js';
import { nginxPaths, unitPaths } from '../layout.js';
import { serviceSpec } from '../units.js';
import type { Unit } from '../types.js';

export interface NginxConfig {
  deployment: string;
  port: number;
  address?: string; // listen on this address only (the tests: 127.0.0.1); all addresses when absent
  root: string; // without a trailing slash ('' for /)
  workerProcesses: 'auto' | number;
  user: string;
  pidFile: string;
  errorLog: string; // the unit's log: start, reload and stop messages land next to Salvo's own lines
  accessLog: string;
  tempDir: string;
}

/** nginx's temp dirs: it creates each (one level) below tempDir, so tempDir itself must exist. */
const TEMP_PATHS = ['client_body', 'proxy', 'fastcgi', 'uwsgi', 'scgi'];

/** A few MIME types, inline: /etc/nginx/mime.types belongs to one distribution's layout. */
const TYPES = [
  'text/html html htm',
  'text/css css',
  'text/plain txt',
  'application/javascript js mjs',
  'application/json json',
  'image/png png',
  'image/jpeg jpg jpeg',
  'image/gif gif',
  'image/svg+xml svg',
  'image/x-icon ico',
  'font/woff2 woff2',
  'application/wasm wasm',
];

/**
 * A value from the services file that nginx.conf will hold: checked again here (the schema checks
 * it at load time with its line and column), so an Inventory built another way cannot inject
 * directives either. The ConfigError points at the nginx service.
 */
function checked(
  spec: ServiceSpec,
  key: string,
  value: string,
  pattern: RegExp,
  expected: string,
): string {
  if (!pattern.test(value)) {
    throw configError(
      spec,
      `${key}: ${JSON.stringify(value)} is not allowed: expected ${expected}`,
    );
  }
  return value;
}

export function nginxConfigFrom(inv: Inventory, unit: Unit): NginxConfig {
  const spec = serviceSpec(inv, 'nginx');
  const paths = nginxPaths(inv.deployment, unit);
  const { pidFile, logFile } = unitPaths(inv.deployment, unit);
  const port = portOf(spec, 'port', unit.instance);
  if (port === undefined) {
    throw configError(spec, 'has no port (ports.nginx, or `port:` naming a ports entry)');
  }
  const root = typeof spec.options.root === 'string' ? spec.options.root : paths.root;
  const workers = spec.options.worker_processes;
  const user = typeof spec.options.user === 'string' ? spec.options.user : 'www-data';
  return {
    deployment: inv.deployment,
    port,
    root: checked(spec, 'root', root, NGINX_PATH, NGINX_PATH_EXPECTED).replace(/\/+$/, ''),
    workerProcesses:
      typeof workers === 'number' && Number.isInteger(workers) && workers > 0 ? workers : 'auto',
    user: checked(spec, 'user', user, NGINX_USER, 'a user name such as www-data'),
    pidFile,
    errorLog: logFile,
    accessLog: paths.accessLog,
    tempDir: paths.tempDir,
  };
}

export function renderNginxConfig(c: NginxConfig): string {
  const lines = [
    `# nginx for deployment ${c.deployment}, rendered by salvo from the services file.`,
    '# Do not edit: `salvo restart nginx` renders it again and reloads nginx (HUP: no request dropped).',
    'daemon on;', // the master forks and writes its pid file; Salvo signals it through that file
    'master_process on;',
    `worker_processes ${c.workerProcesses};`,
    `user ${c.user};`, // ignored (with a warning) when nginx does not start as root
    `pid ${c.pidFile};`,
    `error_log ${c.errorLog} notice;`, // notice: signals, reloads and worker exits, not every client
    'events {',
    '    worker_connections 1024;',
    '}',
    'http {',
    `    access_log ${c.accessLog};`,
    ...TEMP_PATHS.map((t) => `    ${t}_temp_path ${c.tempDir}/${t};`),
    '    sendfile on;',
    '    server_tokens off;',
    '    default_type application/octet-stream;',
    `    types { ${TYPES.join('; ')}; }`,
    '    server {',
    `        listen ${c.address ? `${c.address}:` : ''}${c.port};`,
    `        root ${c.root || '/'};`,
    '        location = /alive { access_log off; default_type text/plain; return 200 "ok\\n"; }',
    `        location /static/ { alias ${c.root}/; }`,
    '    }',
    '}',
  ];
  return `${lines.join('\n')}\n`;
}
