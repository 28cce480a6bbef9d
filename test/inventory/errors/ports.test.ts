// The ports block and the ports services listen on.
import assert from 'node:assert/strict';
import { test } from 'node:test';
import { issues, yaml } from '../helpers.js';

test('two names in the ports block with one number', () => {
  assert.deepEqual(
    issues(yaml`
    deployment: t
    hosts: { cloud1: {} }
    ports:
      hub_proxy: 5001
      snap: 5001
      cassandra_internode: [7000, 5001]
  `),
    [
      'services.yaml:5:9: ports.snap: port 5001 is already given to `hub_proxy` at services.yaml:4:14',
      'services.yaml:6:31: ports.cassandra_internode[1]: port 5001 is already given to `hub_proxy` at services.yaml:4:14',
    ],
  );
});

test('hub instance i listens on ports.hub + i, which may run into another port on the host', () => {
  assert.deepEqual(
    issues(yaml`
    deployment: t
    hosts: { "web[1-2]": {} }
    ports: { hub: 5000, hub_proxy: 5001 }
    services:
      hub: { hosts: "web[1-2]", instances: 2 }
  `),
    [
      'services.yaml:5:40: services.hub.instances: port 5001 clashes on web[1-2]: ' +
        'hub instance 1 port (ports.hub + 1) and hub instance 0 proxy_port (ports.hub_proxy)',
    ],
  );
});

test('two services on one host told to use the same ports entry', () => {
  assert.deepEqual(
    issues(yaml`
    deployment: t
    hosts: { "web[1-2]": {}, edge: {} }
    ports: { nginx: 8080, snap: 5200 }
    services:
      nginx: { hosts: "web[1-2],edge" }
      snap: { hosts: "web2,edge", port: nginx }
  `),
    [
      'services.yaml:6:3: services.snap: port 8080 clashes on edge,web2: snap port (ports.nginx) and nginx port (ports.nginx)',
    ],
  );
});

test('a service port: naming an entry the ports block lacks', () => {
  assert.deepEqual(
    issues(yaml`
    deployment: t
    hosts: { web1: {} }
    ports: { hub: 5000, hub_proxy: 5100, nginx: 8080 }
    services:
      hub: { hosts: web1, proxy_port: hub_prxy }
      snap: { hosts: web1, port: www }
      haproxy: { hosts: web1, port: nginx }
  `),
    [
      'services.yaml:5:35: services.hub.proxy_port: unknown port name `hub_prxy` (did you mean `hub_proxy`?)',
      'services.yaml:6:30: services.snap.port: unknown port name `www` (ports: hub, hub_proxy, nginx)',
      'services.yaml:7:3: services.haproxy: needs port `haproxy_stats`: add it to the ports block, or set `stats_port:` to one of its names',
    ],
  );
});
