import { OUTBOX_JOBS, assertEveryOutboxJobHandled } from '@guichet/queue';
import { WorkflowWorkers } from './workflow-workers.service';

describe('WorkflowWorkers', () => {
  it('has a handler for every outbox job of the registry, and none other', () => {
    const workers = new WorkflowWorkers(...(Array(7).fill({}) as ConstructorParameters<typeof WorkflowWorkers>));
    expect(workers.handled().sort()).toEqual([...OUTBOX_JOBS].sort());
    expect(() => assertEveryOutboxJobHandled(workers.handled())).not.toThrow();
  });
});
