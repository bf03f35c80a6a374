// What the audit tests share: the stored row, the chain recomputed from stored rows alone, the
// batch-size histogram read from /metrics, and the database, broker and publisher beside a running service.
import { expect } from '@jest/globals';
import { chainHash, GENESIS_HASH } from '@hookway/contracts';
import type { AuditEntryRow } from '@hookway/db';
import { Broker } from '@hookway/broker';
import { createTestBroker, createTestDatabase, silentLogger, testConfig, type TestBroker, type TestDatabase } from '@hookway/testing';

/** The columns of a stored entry the audit tests read. */
export type EntryRow = Omit<AuditEntryRow, 'recorded_at'>;

/** Rows in id order link from the genesis hash, and each hash recomputes from the row itself. */
export function expectChainVerifies(rows: readonly EntryRow[]): void {
  let prev = GENESIS_HASH;
  for (const row of rows) {
    expect(row.prev_hash).toBe(prev);
    const recomputed = chainHash(prev, {
      factId: row.fact_id, entityType: row.entity_type, entityId: row.entity_id, action: row.action, actor: row.actor,
      correlationId: row.correlation_id, occurredAt: row.occurred_at.toISOString(), details: row.details,
      // A NULL workspace is no field at all, as it was hashed.
      workspaceId: row.workspace_id ?? undefined,
    });
    expect(row.hash).toBe(recomputed);
    prev = row.hash;
  }
}

/** Append transactions so far and the facts they carried, from hookway_audit_append_batch_size. */
export function batchSizes(metrics: string): { batches: number; facts: number } {
  const read = (series: string): number => {
    const match = new RegExp(`^hookway_audit_append_batch_size_${series}\\{service="audit"\\} (\\d+)$`, 'm').exec(metrics);
    if (!match) throw new Error(`hookway_audit_append_batch_size_${series} is not in the metrics`);
    return Number(match[1]);
  };
  return { batches: read('count'), facts: read('sum') };
}

/** What a test of the running service needs beside it: its own database, broker prefix and a publisher of facts. */
export interface AuditTestBed {
  database: TestDatabase;
  broker: TestBroker;
  publisher: Broker;
  /** Closes the publisher, deletes the prefix's queues and drops the database (stop the service first). */
  close(): Promise<void>;
}

export async function auditTestBed(label: string): Promise<AuditTestBed> {
  const database = await createTestDatabase(label);
  const broker = await createTestBroker(label, [50]);
  const config = testConfig({ databaseUrl: database.url, brokerPrefix: broker.prefix });
  const publisher = await Broker.connect({ url: config.rabbitmqUrl, prefix: broker.prefix, retryScheduleMs: [50], logger: silentLogger() });
  return {
    database,
    broker,
    publisher,
    close: async () => {
      await publisher.close();
      await broker.cleanup();
      await database.drop();
    },
  };
}
