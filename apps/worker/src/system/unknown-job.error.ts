import { UnrecoverableError } from 'bullmq';

/**
 * A job naming something this installation's database does not hold (a ping,
 * an outbox row): it was queued by another database on the same queue prefix,
 * or its row is gone. Completing it would tell its owner « done » when nothing
 * was done; it fails at once instead (no retry: this database will not learn
 * it), stays in the failed set and is logged with this message.
 */
export class UnknownJobError extends UnrecoverableError {
  constructor(what: string) {
    super(`${what} is not in this installation's database: job of another installation sharing the queue prefix?`);
    this.name = 'UnknownJobError';
  }
}
