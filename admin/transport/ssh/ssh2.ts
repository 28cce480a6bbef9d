// Everything Salvo takes from ssh2 in one place: the two parts a connection needs, and two
// changes to how a client behaves on the wire.
//
// The parts are imported from their own files: ssh2's index also loads its server, its HTTP
// agents (and with them node's http, https and tls) and its key generator, a cost on every
// `salvo exec` start-up for nothing. Types still come from 'ssh2'.
//
// The wire changes are applied right after connect(): packets written in one tick leave together,
// and sshd's host key announcement is not answered with a request to prove every key. Both reach
// into ssh2's internals (`_sock`, `_protocol._handlers`), as does noticing the server's first
// bytes; test/transport/hostkeys/announcements.test.ts checks that the shipped ssh2 still has them.
import type { Writable } from 'node:stream';
import type ssh2 from 'ssh2';
import ClientClass from 'ssh2/lib/client.js';
import keyParser from 'ssh2/lib/protocol/keyParser.js';

export const Client: typeof ssh2.Client = ClientClass;
export const parseKey: typeof ssh2.utils.parseKey = keyParser.parseKey;
type Client = ssh2.Client;

/** Both changes, on a client whose connect() has just been called (it made the socket). */
export function tuneClient(client: Client): void {
  const sock = (client as unknown as { _sock?: Writable })._sock;
  if (sock) {
    coalesceWrites(sock);
  }
  ignoreHostKeyAnnouncements(client);
}

/**
 * ssh2 writes every SSH packet with its own write(): several per round trip (NEWKEYS and the
 * service request, a channel open and its exec request and EOF). Corking the socket until the
 * end of the tick sends them in one writev: fewer segments on the wire, fewer syscalls, and
 * fewer wake-ups of the server.
 */
export function coalesceWrites(sock: Writable): void {
  const write = sock.write.bind(sock) as (...args: unknown[]) => boolean;
  let corked = false;
  sock.write = ((...args: unknown[]): boolean => {
    if (!corked) {
      corked = true;
      sock.cork();
      process.nextTick(() => {
        corked = false;
        sock.uncork();
      });
    }
    return write(...args);
  }) as typeof sock.write;
}

type GlobalRequestHandler = (p: unknown, name: string, wantReply: boolean, data: unknown) => void;
interface Ssh2Internals {
  _protocol?: {
    _handlers?: { GLOBAL_REQUEST?: GlobalRequestHandler };
    requestSuccess?: () => void;
  };
}

/**
 * OpenSSH's sshd announces all its host keys after authentication (hostkeys-00@openssh.com), and
 * ssh2 answers every announcement by asking the server to prove each key: one more round trip
 * and one signature per host key on the server (an RSA signature costs it milliseconds). Salvo
 * learns host keys only on purpose (`salvo hosts trust`), never from this message — OpenSSH with
 * UpdateHostKeys off ignores it too — so it is acknowledged and dropped.
 */
export function ignoreHostKeyAnnouncements(client: Client): void {
  const proto = (client as unknown as Ssh2Internals)._protocol;
  const handlers = proto?._handlers;
  const original = handlers?.GLOBAL_REQUEST;
  if (!handlers || typeof original !== 'function') {
    return;
  }
  handlers.GLOBAL_REQUEST = (p, name, wantReply, data) => {
    if (name !== 'hostkeys-00@openssh.com') {
      return original(p, name, wantReply, data);
    }
    if (wantReply) {
      proto.requestSuccess?.();
    }
  };
}

/**
 * ssh2's Client.destroy() skips a socket that is no longer writable, which is every socket it has
 * already ended: after end() to a peer that vanished, the socket would wait in FIN-WAIT-1 for
 * minutes and hold the process open. Destroy the socket itself.
 */
export function destroySocket(client: ssh2.Client): void {
  const sock = (client as unknown as { _sock?: { destroy(): void } })._sock;
  if (sock) {
    sock.destroy();
  } else {
    client.destroy();
  }
}

/**
 * Call `then` when the server's first bytes arrive (its identification line): the end of what
 * ssh's ConnectTimeout covers. A listener beside ssh2's own: ssh2 has paused the socket until it
 * is connected, so nothing is read early. Without the socket (a changed ssh2), the end of key
 * exchange stands in.
 */
export function onServerSpeaks(client: ssh2.Client, then: () => void): void {
  const sock = (client as unknown as { _sock?: NodeJS.EventEmitter })._sock;
  if (sock) {
    sock.once('data', then);
  } else {
    client.once('handshake', then);
  }
}
