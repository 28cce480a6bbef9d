// nginx.conf from the services file: the port from the ports block, the static root, every file
// under the deployment's directory, and values that would break nginx's syntax rejected where
// they are written.
import assert from 'node:assert/strict';
import { test } from 'node:test';
import { ConfigError } from '../../../admin/errors.js';
import { nginxConfigFrom, renderNginxConfig } from '../../../admin/services/nginx/config.js';
import { serviceKind } from '../../../admin/services/index.js';
import { inv, YAML } from '../helpers.js';

const unit = (i = inv()) => serviceKind('nginx').units(i)[0]!;
const withNginx = (line: string): string => YAML.replace('  nginx: { hosts: "web1" }', line);

test('the rendered config for the test deployment (defaults)', () => {
  const I = inv();
  assert.equal(
    renderNginxConfig(nginxConfigFrom(I, unit(I))),
    [
      '# nginx for deployment t, rendered by salvo from the services file.',
      '# Do not edit: `salvo restart nginx` renders it again and reloads nginx (HUP: no request dropped).',
      'daemon on;',
      'master_process on;',
      'worker_processes auto;',
      'user www-data;',
      'pid /srv/salvo/t/pids/nginx.0.pid;',
      'error_log /srv/salvo/t/logs/nginx.0.log notice;',
      'events {',
      '    worker_connections 1024;',
      '}',
      'http {',
      '    access_log /srv/salvo/t/logs/nginx.0.access.log;',
      '    client_body_temp_path /srv/salvo/t/nginx/client_body;',
      '    proxy_temp_path /srv/salvo/t/nginx/proxy;',
      '    fastcgi_temp_path /srv/salvo/t/nginx/fastcgi;',
      '    uwsgi_temp_path /srv/salvo/t/nginx/uwsgi;',
      '    scgi_temp_path /srv/salvo/t/nginx/scgi;',
      '    sendfile on;',
      '    server_tokens off;',
      '    default_type application/octet-stream;',
      '    types { text/html html htm; text/css css; text/plain txt; application/javascript js mjs; application/json json; image/png png; image/jpeg jpg jpeg; image/gif gif; image/svg+xml svg; image/x-icon ico; font/woff2 woff2; application/wasm wasm; }',
      '    server {',
      '        listen 8080;',
      '        root /srv/salvo/t/static;',
      '        location = /alive { access_log off; default_type text/plain; return 200 "ok\\n"; }',
      '        location /static/ { alias /srv/salvo/t/static/; }',
      '    }',
      '}',
      '',
    ].join('\n'),
  );
});

test('options: root (trailing slash dropped), worker_processes, user, and `port:` naming another ports entry', () => {
  const text = withNginx(
    '  nginx: { hosts: "web1", root: /var/www/static/, worker_processes: 3, user: nginx, port: haproxy_stats }',
  );
  const I = inv(text);
  const c = nginxConfigFrom(I, unit(I));
  assert.deepEqual(
    [c.port, c.root, c.workerProcesses, c.user],
    [8404, '/var/www/static', 3, 'nginx'],
  );
  const conf = renderNginxConfig(c);
  for (const line of [
    'worker_processes 3;',
    'user nginx;',
    '        listen 8404;',
    '        root /var/www/static;',
    '        location /static/ { alias /var/www/static/; }',
  ]) {
    assert.ok(conf.includes(`${line}\n`), line);
  }
  const slash = renderNginxConfig({ ...c, root: '' }); // root: /
  assert.match(slash, /^ {8}root \/;$/m);
  assert.match(slash, /^ {8}location \/static\/ \{ alias \/; \}$/m);
});

test('a root that would break nginx.conf is a ConfigError at its line and column', () => {
  for (const bad of [
    '"/srv/x; return 200 pwned"',
    '"/srv/x{"',
    '"/srv/$host"',
    '"/srv/a b"',
    '"/srv/x#c"',
    '"/srv/it\'s"',
    'relative/path',
  ]) {
    const text = withNginx(`  nginx: { hosts: "web1", root: ${bad} }`);
    const line = text.split('\n').findIndex((l) => l.includes('root:')) + 1;
    assert.throws(
      () => inv(text),
      (e: unknown) => {
        assert.ok(e instanceof ConfigError, String(e));
        assert.match(
          e.message,
          new RegExp(
            `^/etc/t/services\\.yaml:${line}:\\d+: .*absolute path of letters, digits`,
            'm',
          ),
          e.message,
        );
        return true;
      },
      bad,
    );
  }
});

test('user and worker_processes are checked too; the renderer rejects what the schema would have', () => {
  assert.throws(
    () => inv(withNginx('  nginx: { hosts: "web1", user: "root; daemon off" }')),
    ConfigError,
  );
  assert.throws(
    () => inv(withNginx('  nginx: { hosts: "web1", worker_processes: many }')),
    /"auto" or a whole number/,
  );
  // An Inventory built in code, not from a file: the renderer checks again, at the service.
  const I = inv();
  I.services.get('nginx')!.options.root = '/srv/x; evil';
  assert.throws(
    () => nginxConfigFrom(I, unit(I)),
    (e: unknown) => {
      assert.ok(e instanceof ConfigError);
      assert.match(
        e.message,
        /^\/etc\/t\/services\.yaml:\d+:\d+: services\.nginx: root: "\/srv\/x; evil" is not allowed/,
      );
      return true;
    },
  );
});

test('command is optional for nginx (the binary, default nginx); `command:` as a list is the binary and its arguments', () => {
  const I = inv(
    withNginx(
      '  nginx: { hosts: "web1", command: [/usr/local/nginx/sbin/nginx, -g, "worker_shutdown_timeout 5s;"] }',
    ),
  );
  const start = serviceKind('nginx').plan('start', unit(I), I, {});
  const parts = start[1]!.command.parts.map(String).slice(4);
  assert.deepEqual(parts.slice(5), [
    '/usr/local/nginx/sbin/nginx',
    '-g',
    'worker_shutdown_timeout 5s;',
    '-e',
    '/srv/salvo/t/logs/nginx.0.log',
    '-c',
    '/srv/salvo/t/nginx/nginx.conf',
  ]);
});
