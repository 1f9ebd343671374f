import { useEffect, useState } from 'react';
import { api, ApiError } from '../lib/api';
import { tr } from '../lib/i18n';
import { onLinkClick } from '../lib/router';
import { usePageTitle } from '../lib/title';
import type { PublicServiceSummary } from '@guichet/shared';

const SIGN_IN: Record<PublicServiceSummary['signIn'], () => string> = {
  required: () => tr('Avec FranceConnect', 'With FranceConnect'),
  optional: () => tr('Avec ou sans compte', 'With or without an account'),
  none: () => tr('Sans compte', 'No account needed'),
};

/** The portal: the open services of each organisation. */
export function Home() {
  usePageTitle(tr('Démarches en ligne', 'Online services'));
  const [services, setServices] = useState<PublicServiceSummary[] | null>(null);
  const [error, setError] = useState<string | null>(null);
  useEffect(() => {
    api<PublicServiceSummary[]>('/api/v1/public/services')
      .then(setServices)
      .catch((e: unknown) => setError(e instanceof ApiError ? e.message : String(e)));
  }, []);
  const byOrganisation = new Map<string, PublicServiceSummary[]>();
  for (const s of services ?? []) {
    const list = byOrganisation.get(s.organisation.name) ?? [];
    list.push(s);
    byOrganisation.set(s.organisation.name, list);
  }
  return (
    <>
      <h1 tabIndex={-1}>{tr('Démarches en ligne', 'Online services')}</h1>
      <p>
        {tr('Choisissez une démarche pour la commencer ou la reprendre.', 'Choose a service to start or resume it.')}
      </p>
      {error && <p className="notice notice--error">{error}</p>}
      {!services && !error && <p role="status">{tr('Chargement des démarches…', 'Loading…')}</p>}
      {services && services.length === 0 && (
        <p>{tr('Aucune démarche n’est ouverte pour le moment.', 'No service is open at the moment.')}</p>
      )}
      {[...byOrganisation].map(([name, list]) => (
        <section key={name} aria-labelledby={`org-${list[0]!.organisation.slug}`}>
          <h2 id={`org-${list[0]!.organisation.slug}`}>{name}</h2>
          <ul className="cards">
            {list.map((s) => (
              <li key={s.slug} className="card">
                <h3>
                  <a href={`/demarches/${s.slug}`} onClick={onLinkClick}>
                    {s.title}
                  </a>
                </h3>
                <p className="tag">{SIGN_IN[s.signIn]()}</p>
              </li>
            ))}
          </ul>
        </section>
      ))}
    </>
  );
}
