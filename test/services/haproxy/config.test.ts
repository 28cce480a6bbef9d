// haproxy.cfg from the services file: a backend per balanced service, a server per instance.
import assert from 'node:assert/strict';
import { test } from 'node:test';
import {
  haproxyConfigFrom,
  renderHaproxyConfig,
  serverName,
} from '../../../admin/services/haproxy/config.js';
import { inv } from '../helpers.js';

test('the rendered config for the test deployment', () => {
  assert.equal(
    renderHaproxyConfig(haproxyConfigFrom(inv())),
    [
      '# haproxy for deployment t, rendered by salvo from the services file.',
      '# Do not edit: `salvo restart haproxy` renders it again and reloads without dropping connections.',
      'global',
      '    stats socket /srv/salvo/t/haproxy/admin.sock mode 600 level admin expose-fd listeners',
      '    maxconn 4000',
      'defaults',
      '    mode http',
      '    timeout connect 2s',
      '    timeout client 30s',
      '    timeout server 30s',
      '    retries 3',
      '    option redispatch',
      'frontend www',
      '    bind *:8000',
      '    use_backend nginx if { path_beg /static/ }',
      '    default_backend hub',
      'backend hub',
      '    balance roundrobin',
      '    option httpchk GET /alive',
      '    default-server check inter 1s fall 2 rise 2',
      '    server web1:0 10.0.1.1:5000',
      '    server web1:1 10.0.1.1:5001',
      '    server web2:0 10.0.1.2:5000',
      '    server web2:1 10.0.1.2:5001',
      'backend nginx',
      '    balance roundrobin',
      '    option httpchk GET /alive',
      '    default-server check inter 1s fall 2 rise 2',
      '    server web1:0 10.0.1.1:8080',
      'listen stats',
      '    bind *:8404',
      '    stats enable',
      '    stats uri /stats',
      '',
    ].join('\n'),
  );
});

test('server names are what the runtime API is given: host:instance', () => {
  assert.equal(serverName('storm-web3', 1), 'storm-web3:1');
  assert.match(serverName('a-b.c_d', 0), /^[A-Za-z0-9._:-]+$/);
});
