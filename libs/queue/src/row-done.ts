/**
 * A handler's answer when the statement that recorded its effect also marked the job's outbox row done: the two
 * cannot part (a worker dying before that statement finds neither written, after it has nothing left to record),
 * and the worker does not send a statement of its own to mark the row. Any other answer means « effect done or
 * never needed, row not marked »: the worker marks it once the handler has resolved, as before.
 *
 * Only a handler that knows its `outboxId` and wrote `done_at` for it in a statement that committed may answer
 * this; the worker returns `result` to BullMQ as the job's value.
 */
export class RowDone<T> {
  constructor(readonly result: T) {}
}

/** `result`, said to have marked its outbox row done in the same statement (see RowDone). */
export function rowDone<T>(result: T): RowDone<T> {
  return new RowDone(result);
}
