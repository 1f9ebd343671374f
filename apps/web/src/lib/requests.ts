import type { SubmissionView } from '@guichet/shared';

/**
 * Whether the citizen may change the answers of this request now: a draft, or a request the workflow lets them send
 * again (a correction asked). The server decides the same way (`citizenEditable`); the page only follows.
 */
export function citizenMayEdit(view: Pick<SubmissionView, 'status' | 'actions'>): boolean {
  return view.status === 'draft' || view.actions.some((action) => action.to === 'submitted');
}
