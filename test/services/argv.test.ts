// The `command` option: placeholders filled per unit, checked when the file is loaded.
import assert from 'node:assert/strict';
import { test } from 'node:test';
import { ConfigError } from '../../admin/errors.js';
import { commandOption, portOf, renderArgv } from '../../admin/services/argv.js';
import { unitsOf } from '../../admin/services/units.js';
import { inv, YAML } from './helpers.js';

test('placeholders: ports per instance, id, host, n, version, deployment, dir', () => {
  const I = inv(
    YAML.replace(
      '--id, "{id}"]',
      '--id, "{id}", "{host}/{n}/{deployment}/{dir}/{proxy_port}/{instance}"]',
    ),
  );
  const spec = I.services.get('hub')!;
  const unit = unitsOf(I, 'hub', ['web2'])[1]!;
  assert.deepEqual(renderArgv(I, spec, unit, commandOption(spec)!, '3.0'), [
    'node',
    '/opt/hub/3.0/hub.js',
    '--port',
    '5001',
    '--id',
    'hub#1@web2',
    'web2/2/t//srv/salvo/t/5101/1',
  ]);
  assert.equal(portOf(I.services.get('cassandra')!, 'internode_port', 0), 7000);
});

test('a placeholder without a value here is a ConfigError naming the unit', () => {
  const I = inv(YAML.replace('version: "1.0"\n    stop_timeout', 'stop_timeout'));
  const spec = I.services.get('hub')!;
  assert.throws(
    () => renderArgv(I, spec, unitsOf(I, 'hub')[0]!, commandOption(spec)!),
    (e: Error) =>
      e instanceof ConfigError &&
      /hub#0@web1: \{version\} has no value here \(set `version:` or pass --version\)/.test(
        e.message,
      ),
  );
});

test('an unknown placeholder is reported when the services file is loaded', () => {
  assert.throws(
    () => inv(YAML.replace('"{id}"]', '"{idd}"]')),
    (e: Error) =>
      e instanceof ConfigError &&
      /services\.hub\.command: unknown placeholder \{idd\}/.test(e.message),
  );
});
