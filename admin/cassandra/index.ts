// cassandra: the Cassandra subsystem (docs/cassandra.md): a client that recovers, nodetool
// parsers, auth bootstrap with secrets, rolling repair. The Deployment's `dep.cassandra` (in
// deployment/subsystems/cassandra.ts) wires these to the services file.
export { authInit, type AuthInitOptions, type AuthInitResult, type ServiceUser } from './auth.js';
export {
  CassandraClient,
  classify,
  type ClientOptions,
  type ExecOptions,
  type QueryResult,
} from './client.js';
export { CassandraError, type CassandraFailure } from './errors.js';
export {
  parseCompactionStats,
  parseDescribeCluster,
  parseInfo,
  parseNetstats,
  parseRepair,
  type CompactionStats,
} from './nodetool/parse.js';
export {
  checkRingUp,
  rollingRepair,
  type RepairEvent,
  type RepairNode,
  type RepairOptions,
  type RepairSummary,
} from './repair.js';
export { ensureSecrets, listSecrets, readSecret, secretsDir } from './secrets.js';
export {
  applyComputePlan,
  COMPUTE_STATUSES,
  type ComputePlan,
  type ComputeServerRow,
  type ComputeStatus,
  listComputeServers,
  planComputeServers,
  setComputeServer,
} from './compute-servers.js';
export {
  addNodes,
  type MembershipEvent,
  type MembershipSummary,
  removeNode,
  ringCounts,
} from './membership.js';
export {
  alterKeyspaceCql,
  keyspaceReplication,
  type KeyspaceReplication,
  replicaProblems,
  replicationFactorOf,
  replicationFor,
  replicationProblems,
  requiredReplicas,
} from './replication.js';
