import { useEffect, useState } from 'react';
import { ApiError, api, whoAmI, type Me } from '../lib/api';
import { formatNumber, tr } from '../lib/i18n';
import { onLinkClick } from '../lib/router';
import { usePageTitle } from '../lib/title';
import { CaseView } from './CaseView';
import { InboxView } from './Inbox';
import { COUNT_LABELS, Failure } from './common';
import { NotifyPreference } from './Preferences';
import { TABS, type DeskService } from '@guichet/shared';
import './desk.css';
import { AgentSignIn } from '../pages/AgentSignIn';

/** The caseworkers' area: the services one works on, each one's inbox, and each request. */
export default function DeskApp({ segments, query }: { segments: string[]; query: URLSearchParams }) {
  const [me, setMe] = useState<Me | null | undefined>(undefined);
  const [failed, setFailed] = useState<string | null>(null);
  useEffect(() => {
    whoAmI().then(setMe, (e: unknown) => setFailed(e instanceof ApiError ? e.message : String(e)));
  }, []);

  if (failed) return <Failure title={tr('Instruction', 'Casework')} message={failed} />;
  if (me === undefined) return <p role="status">{tr('Chargement…', 'Loading…')}</p>;
  if (!me || me.kind !== 'agent') return <SignIn citizen={me?.kind === 'citizen'} />;
  if (segments.length === 0) return <Services />;
  if (segments.length === 1) return <InboxView slug={segments[0]!} query={query} me={me} />;
  if (segments.length === 2) return <CaseView slug={segments[0]!} id={segments[1]!} me={me} />;
  return (
    <Failure
      title={tr('Page introuvable', 'Page not found')}
      message={tr('Cette adresse ne correspond à aucune page.', 'This address matches no page.')}
    />
  );
}

function SignIn({ citizen }: { citizen: boolean }) {
  return (
    <AgentSignIn
      citizen={citizen}
      pageTitle={tr('Instruction — connexion', 'Casework — sign in')}
      heading={tr('Instruction des demandes', 'Casework')}
      purpose={tr(
        'Cet espace est réservé aux agents chargés d’instruire les demandes.',
        'This area is for the agents who process requests.',
      )}
    />
  );
}

function Services() {
  usePageTitle(tr('Instruction', 'Casework'));
  const [services, setServices] = useState<DeskService[] | null>(null);
  const [error, setError] = useState<string | null>(null);
  useEffect(() => {
    api<DeskService[]>('/api/v1/desk/services').then(setServices, (e: unknown) =>
      setError(e instanceof ApiError ? e.message : String(e)),
    );
  }, []);
  if (error) return <Failure title={tr('Instruction', 'Casework')} message={error} />;
  return (
    <>
      <h1 tabIndex={-1}>{tr('Instruction', 'Casework')}</h1>
      {!services ? (
        <p role="status">{tr('Chargement…', 'Loading…')}</p>
      ) : services.length === 0 ? (
        <p>
          {tr(
            'Vous n’instruisez encore aucune démarche publiée. Un administrateur de votre collectivité peut vous y ajouter.',
            'You work on no published service yet. An administrator of your organisation can add you.',
          )}
        </p>
      ) : (
        <>
          <p className="lead">{tr('Les démarches dont vous instruisez les demandes.', 'The services you work on.')}</p>
          <ul className="cards desk-services">
            {services.map((s) => (
              <li key={s.slug} className="card">
                <p className="eyebrow">{s.organisation.name}</p>
                <h2>
                  <a href={`/instruction/${s.slug}`} onClick={onLinkClick}>
                    {s.title}
                  </a>
                </h2>
                {s.closed && <p className="tag">{tr('Fermée aux nouveaux dépôts', 'Closed to new requests')}</p>}
                <ul className="desk-counts">
                  {TABS.map((tab) => (
                    <li key={tab}>
                      <a href={`/instruction/${s.slug}?tab=${tab}`} onClick={onLinkClick}>
                        <strong>{formatNumber(s.counts[tab])}</strong> {COUNT_LABELS[tab]()}
                        <span className="sr-only"> — {s.title}</span>
                      </a>
                    </li>
                  ))}
                </ul>
              </li>
            ))}
          </ul>
        </>
      )}
      <NotifyPreference />
    </>
  );
}
