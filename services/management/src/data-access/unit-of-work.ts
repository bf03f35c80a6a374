// One transaction over several repositories: the domain asks for a unit of work (domain/ports.ts) and gets
// repositories bound to the same transaction, without seeing knex. Throwing inside rolls everything back.
import type { Knex } from '@hookway/db';
import type { InTransaction } from '../domain/ports.js';
import { DeliveryAttemptRepository } from './delivery-attempt.repository.js';
import { DeliveryJobRepository } from './delivery-job.repository.js';
import { IdempotencyKeyRepository } from './idempotency-key.repository.js';
import { IntegrationRepository } from './integration.repository.js';
import { SourceRepository } from './source.repository.js';

export function transactional(db: Knex): InTransaction {
  return (work) => db.transaction((trx) => work({
    integrations: new IntegrationRepository(trx),
    idempotencyKeys: new IdempotencyKeyRepository(trx),
    jobs: new DeliveryJobRepository(trx),
    attempts: new DeliveryAttemptRepository(trx),
    sources: new SourceRepository(trx),
  }));
}
