// The two parts of ssh2 a connection needs, imported from their own files: ssh2's index also
// loads its server, its HTTP agents (and with them node's http, https and tls) and its key
// generator, ~10 ms of every `salvo exec` start-up for nothing. Types still come from 'ssh2'.
import type ssh2 from 'ssh2';
import ClientClass from 'ssh2/lib/client.js';
import keyParser from 'ssh2/lib/protocol/keyParser.js';

export const Client: typeof ssh2.Client = ClientClass;
export const parseKey: typeof ssh2.utils.parseKey = keyParser.parseKey;
