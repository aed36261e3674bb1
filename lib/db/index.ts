// The database layer: the one transaction type, the SQL dialect, the pool, the outbox, and the row
// types and column kinds generated from the schema. Domain code imports from here.
import { disconnectDb as disconnectPrimary } from "./prisma";
import { closeReplica } from "./replica";
export { sql, join, raw, empty, Sql } from "./sql";
export { query, pool, closePool, isUniqueViolation } from "./pool";
export { transaction, Tx, BatchConflict, type WriteOptions, type TransactionOptions } from "./tx";
export { newId } from "./ids";
export { inRequestTransaction } from "./request-tx";
export { isTransientFault, isConnectionFault } from "./faults";
export {
  ENUMS,
  NOW,
  ts,
  json,
  value,
  setSql,
  insertSql,
  tableSql,
  columnKinds,
  updateRows,
  type Table,
  type Row,
  type NewRow,
  type Filled,
  type Changes,
  type EnumValue,
  type TaskStatus,
  type InstanceStatus,
  type StepRunStatus,
  type ActorType,
} from "./schema";
export { AUDIT_CONTENT_FIELDS, AUDIT_CHAIN_FIELDS, type AuditActor, type AuditInput } from "./audit";
export {
  dispatchOutbox,
  pruneOutbox,
  handleLocally,
  runCompanions,
  prepareMessages,
  type OutboxInput,
  type OutboxRow,
  type JobLike,
  type LocalHandler,
} from "./outbox";
export { db, prismaClient, type ColdReads, type Prisma } from "./prisma";
export { onReplica, onReplicaWithFreshness, replicaStatus, replicaConfigured, type HeavyReader, type ReplicaStatus } from "./replica";
export { freshnessSchema, PRIMARY_FRESHNESS, type Freshness } from "./freshness";

/** Closes the pools and the read clients, the replica's too (shutdown, end of a script). */
export async function disconnectDb(): Promise<void> {
  await closeReplica();
  await disconnectPrimary();
}
