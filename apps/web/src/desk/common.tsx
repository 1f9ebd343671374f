import { ApiError } from '../lib/api';
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

/**
 * Why an action on the request on screen was refused. A 404 there is not « introuvable »: she was reading it, so
 * her rights changed (removed from the group, the organisation) or it was deleted meanwhile; the server cannot say
 * which without telling a stranger the request exists, the page can.
 */
export function actionErrorText(error: unknown): string {
  if (error instanceof ApiError && error.status === 404)
    return tr(
      'Vous n’avez plus accès à cette demande : vos droits ont changé (retrait d’un groupe d’instruction, par exemple) ou elle a été supprimée entre-temps. Rien n’a été enregistré ; votre texte reste affiché ici.',
      'You no longer have access to this request: your rights changed (removed from a group, for instance) or it was deleted meanwhile. Nothing was recorded; your text stays here.',
    );
  return errorText(error);
}
