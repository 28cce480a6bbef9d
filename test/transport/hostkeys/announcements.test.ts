// sshd's host key announcement (hostkeys-00@openssh.com) is acknowledged and dropped: ssh2 would
// otherwise ask the server to prove every key (a round trip and a signature per key). The wrapper
// relies on ssh2 internals, so a test also checks that they are where it expects them.
import { test } from 'node:test';
import assert from 'node:assert/strict';
import type { Client } from 'ssh2';
import { Client as SshClient } from '../../../admin/transport/ssh/ssh2.js';
import { ignoreHostKeyAnnouncements } from '../../../admin/transport/ssh/ssh2.js';

function fakeClient(): { client: Client; seen: string[]; replies: number[] } {
  const seen: string[] = [];
  const replies: number[] = [];
  const proto = {
    _handlers: {
      GLOBAL_REQUEST: (_p: unknown, name: string) => {
        seen.push(name);
      },
    },
    requestSuccess: () => {
      replies.push(1);
    },
  };
  return { client: { _protocol: proto } as unknown as Client, seen, replies };
}

test('hostkeys-00 is acknowledged when asked and never reaches ssh2; other requests pass through', () => {
  const { client, seen, replies } = fakeClient();
  ignoreHostKeyAnnouncements(client);
  const handle = (
    client as unknown as { _protocol: { _handlers: { GLOBAL_REQUEST: (...a: unknown[]) => void } } }
  )._protocol._handlers.GLOBAL_REQUEST;
  handle(undefined, 'hostkeys-00@openssh.com', false, []);
  assert.deepEqual([seen, replies.length], [[], 0], 'no reply unless one is wanted');
  handle(undefined, 'hostkeys-00@openssh.com', true, []);
  assert.equal(replies.length, 1);
  handle(undefined, 'keepalive@openssh.com', true, undefined);
  assert.deepEqual(seen, ['keepalive@openssh.com']);
});

test('the ssh2 we ship has the internals the wrapper needs (else it would silently do nothing)', async () => {
  const client = new SshClient();
  const closed = new Promise<void>((resolve) =>
    client.on('error', () => undefined).on('close', () => resolve()),
  );
  client.connect({ host: '127.0.0.1', port: 1, username: 'nobody', readyTimeout: 2000 }); // nothing listens: refused at once
  const internals = client as unknown as {
    _protocol?: { _handlers?: { GLOBAL_REQUEST?: unknown }; requestSuccess?: unknown };
    _sock?: unknown;
  };
  assert.equal(typeof internals._protocol?._handlers?.GLOBAL_REQUEST, 'function');
  assert.equal(typeof internals._protocol?.requestSuccess, 'function');
  assert.equal(typeof (internals._sock as { cork?: unknown } | undefined)?.cork, 'function');
  const before = internals._protocol!._handlers!.GLOBAL_REQUEST;
  ignoreHostKeyAnnouncements(client);
  assert.notEqual(internals._protocol!._handlers!.GLOBAL_REQUEST, before);
  await closed;
});
