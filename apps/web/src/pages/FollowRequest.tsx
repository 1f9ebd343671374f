import { useCallback, useEffect, useRef, useState } from 'react';
import { api, ApiError } from '../lib/api';
import { tr } from '../lib/i18n';
import { navigate } from '../lib/router';
import { citizenMayEdit } from '../lib/requests';
import { usePageTitle } from '../lib/title';
import type { SubmissionView } from '@guichet/shared';
import { RequestDocuments, RequestHistory, RequestMessages, RequestStatus, useMessageDraft } from './request-parts';

/** What a follow link shows: the request without its answers. */
type FollowView = Omit<SubmissionView, 'data' | 'form'>;

/** The token of the page's address: after « # », which the browser never sends to a server. */
const tokenOfPage = () => window.location.hash.replace(/^#/, '');

function csrf(): string {
  const match = document.cookie.split('; ').find((c) => c.startsWith('csrf_token='));
  return match ? decodeURIComponent(match.slice('csrf_token='.length)) : '';
}

/** Downloads what a POST answers (the token goes in its body, never in an address), under `filename`. */
async function download(path: string, token: string, filename: string): Promise<void> {
  const response = await fetch(path, {
    method: 'POST',
    headers: { 'Content-Type': 'application/json', 'X-CSRF-Token': csrf() },
    body: JSON.stringify({ token }),
    credentials: 'same-origin',
  });
  if (!response.ok) throw new Error(tr('Le fichier n’a pas pu être téléchargé.', 'The file could not be downloaded.'));
  const url = URL.createObjectURL(await response.blob());
  const link = document.createElement('a');
  link.href = url;
  link.download = filename;
  document.body.append(link);
  link.click();
  link.remove();
  setTimeout(() => URL.revokeObjectURL(url), 60_000);
}

/**
 * A request filed without an account, followed with the link of its receipt
 * email or confirmation page, from any browser: status, what to do, history,
 * documents, messages (and an answer), the receipt; never the answers.
 */
export function FollowRequest() {
  const [token, setToken] = useState(tokenOfPage);
  const [view, setView] = useState<FollowView | null>(null);
  const [error, setError] = useState<ApiError | null>(null);
  const [status, setStatus] = useState<string | null>(null);
  const [renewed, setRenewed] = useState(false);
  const renewedRef = useRef<HTMLDivElement>(null);

  const load = useCallback(
    (current = token) =>
      api<FollowView>('/api/v1/follow', { method: 'POST', body: { token: current } })
        .then((v) => {
          setView(v);
          setError(null);
        })
        .catch((e: unknown) =>
          setError(e instanceof ApiError ? e : new ApiError(0, { code: 'INTERNAL', message: String(e) } as never)),
        ),
    [token],
  );
  const draft = useMessageDraft(
    (body) => api('/api/v1/follow/messages', { method: 'POST', body: { token, body } }),
    async () => {
      setStatus(tr('Message envoyé.', 'Message sent.'));
      await load();
    },
  );
  useEffect(() => {
    const onHash = () => setToken(tokenOfPage());
    window.addEventListener('hashchange', onHash);
    return () => window.removeEventListener('hashchange', onHash);
  }, []);
  useEffect(() => {
    if (token) void load(token);
  }, [token, load]);
  useEffect(() => {
    if (renewed) renewedRef.current?.focus();
  }, [renewed]);
  usePageTitle(view ? `${view.service.title} — ${view.reference ?? ''}` : tr('Suivre ma demande', 'Follow my request'));

  if (!token || error)
    return (
      <>
        <h1 tabIndex={-1}>{tr('Lien de suivi introuvable', 'Follow link not found')}</h1>
        <p>
          {error?.status === 429
            ? error.message
            : tr(
                'Ce lien ne permet pas d’ouvrir une demande : il est incomplet, a été remplacé par un nouveau lien, ou la demande n’est plus conservée. Vérifiez que vous avez copié le lien en entier depuis le courriel d’accusé de réception.',
                'This link opens no request: it is incomplete, was replaced by a new link, or the request is no longer kept. Check that you copied the whole link from the acknowledgement email.',
              )}
        </p>
      </>
    );
  if (!view) return <p role="status">{tr('Chargement…', 'Loading…')}</p>;

  const fail = (e: unknown) => setStatus(e instanceof Error ? e.message : String(e));
  const correct = async () => {
    try {
      const { id } = await api<{ id: string }>('/api/v1/follow/claim', { method: 'POST', body: { token } });
      navigate(`/demarches/${view.service.slug}?brouillon=${id}`);
    } catch (e) {
      fail(e);
    }
  };
  const renew = async () => {
    try {
      const next = await api<{ token: string; path: string }>('/api/v1/follow/renew', {
        method: 'POST',
        body: { token },
      });
      window.history.replaceState(null, '', next.path);
      setToken(next.token);
      setRenewed(true);
    } catch (e) {
      fail(e);
    }
  };
  const corrections = view.status !== 'draft' && citizenMayEdit(view);
  const link = `${window.location.origin}/suivi#${token}`;

  return (
    <>
      <p className="eyebrow">{view.service.title}</p>
      <h1 tabIndex={-1}>
        {tr('Demande', 'Request')} {view.reference}
      </h1>
      <RequestStatus label={view.statusLabel} />
      <p>
        <button
          type="button"
          className="button button--secondary"
          onClick={() =>
            void download('/api/v1/follow/receipt.pdf', token, `accuse-de-reception-${view.reference}.pdf`).catch(fail)
          }
        >
          {tr('Télécharger l’accusé de réception (PDF)', 'Download the acknowledgement of receipt (PDF)')}
        </button>
      </p>
      {corrections && (
        <div className="notice notice--warning">
          <p>
            {tr(
              'Le service vous demande de compléter ou corriger votre demande. Vous pouvez le faire dans ce navigateur : la demande y sera reprise (le navigateur d’où vous l’avez envoyée ne l’affichera plus ; ce lien, si).',
              'The service asks you to complete or correct your request. You can do it in this browser: the request moves here (the browser you sent it from will no longer show it; this link still will).',
            )}
          </p>
          <button type="button" className="button" onClick={() => void correct()}>
            {tr('Corriger ma demande', 'Correct my request')}
          </button>
        </div>
      )}
      <RequestDocuments
        documents={view.documents}
        open={(d) => (
          <button
            type="button"
            className="link-button"
            onClick={() => void download(`/api/v1/follow/documents/${d.id}`, token, d.filename).catch(fail)}
          >
            {d.filename}
          </button>
        )}
      />
      <RequestHistory history={view.history} />
      <RequestMessages
        messages={view.messages}
        draft={draft}
        attachment={(file, m) =>
          m.from === 'caseworker' && (
            <button
              type="button"
              className="link-button"
              onClick={() => void download(`/api/v1/follow/attachments/${file.id}`, token, file.filename).catch(fail)}
            >
              {tr('Télécharger la pièce jointe ', 'Download the attachment ')}
              {file.filename}
            </button>
          )
        }
      />
      <p role="status">{status}</p>
      <section aria-labelledby="lien">
        <h2 id="lien">{tr('Ce lien de suivi', 'This follow link')}</h2>
        {renewed ? (
          <div className="notice" tabIndex={-1} ref={renewedRef}>
            <p>
              {tr(
                'Les anciens liens ne fonctionnent plus. Voici le nouveau lien de suivi de votre demande : conservez-le (les prochains courriels du service le porteront aussi).',
                'The earlier links no longer work. Here is the new follow link of your request: keep it (the next emails of the service will carry it too).',
              )}
            </p>
            <p className="reference">{link}</p>
          </div>
        ) : (
          <>
            <p>
              {tr(
                'Toute personne qui a ce lien peut suivre votre demande et écrire au service. S’il a été transmis par erreur, désactivez-le : un nouveau lien le remplace, et les courriels déjà reçus n’ouvriront plus la demande.',
                'Anyone with this link can follow your request and write to the service. If it was shared by mistake, turn it off: a new link replaces it, and the emails already received will no longer open the request.',
              )}
            </p>
            <button type="button" className="button button--secondary" onClick={() => void renew()}>
              {tr('Désactiver ce lien et en obtenir un nouveau', 'Turn this link off and get a new one')}
            </button>
          </>
        )}
      </section>
    </>
  );
}
