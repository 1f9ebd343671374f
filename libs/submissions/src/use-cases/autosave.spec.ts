import { DEFAULT_WORKFLOW, type WorkflowDefinition } from '@guichet/workflow';
import { citizenEditable } from '../transitions';
import { editableStatuses } from './autosave';

/** The one-statement autosave's status list says what `citizenEditable` says, status by status. */
describe('editableStatuses', () => {
  const custom: WorkflowDefinition = {
    ...DEFAULT_WORKFLOW,
    transitions: [
      ...DEFAULT_WORKFLOW.transitions,
      { name: 'complete', label: 'Compléter', from: ['incomplete', 'on_hold'], to: 'submitted', by: ['citizen'] },
      { name: 'agent_only', label: 'Relancer', from: ['paused'], to: 'submitted', by: ['caseworker'] },
      { name: 'elsewhere', label: 'Ailleurs', from: ['parked'], to: 'in_review', by: ['citizen'] },
    ],
  };
  const statuses = (workflow: WorkflowDefinition) => [
    'draft',
    'submitted',
    'in_review',
    'changes_requested',
    'accepted',
    'rejected',
    'closed',
    'incomplete',
    'on_hold',
    'paused',
    'parked',
    'changes',
    '',
    ...workflow.transitions.flatMap((t) => [...t.from, t.to]),
  ];

  it.each([
    ['the default workflow', DEFAULT_WORKFLOW],
    ['a workflow with more ways back to submitted', custom],
  ])('lists exactly the statuses citizenEditable accepts: %s', (_name, workflow) => {
    const listed = editableStatuses(workflow)!;
    for (const status of statuses(workflow))
      expect([status, listed.includes(status)]).toEqual([status, citizenEditable(workflow, status)]);
  });

  it('gives up on transitions that are not lists', () => {
    const odd = {
      ...DEFAULT_WORKFLOW,
      transitions: [{ name: 'x', label: 'x', from: 'changes_requested', to: 'submitted', by: ['citizen'] }],
    } as unknown as WorkflowDefinition;
    expect(editableStatuses(odd)).toBeNull();
    expect(
      editableStatuses({ ...DEFAULT_WORKFLOW, transitions: undefined } as unknown as WorkflowDefinition),
    ).toBeNull();
  });
});
