// Round trips (parse ∘ render = id) and strict parsing with line numbers.
import { test } from 'node:test';
import assert from 'node:assert/strict';
import {
  parseHostFile,
  renderHostFile,
  isWholeDer,
  type HostFile,
} from '../../admin/tinc/config/host-file.js';
import { parseTincConf, renderTincConf, type TincConf } from '../../admin/tinc/config/tinc-conf.js';
import {
  parseTincDown,
  parseTincUp,
  renderTincDown,
  renderTincUp,
} from '../../admin/tinc/config/up-down.js';
import { parseConfigText } from '../../admin/tinc/config/config-text.js';
import { TincParseError } from '../../admin/tinc/errors.js';
import { KEY, TINCD_K_HOST_FILE } from './fixtures.js';

const host: HostFile = {
  addresses: ['198.18.1.3'],
  port: 655,
  subnets: ['10.1.3.1/32'],
  publicKey: KEY,
  extra: [],
};

test('hosts/NAME round trip, with and without a key and extra settings', () => {
  assert.deepEqual(parseHostFile(renderHostFile(host)), host);
  const bare: HostFile = {
    addresses: ['cloud3.example.org 656'],
    subnets: [],
    extra: [{ key: 'Cipher', value: 'aes-128-cbc' }],
  };
  assert.deepEqual(parseHostFile(renderHostFile(bare)), bare);
});

test('the host file tincd -K writes parses to its key', () => {
  const parsed = parseHostFile(TINCD_K_HOST_FILE);
  assert.equal(parsed.publicKey, KEY);
  assert.deepEqual(parsed.addresses, []);
  assert.ok(isWholeDer(Buffer.from(KEY, 'base64')));
});

test('tincd syntax: optional =, case-insensitive names, comments', () => {
  const h = parseHostFile('# c\naddress 198.18.1.3\nSUBNET=10.1.3.1/32\n  port =  700  \n');
  assert.deepEqual(h, {
    addresses: ['198.18.1.3'],
    subnets: ['10.1.3.1/32'],
    port: 700,
    extra: [],
  });
});

function parseError(text: string): TincParseError {
  try {
    parseHostFile(text);
  } catch (e) {
    if (e instanceof TincParseError) {
      return e;
    }
    throw e;
  }
  assert.fail('expected a parse error');
}

test('damaged host files: each error names its line', () => {
  const good = renderHostFile(host);
  const lines = good.split('\n');
  const truncated = lines.slice(0, -3).join('\n'); // END line and the last key line gone
  assert.match(
    parseError(truncated).message,
    /line 6: -----BEGIN RSA PUBLIC KEY----- has no -----END line/,
  );
  const spliced = good.replace(/\n[A-Za-z0-9+/]{64}\n/, '\n'); // one key line removed: DER too short
  assert.match(parseError(spliced).message, /line 6: the public key is damaged/);
  assert.match(
    parseError(good.replace('Port = 655', 'Port = http')).message,
    /line 4: Port "http" is not a port number/,
  );
  assert.match(
    parseError(good.replace('Subnet = 10.1.3.1/32', 'Subnet = 10.1.3.300/32')).message,
    /line 5: Subnet/,
  );
  assert.match(parseError('Address =\n').message, /line 1: Address has no value/);
  assert.match(parseError('@@@ garbage\n').message, /line 1: not a "Variable = value" line/);
  assert.match(
    parseError(`${good}${good.slice(good.indexOf('-----BEGIN'))}`).message,
    /a second key block/,
  );
  assert.match(
    parseError(good.replace('RSA PUBLIC KEY-----\nMII', 'RSA PUBLIC KEY-----\nM*I')).message,
    /line 7: not base64/,
  );
});

test('tinc.conf round trip and what it refuses', () => {
  const conf: TincConf = {
    name: 'cloud2',
    connectTo: ['cloud1', 'storm_db3'],
    interface: 'lab',
    addressFamily: 'ipv4',
    mode: 'router',
    extra: [],
  };
  assert.deepEqual(parseTincConf(renderTincConf(conf)), conf);
  const minimal: TincConf = {
    name: 'x',
    connectTo: [],
    extra: [{ key: 'KeyExpire', value: '3600' }],
  };
  assert.deepEqual(parseTincConf(renderTincConf(minimal)), minimal);
  assert.throws(() => parseTincConf('ConnectTo = a\n'), /no Name line/);
  assert.throws(
    () => parseTincConf('Name = a\nName = b\n'),
    /line 2: Name given twice \(first on line 1\)/,
  );
  assert.throws(() => parseTincConf('Name = cloud-1\n'), /line 1: "cloud-1" is not a tinc name/);
});

test('tinc-up / tinc-down round trip; a foreign script is recognised as such', () => {
  const v = { address: '10.1.3.1', prefix: 16 };
  assert.deepEqual(parseTincUp(renderTincUp(v)), v);
  assert.deepEqual(parseTincDown(renderTincDown(v)), v);
  assert.match(renderTincUp(v), /^#!\/bin\/sh\n/);
  assert.equal(
    parseTincUp('#!/bin/sh\nifconfig $INTERFACE 10.1.3.1 netmask 255.0.0.0\n'),
    undefined,
  );
});

test('config text keeps PEM blocks apart from entries', () => {
  const t = parseConfigText(`Name = a\n${TINCD_K_HOST_FILE}`);
  assert.equal(t.entries.length, 1);
  assert.equal(t.pem[0]?.label, 'RSA PUBLIC KEY');
  assert.equal(t.pem[0]?.line, 3);
});
