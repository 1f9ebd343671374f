import { useEffect, useState } from 'react';
import { type ServiceSummary } from '@guichet/shared';
import { api, type Me } from '../lib/api';
import { tr } from '../lib/i18n';
import { onLinkClick } from '../lib/router';
import { usePageTitle } from '../lib/title';
import { errorText } from './errors';
import { CreateService, ImportService } from './NewService';
import { ServiceCard } from './ServiceCard';

function designerOrganisations(me: Me): Array<{ id: string; admin: boolean }> {
  const out = new Map<string, boolean>();
  for (const r of me.roles)
    if (r.role === 'designer' || r.role === 'admin')
      out.set(r.organisationId, out.get(r.organisationId) || r.role === 'admin');
  return [...out].map(([id, admin]) => ({ id, admin }));
}

/** « Studio : mes démarches » : the services, the organisations to administer, creating and importing. */
export function Services({ me }: { me: Me }) {
  usePageTitle(tr('Studio — mes démarches', 'Studio — my services'));
  const [services, setServices] = useState<ServiceSummary[] | null>(null);
  const [error, setError] = useState<string | null>(null);
  const [status, setStatus] = useState('');
  const organisations = designerOrganisations(me);
  const load = () =>
    api<ServiceSummary[]>('/api/v1/services').then(setServices, (e: unknown) => setError(errorText(e)));
  useEffect(() => {
    void load();
  }, []);

  return (
    <div className="studio-list">
      <h1 tabIndex={-1}>{tr('Studio : mes démarches', 'Studio: my services')}</h1>
      {organisations.length === 0 ? (
        <p className="notice">
          {tr(
            'Vous n’êtes concepteur dans aucune organisation. Un administrateur de votre collectivité peut vous donner ce rôle.',
            'You are a designer in no organisation. An administrator of your organisation can give you this role.',
          )}
        </p>
      ) : null}
      {organisations.some((o) => o.admin) && (
        <p>
          {organisations
            .filter((o) => o.admin)
            .map((o, i) => (
              <a key={o.id} href={`/studio/organisations/${o.id}`} onClick={onLinkClick}>
                {tr('Administrer l’organisation', 'Manage the organisation')}
                {organisations.filter((x) => x.admin).length > 1 ? ` ${i + 1}` : ''}
              </a>
            ))}
        </p>
      )}
      <p role="status" className="studio-status">
        {status}
      </p>
      {error && <p className="notice notice--error">{error}</p>}
      {!services ? (
        !error && <p role="status">{tr('Chargement…', 'Loading…')}</p>
      ) : services.length === 0 ? (
        <p>{tr('Aucune démarche pour l’instant.', 'No service yet.')}</p>
      ) : (
        <ul className="cards studio-services">
          {services.map((s) => (
            <ServiceCard
              key={s.slug}
              service={s}
              onChanged={(message) => {
                setStatus(message);
                void load();
              }}
            />
          ))}
        </ul>
      )}
      {organisations.length > 0 && <CreateService organisations={organisations} />}
      {organisations.length > 0 && <ImportService organisations={organisations} />}
    </div>
  );
}
