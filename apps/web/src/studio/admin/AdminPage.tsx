import { useCallback, useEffect, useRef, useState } from 'react';
import { ApiError, api, signInUrl } from '../../lib/api';
import { tr } from '../../lib/i18n';
import { usePageTitle } from '../../lib/title';
import { AgentsSection } from './AgentsSection';
import { ArchiveSection } from './ArchiveSection';
import { GroupsSection } from './GroupsSection';
import { LogoSection } from './LogoSection';
import { ProfileSection } from './ProfileSection';
import type { Agent, Profile, ServiceSummary } from './common';
import './admin.css';

type Loaded =
  | { kind: 'loading' }
  | { kind: 'failed'; status: number; message: string }
  | { kind: 'ready'; profile: Profile; agents: Agent[]; services: ServiceSummary[] };

/**
 * An organisation's administration, for its admins: profile and branding
 * shown to citizens, agents and their roles, caseworker groups per service.
 * Mounted by the studio's router at /studio/organisations/:id.
 */
export default function AdminPage({ organisationId }: { organisationId: string }) {
  const [state, setState] = useState<Loaded>({ kind: 'loading' });
  const headingRef = useRef<HTMLHeadingElement>(null);
  const title =
    state.kind === 'ready'
      ? tr(`Administration — ${state.profile.name}`, `Administration — ${state.profile.name}`)
      : tr('Administration de l’organisation', 'Organisation administration');
  usePageTitle(title);

  const load = useCallback(async () => {
    try {
      const base = `/api/v1/organisations/${encodeURIComponent(organisationId)}`;
      const [profile, agents, services] = await Promise.all([
        api<Profile>(base),
        api<Agent[]>(`${base}/agents`),
        api<ServiceSummary[]>('/api/v1/services'),
      ]);
      setState({
        kind: 'ready',
        profile,
        agents,
        services: services.filter((s) => s.organisationId === organisationId),
      });
    } catch (error) {
      setState({
        kind: 'failed',
        status: error instanceof ApiError ? error.status : 0,
        message: error instanceof Error ? error.message : String(error),
      });
    }
  }, [organisationId]);

  useEffect(() => {
    void load();
  }, [load]);
  useEffect(() => {
    if (state.kind !== 'loading') headingRef.current?.focus();
    // Only when the page changes from loading to shown, not on every save.
  }, [state.kind]);

  const reloadAgents = async () => {
    const agents = await api<Agent[]>(`/api/v1/organisations/${encodeURIComponent(organisationId)}/agents`);
    setState((s) => (s.kind === 'ready' ? { ...s, agents } : s));
  };
  const setProfile = (profile: Profile) => setState((s) => (s.kind === 'ready' ? { ...s, profile } : s));

  if (state.kind === 'loading')
    return (
      <>
        <h1 tabIndex={-1}>{title}</h1>
        <p role="status">{tr('Chargement…', 'Loading…')}</p>
      </>
    );

  if (state.kind === 'failed')
    return (
      <>
        <h1 tabIndex={-1} ref={headingRef}>
          {title}
        </h1>
        <p className="notice notice--error">
          {state.status === 401
            ? tr('Connectez-vous pour administrer votre organisation.', 'Sign in to administer your organisation.')
            : state.status === 403 || state.status === 404
              ? tr(
                  'Cette page est réservée aux administrateurs de l’organisation.',
                  'This page is for the organisation’s administrators.',
                )
              : state.message}
        </p>
        {state.status === 401 ? (
          <p>
            <a href={signInUrl('agent', `/studio/organisations/${organisationId}`)}>
              {tr('Se connecter en tant qu’agent', 'Sign in as an agent')}
            </a>
          </p>
        ) : null}
      </>
    );

  return (
    <div className="admin-page">
      <h1 tabIndex={-1} ref={headingRef}>
        {title}
      </h1>
      <nav aria-label={tr('Sur cette page', 'On this page')} className="admin-toc">
        <ul>
          <li>
            <a href="#profil-titre">{tr('Profil et identité visuelle', 'Profile and branding')}</a>
          </li>
          <li>
            <a href="#logo-titre">{tr('Logo', 'Logo')}</a>
          </li>
          <li>
            <a href="#agents-titre">{tr('Agents', 'Agents')}</a>
          </li>
          <li>
            <a href="#groupes-titre">{tr('Groupes instructeurs', 'Caseworker groups')}</a>
          </li>
          <li>
            <a href="#archive-titre">{tr('Exporter les données', 'Export the data')}</a>
          </li>
        </ul>
      </nav>
      <ProfileSection profile={state.profile} onSaved={setProfile} />
      <LogoSection profile={state.profile} onSaved={setProfile} />
      <AgentsSection
        organisationId={organisationId}
        agents={state.agents}
        services={state.services}
        onChange={reloadAgents}
      />
      <GroupsSection organisationId={organisationId} services={state.services} />
      <ArchiveSection organisationId={organisationId} />
    </div>
  );
}
