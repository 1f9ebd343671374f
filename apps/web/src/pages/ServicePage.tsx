import { useEffect, useState } from 'react';
import { api, ApiError, type Me } from '../lib/api';
import { formatDate, lang, tr } from '../lib/i18n';
import { navigate, onLinkClick } from '../lib/router';
import { usePageTitle } from '../lib/title';
import type { PublicService, SubmissionSummary } from '@guichet/shared';
import { OrganisationContact, OrganisationMark, useAccent } from './Branding';
import { FranceConnectButton } from './FranceConnectButton';
import { prefillPromise } from './prefill-promise';
import { forgetKeptServicePage, keptServicePage, loadServicePage, type ServicePageData } from './service-page-data';

function documentsToPrepare(service: PublicService): string[] {
  const titles: string[] = [];
  const visit = (schema: unknown) => {
    if (!schema || typeof schema !== 'object') return;
    const s = schema as Record<string, unknown>;
    if (s['x-file'] !== undefined && typeof s.title === 'string') titles.push(s.title);
    if (s.items && (s.items as Record<string, unknown>)['x-file'] !== undefined && typeof s.title === 'string') {
      titles.push(s.title);
      return;
    }
    for (const child of Object.values((s.properties ?? {}) as object)) visit(child);
    if (s.items) visit(s.items);
  };
  visit(service.definition?.schema);
  return [...new Set(titles)];
}

/** A service: what it is for, what to prepare, then Commencer (or sign in first). */
export function ServicePage({ slug }: { slug: string }) {
  // Loaded before the app mounted when the server drew this page (./service-page-data.ts).
  const [loaded, setLoaded] = useState<ServicePageData | null>(() => keptServicePage(slug));
  const [error, setError] = useState<ApiError | null>(null);
  const [starting, setStarting] = useState(false);
  const service = loaded?.service;
  const errorTitle =
    error &&
    (error.status === 404
      ? tr('Démarche introuvable', 'Service not found')
      : tr('Démarche indisponible', 'Service unavailable'));
  usePageTitle(errorTitle || service?.title || tr('Démarche', 'Service'));
  useAccent(service?.organisation);

  useEffect(() => {
    if (forgetKeptServicePage(slug)) return;
    let live = true;
    loadServicePage(slug)
      .then((data) => live && setLoaded(data))
      .catch(
        (e: unknown) =>
          live && setError(e instanceof ApiError ? e : new ApiError(0, { code: 'INTERNAL', message: String(e) })),
      );
    return () => {
      live = false;
    };
  }, [slug]);

  if (error)
    return (
      <>
        <h1 tabIndex={-1}>{errorTitle}</h1>
        <p>{error.message}</p>
        <p>
          <a href="/" onClick={onLinkClick}>
            {tr('Voir les démarches en ligne', 'See the online services')}
          </a>
        </p>
      </>
    );
  if (!loaded) return <p role="status">{tr('Chargement…', 'Loading…')}</p>;

  const start = async () => {
    setStarting(true);
    try {
      const draft = await api<{ id: string }>(`/api/v1/public/services/${loaded.service.slug}/submissions`, {
        method: 'POST',
        body: {},
      });
      navigate(`/demarches/${loaded.service.slug}?brouillon=${draft.id}`);
    } catch (e) {
      setStarting(false);
      setError(e instanceof ApiError ? e : new ApiError(0, { code: 'INTERNAL', message: String(e) }));
    }
  };
  return (
    <ServiceView
      service={loaded.service}
      me={loaded.me}
      drafts={loaded.drafts}
      starting={starting}
      onStart={() => void start()}
    />
  );
}

/**
 * The page's markup. Also what the server draws before the bundle runs
 * (../server/form-preview.tsx), with `me` undefined: who is signed in is not
 * known there (the page reads no session), so the start controls are the
 * neutral « Commencer », disabled by the drawing's fieldset, and no draft is
 * offered; the app then draws the ones for who is there.
 */
export function ServiceView({
  service,
  me,
  drafts,
  starting,
  onStart,
}: {
  service: PublicService;
  /** Undefined while who is signed in is not known (the server's drawing). */
  me: Me | null | undefined;
  drafts: SubmissionSummary[];
  starting: boolean;
  onStart: () => void;
}) {
  const definition = service.definition;
  const signIn = definition?.settings.signIn ?? 'required';
  const citizen = me?.kind === 'citizen';
  const known = me !== undefined;
  const documents = documentsToPrepare(service);
  const here = `/demarches/${service.slug}`;

  return (
    <>
      <OrganisationMark organisation={service.organisation} />
      <h1 tabIndex={-1}>{service.title}</h1>
      {service.description && <p className="lead">{service.description}</p>}
      {service.closed ? (
        <div className="notice notice--info">
          <p>{service.closed.message ?? tr('Cette démarche est fermée.', 'This service is closed.')}</p>
          {service.closed.redirectTo && (
            <p>
              <a href={service.closed.redirectTo}>
                {tr('Aller à la démarche qui la remplace', 'Go to the service that replaces it')}
              </a>
            </p>
          )}
        </div>
      ) : (
        definition && (
          <>
            <h2>{tr('Ce que vous allez renseigner', 'What you will be asked')}</h2>
            <ol>
              {definition.pages.map((p) => (
                <li key={p.id}>{p.title}</li>
              ))}
              <li>{tr('Vérification de vos réponses, puis envoi', 'A check of your answers, then sending')}</li>
            </ol>
            {documents.length > 0 && (
              <>
                <h2>{tr('Documents à préparer', 'Documents to prepare')}</h2>
                <ul>
                  {documents.map((d) => (
                    <li key={d}>{d}</li>
                  ))}
                </ul>
              </>
            )}
            <h2>{tr('Durée', 'Time needed')}</h2>
            <p>
              {tr(
                `Environ ${Math.max(5, definition.pages.length * 3)} minutes. Vos réponses sont enregistrées au fur et à mesure : vous pouvez vous arrêter et reprendre plus tard.`,
                `About ${Math.max(5, definition.pages.length * 3)} minutes. Your answers are saved as you go: you can stop and come back later.`,
              )}
            </p>
            {definition.settings.closesAt && (
              <p>
                {tr('Date limite de dépôt : ', 'Closing date: ')}
                {formatDate(definition.settings.closesAt)}
              </p>
            )}
            {drafts.length > 0 && (
              <div className="notice notice--info">
                <p>
                  {tr(
                    'Vous avez un brouillon en cours pour cette démarche.',
                    'You have a draft in progress for this service.',
                  )}
                </p>
                <p>
                  <a href={`${here}?brouillon=${drafts[0]!.id}`} onClick={onLinkClick}>
                    {tr('Reprendre mon brouillon', 'Resume my draft')}
                  </a>
                </p>
              </div>
            )}
            {known && signIn === 'required' && !citizen ? (
              <>
                <p>{prefillPromise(definition?.settings.prefill, lang)}</p>
                <FranceConnectButton returnTo={here} />
              </>
            ) : (
              <>
                <div className="actions">
                  <button type="button" className="button" onClick={onStart} aria-disabled={starting || undefined}>
                    {starting
                      ? tr('Création du brouillon…', 'Creating the draft…')
                      : known && signIn === 'optional' && !citizen
                        ? tr('Commencer sans compte', 'Start without an account')
                        : tr('Commencer', 'Start')}
                  </button>
                </div>
                {known && signIn === 'optional' && !citizen && <FranceConnectButton returnTo={here} />}
              </>
            )}
          </>
        )
      )}
      <OrganisationContact organisation={service.organisation} />
    </>
  );
}
