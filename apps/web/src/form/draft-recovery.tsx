import { useState } from 'react';
import { ApiError, api } from '../lib/api';
import { tr } from '../lib/i18n';
import { onLinkClick } from '../lib/router';
import type { SubmissionView } from '@guichet/shared';
import { usePageTitle } from '../lib/title';

/** This browser's copy of a draft's answers, kept until the server has them all. */
export const localKey = (id: string) => `guichet.brouillon.${id}`;

interface LocalCopy {
  revision: number;
  data: Record<string, unknown>;
}

export function readLocalCopy(draftId: string): LocalCopy | null {
  try {
    const local = JSON.parse(localStorage.getItem(localKey(draftId)) ?? 'null') as Partial<LocalCopy> | null;
    return local?.data ? { revision: Number(local.revision), data: local.data } : null;
  } catch {
    // No storage or a damaged entry.
    return null;
  }
}

export function writeLocalCopy(draftId: string, copy: LocalCopy): void {
  try {
    localStorage.setItem(localKey(draftId), JSON.stringify(copy));
  } catch {
    // No storage: the server copy only.
  }
}

export function dropLocalCopy(draftId: string): void {
  try {
    localStorage.removeItem(localKey(draftId));
  } catch {
    // Nothing kept.
  }
}

/**
 * An anonymous session that expired mid-draft: the answers the page still
 * holds (or this browser kept) go into a new draft of the same service, so
 * nothing typed is lost. Answers the new draft refuses stay in this browser.
 */
async function recoverIntoNewDraft(slug: string, data: Record<string, unknown>): Promise<string> {
  const created = await api<{ id: string }>(`/api/v1/public/services/${encodeURIComponent(slug)}/submissions`, {
    method: 'POST',
    body: {},
  });
  const fresh = await api<SubmissionView>(`/api/v1/submissions/${encodeURIComponent(created.id)}`);
  writeLocalCopy(created.id, { revision: fresh.revision, data });
  await api(`/api/v1/submissions/${encodeURIComponent(created.id)}`, {
    method: 'PATCH',
    body: { data, expectedRevision: fresh.revision },
  }).catch(() => undefined);
  return created.id;
}

/** « Reprendre mes réponses dans un nouveau brouillon », for an expired anonymous session. */
export function RecoverButton({ slug, data }: { slug: string; data: () => Record<string, unknown> }) {
  const [busy, setBusy] = useState(false);
  const [problem, setProblem] = useState<string | null>(null);
  return (
    <>
      <button
        type="button"
        className="button"
        disabled={busy}
        onClick={() => {
          setBusy(true);
          setProblem(null);
          recoverIntoNewDraft(slug, data())
            .then((id) => {
              window.location.assign(`/demarches/${encodeURIComponent(slug)}?brouillon=${encodeURIComponent(id)}`);
            })
            .catch((error: unknown) => {
              setBusy(false);
              setProblem(error instanceof Error ? error.message : String(error));
            });
        }}
      >
        {tr('Reprendre mes réponses dans un nouveau brouillon', 'Copy my answers into a new draft')}
      </button>
      {problem && (
        <p className="error-message" role="alert">
          {problem}
        </p>
      )}
    </>
  );
}

/** The form could not be opened; an expired anonymous session still offers the answers this browser kept. */
export function LoadFailure({ error, slug, draftId }: { error: ApiError; slug: string; draftId: string }) {
  usePageTitle(tr('Formulaire indisponible', 'Form unavailable'));
  return (
    <>
      <h1 tabIndex={-1}>{tr('Ce formulaire ne peut pas être ouvert', 'This form cannot be opened')}</h1>
      <p className="notice notice--error">{error.message}</p>
      {error.body.code === 'SESSION_EXPIRED' && readLocalCopy(draftId) && (
        <RecoverButton slug={slug} data={() => readLocalCopy(draftId)?.data ?? {}} />
      )}
      <p>
        <a href="/mes-demarches" onClick={onLinkClick}>
          {tr('Retrouver mes démarches', 'Find my requests')}
        </a>
      </p>
    </>
  );
}

/** A request already sent and not open to corrections (« Précédent » after sending, an old link): where to follow it. */
export function AlreadySent({ draft }: { draft: SubmissionView }) {
  usePageTitle(tr('Demande déjà envoyée', 'Request already sent'));
  return (
    <>
      <h1 tabIndex={-1}>{tr('Cette demande a déjà été envoyée', 'This request has already been sent')}</h1>
      <p>
        {draft.reference
          ? tr(
              `Sa référence est ${draft.reference} et son état « ${draft.statusLabel} ». Ses réponses ne peuvent plus être modifiées ici.`,
              `Its reference is ${draft.reference} and its status “${draft.statusLabel}”. Its answers can no longer be changed here.`,
            )
          : tr(
              `Son état est « ${draft.statusLabel} ». Ses réponses ne peuvent plus être modifiées ici.`,
              `Its status is “${draft.statusLabel}”. Its answers can no longer be changed here.`,
            )}
      </p>
      <p>
        <a href={`/mes-demarches/${encodeURIComponent(draft.id)}`} onClick={onLinkClick}>
          {tr('Suivre ma demande', 'Follow my request')}
        </a>
      </p>
    </>
  );
}
