import { tr } from '../lib/i18n';
import { onLinkClick } from '../lib/router';
import { usePageTitle } from '../lib/title';
import type { Tab } from '@guichet/shared';

/** A page that could not be shown: its title, why, and the way back. */
export function Failure({ title, message }: { title: string; message: string }) {
  usePageTitle(title);
  return (
    <>
      <h1 tabIndex={-1}>{title}</h1>
      <p className="notice notice--error">{message}</p>
      <p>
        <a href="/instruction" onClick={onLinkClick}>
          {tr('Retour à mes démarches à instruire', 'Back to my services')}
        </a>
      </p>
    </>
  );
}

export const TAB_LABELS: Record<Tab, () => string> = {
  a_traiter: () => tr('À traiter', 'To process'),
  suivis: () => tr('Suivis', 'Followed'),
  traites: () => tr('Traités', 'Decided'),
  tous: () => tr('Tous', 'All'),
};

/** After a number: "12 à traiter". */
export const COUNT_LABELS: Record<Tab, () => string> = {
  a_traiter: () => tr('à traiter', 'to process'),
  suivis: () => tr('suivies', 'followed'),
  traites: () => tr('traitées', 'decided'),
  tous: () => tr('en tout', 'in all'),
};

/** Who holds a request, as the reader sees it: « Vous », the agent's name, or « Un autre agent » when unknown. */
export function assigneeText(assignee: string | null, meId: string, name?: string | null): string {
  if (!assignee) return tr('Personne', 'Nobody');
  if (assignee === `account:${meId}`) return tr('Vous', 'You');
  return name || tr('Un autre agent', 'Another agent');
}

export function errorText(error: unknown): string {
  return error instanceof Error ? error.message : String(error);
}
