// ssh2 ships types for its index only; these are the two internal files admin/transport/ssh/ssh2.ts
// imports directly (same objects the index re-exports as Client and utils.parseKey).
declare module 'ssh2/lib/client.js' {
  import type ssh2 from 'ssh2';
  const Client: typeof ssh2.Client;
  export default Client;
}
declare module 'ssh2/lib/protocol/keyParser.js' {
  import type ssh2 from 'ssh2';
  const keyParser: { parseKey: typeof ssh2.utils.parseKey };
  export default keyParser;
}
