import { useEffect, useState } from 'react';
import { api, ApiError, whoAmI, type Me } from '../lib/api';
import { formatDateTime, tr } from '../lib/i18n';
import { onLinkClick } from '../lib/router';
import { usePageTitle } from '../lib/title';
import type { SubmissionSummary } from '@guichet/shared';
import { FranceConnectButton } from './FranceConnectButton';

/** "Mes démarches": drafts to resume and requests to follow. */
export function MyRequests() {
  usePageTitle(tr('Mes démarches', 'My requests'));
  const [list, setList] = useState<SubmissionSummary[] | null>(null);
  const [me, setMe] = useState<Me | null>(null);
  const [error, setError] = useState<string | null>(null);
  useEffect(() => {
    whoAmI().then(setMe, () => setMe(null));
    api<SubmissionSummary[]>('/api/v1/me/submissions')
      .then(setList)
      .catch((e: unknown) => setError(e instanceof ApiError ? e.message : String(e)));
  }, []);
  const drafts = (list ?? []).filter((s) => s.status === 'draft');
  const requests = (list ?? []).filter((s) => s.status !== 'draft');
  return (
    <>
      <h1 tabIndex={-1}>{tr('Mes démarches', 'My requests')}</h1>
      {!me && (
        <>
          <p>
            {tr(
              'Sans compte, vous retrouvez ici les démarches faites depuis ce navigateur. Identifiez-vous pour retrouver celles de votre compte, depuis tout appareil.',
              'Without an account, you find here the requests made from this browser. Sign in to find those of your account, from any device.',
            )}
          </p>
          <FranceConnectButton returnTo="/mes-demarches" />
        </>
      )}
      {error && <p className="notice notice--error">{error}</p>}
      {!list && !error && <p role="status">{tr('Chargement…', 'Loading…')}</p>}
      {list && (
        <>
          <h2>{tr('Brouillons', 'Drafts')}</h2>
          {drafts.length === 0 ? (
            <p>{tr('Aucun brouillon en cours.', 'No draft in progress.')}</p>
          ) : (
            <ul className="cards">
              {drafts.map((s) => (
                <li className="card" key={s.id}>
                  <h3>{s.service.title}</h3>
                  <p>
                    {tr('Modifié le ', 'Changed on ')}
                    {formatDateTime(s.updatedAt)}
                  </p>
                  <a href={`/demarches/${s.service.slug}?brouillon=${s.id}`} onClick={onLinkClick}>
                    {tr('Reprendre', 'Resume')}
                    <span className="sr-only"> : {s.service.title}</span>
                  </a>
                </li>
              ))}
            </ul>
          )}
          <h2>{tr('Demandes envoyées', 'Requests sent')}</h2>
          {requests.length === 0 ? (
            <p>{tr('Aucune demande envoyée.', 'No request sent.')}</p>
          ) : (
            <table className="table">
              <caption className="sr-only">{tr('Mes demandes envoyées', 'My requests sent')}</caption>
              <thead>
                <tr>
                  <th scope="col">{tr('Démarche', 'Service')}</th>
                  <th scope="col">{tr('Référence', 'Reference')}</th>
                  <th scope="col">{tr('État', 'Status')}</th>
                  <th scope="col">{tr('Envoyée le', 'Sent on')}</th>
                </tr>
              </thead>
              <tbody>
                {requests.map((s) => (
                  <tr key={s.id}>
                    <td>
                      <a href={`/mes-demarches/${s.id}`} onClick={onLinkClick}>
                        {s.service.title}
                      </a>
                    </td>
                    <td>{s.reference}</td>
                    <td>
                      <span className="status">{s.statusLabel}</span>
                    </td>
                    <td>{formatDateTime(s.submittedAt)}</td>
                  </tr>
                ))}
              </tbody>
            </table>
          )}
        </>
      )}
    </>
  );
}
