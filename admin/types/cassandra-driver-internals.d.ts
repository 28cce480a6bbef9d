// cassandra-driver ships types for its index only; this is the internal file
// admin/cassandra/driver-fixes.ts imports directly (the class of every connection to a node).
declare module 'cassandra-driver/lib/connection.js' {
  interface Connection {
    connected: boolean;
    isSocketOpen: boolean;
    close(callback?: (err?: Error) => void): void;
    clearAndInvokePending(innerError?: Error): void;
  }
  const Connection: { prototype: Connection };
  export default Connection;
}
