// File copy and gather (clush --copy / pdcp, clush --rcopy / rpdcp): files and directory trees,
// modes and modification times kept, every host in parallel through the pool. Both go by rsync
// over the host's own connection when both ends have rsync (rsync.ts: one pipelined stream, so a
// tree of small files costs no round trip per file), else over SFTP; a copy of a few new plain
// files goes by SFTP (nothing for rsync to skip). One CommandResult per host, as exec gives, so
// the same folding, summary and exit codes apply.
export { copyToHosts } from './put.js';
export { gatherFromHosts } from './gather.js';
export type { CopyVia, TransferOptions } from './hosts.js';
