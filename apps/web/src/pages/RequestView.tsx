import { useCallback, useEffect, useRef, useState } from 'react';
import { api, ApiError } from '../lib/api';
import { tr } from '../lib/i18n';
import { onLinkClick } from '../lib/router';
import { citizenMayEdit } from '../lib/requests';
import { usePageTitle } from '../lib/title';
import type { SubmissionView } from '@guichet/shared';
import { RequestDocuments, RequestHistory, RequestMessages, RequestStatus, useMessageDraft } from './request-parts';

/** One request: status, what to do, history, messages, documents. After sending: the confirmation. */
export function RequestView({ id, justSent }: { id: string; justSent: boolean }) {
  const [view, setView] = useState<SubmissionView | null>(null);
  const [error, setError] = useState<ApiError | null>(null);
  const [sent, setSent] = useState<string | null>(null);
  /** The follow link of a request filed without an account (none for a signed-in citizen's: the API says 404). */
  const [followPath, setFollowPath] = useState<string | null>(null);
  const headingRef = useRef<HTMLHeadingElement>(null);
  const load = useCallback(
    () =>
      api<SubmissionView>(`/api/v1/submissions/${encodeURIComponent(id)}`)
        .then(setView)
        .catch((e: unknown) =>
          setError(e instanceof ApiError ? e : new ApiError(0, { code: 'INTERNAL', message: String(e) })),
        ),
    [id],
  );
  useEffect(() => {
    void load();
  }, [load]);
  const draft = useMessageDraft(
    (body) => api(`/api/v1/submissions/${view!.id}/messages`, { method: 'POST', body: { body } }),
    async () => {
      setSent(tr('Message envoyé.', 'Message sent.'));
      await load();
    },
  );
  usePageTitle(
    view
      ? justSent
        ? tr('Demande envoyée', 'Request sent')
        : `${view.service.title} — ${view.reference ?? tr('brouillon', 'draft')}`
      : tr('Ma demande', 'My request'),
  );
  useEffect(() => {
    if (view && justSent) headingRef.current?.focus();
  }, [view, justSent]);
  const followable = !!view?.reference && view.status !== 'draft';
  useEffect(() => {
    if (!followable) return;
    api<{ path: string }>(`/api/v1/submissions/${encodeURIComponent(id)}/follow-link`)
      .then((link) => setFollowPath(link.path))
      .catch(() => setFollowPath(null));
  }, [id, followable]);

  if (error)
    return (
      <>
        <h1 tabIndex={-1}>{tr('Demande introuvable', 'Request not found')}</h1>
        <p>{error.message}</p>
        <p>
          <a href="/mes-demarches" onClick={onLinkClick}>
            {tr('Retour à mes démarches', 'Back to my requests')}
          </a>
        </p>
      </>
    );
  if (!view) return <p role="status">{tr('Chargement…', 'Loading…')}</p>;

  const corrections = view.status !== 'draft' && citizenMayEdit(view);

  return (
    <>
      {justSent ? (
        <div className="confirmation">
          <h1 tabIndex={-1} ref={headingRef}>
            {tr('Votre demande a bien été envoyée', 'Your request has been sent')}
          </h1>
          <p className="reference">
            {tr('Votre référence : ', 'Your reference: ')}
            <strong>{view.reference}</strong>
          </p>
        </div>
      ) : (
        <>
          <p className="eyebrow">{view.service.title}</p>
          <h1 tabIndex={-1}>
            {view.reference ? `${tr('Demande', 'Request')} ${view.reference}` : tr('Brouillon', 'Draft')}
          </h1>
        </>
      )}
      <RequestStatus label={view.statusLabel} />
      {view.reference && (
        <p>
          <a href={`/api/v1/submissions/${view.id}/receipt.pdf`}>
            {tr('Télécharger l’accusé de réception', 'Download the acknowledgement of receipt')} (PDF)
          </a>{' '}
          · <a href={`/api/v1/submissions/${view.id}/receipt.html`}>{tr('version HTML', 'HTML version')}</a>
        </p>
      )}
      {followPath && (
        <div className="notice">
          <p>
            {tr(
              'Pour suivre votre demande depuis un autre appareil ou navigateur, conservez ce lien (il figure aussi dans le courriel d’accusé de réception) :',
              'To follow your request from another device or browser, keep this link (it is also in the acknowledgement email):',
            )}
          </p>
          <p className="reference follow-link">
            <a href={followPath}>{`${window.location.origin}${followPath}`}</a>
          </p>
        </div>
      )}
      {justSent && (
        <>
          <h2>{tr('Et ensuite ?', 'What happens next?')}</h2>
          <p>
            {followPath
              ? tr(
                  'Les services de la collectivité vont étudier votre demande. Si vous avez donné votre adresse électronique, vous recevrez un courriel à chaque étape ; vous pouvez la suivre à tout moment avec le lien ci-dessus.',
                  'The services will study your request. If you gave your email address, you will get an email at each step; you can follow it at any time with the link above.',
                )
              : tr(
                  'Les services de la collectivité vont étudier votre demande. Vous recevrez un courriel à chaque étape, et pouvez la suivre à tout moment dans « Mes démarches ».',
                  'The services will study your request. You will get an email at each step, and can follow it at any time in “My requests”.',
                )}
          </p>
        </>
      )}
      {corrections && (
        <div className="notice notice--warning">
          <p>
            {tr(
              'Le service vous demande de compléter ou corriger votre demande.',
              'The service asks you to complete or correct your request.',
            )}
          </p>
          <a className="button" href={`/demarches/${view.service.slug}?brouillon=${view.id}`} onClick={onLinkClick}>
            {tr('Corriger ma demande', 'Correct my request')}
          </a>
        </div>
      )}
      {view.status === 'draft' && (
        <p>
          <a className="button" href={`/demarches/${view.service.slug}?brouillon=${view.id}`} onClick={onLinkClick}>
            {tr('Reprendre le brouillon', 'Resume the draft')}
          </a>
        </p>
      )}
      <RequestDocuments
        documents={view.documents}
        open={(d) => <a href={`/api/v1/submissions/${view.id}/documents/${d.id}`}>{d.filename}</a>}
      />
      <RequestHistory history={view.history} />
      {view.status !== 'draft' && (
        <RequestMessages
          messages={view.messages}
          draft={draft}
          attachment={(file) => (
            <a href={`/api/v1/submissions/${view.id}/attachments/${file.id}`} download={file.filename}>
              {tr('Télécharger la pièce jointe ', 'Download the attachment ')}
              {file.filename}
            </a>
          )}
        >
          <p role="status">{sent}</p>
        </RequestMessages>
      )}
      <p>
        <a href="/mes-demarches" onClick={onLinkClick}>
          {tr('Retour à mes démarches', 'Back to my requests')}
        </a>
      </p>
    </>
  );
}
