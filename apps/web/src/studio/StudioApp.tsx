import { lazy, Suspense, useEffect, useState } from 'react';
import { whoAmI, type Me } from '../lib/api';
import { tr } from '../lib/i18n';
import { onLinkClick } from '../lib/router';
import { usePageTitle } from '../lib/title';
import { Editor } from './Editor';
import { errorText } from './errors';
import './studio.css';
import { AgentSignIn } from '../pages/AgentSignIn';
import { Services } from './ServiceList';

const AdminPage = lazy(() => import('./admin/AdminPage'));

/** The designers' studio: my services, the editor of one, and the organisation's administration. */
export default function StudioApp({ segments }: { segments: string[]; query: URLSearchParams }) {
  const [me, setMe] = useState<Me | null | undefined>(undefined);
  const [failed, setFailed] = useState<string | null>(null);
  useEffect(() => {
    whoAmI().then(setMe, (e: unknown) => setFailed(errorText(e)));
  }, []);
  if (failed) return <Failure message={failed} />;
  if (me === undefined) return <p role="status">{tr('Chargement…', 'Loading…')}</p>;
  if (!me || me.kind !== 'agent') return <SignIn citizen={me?.kind === 'citizen'} />;
  if (segments.length === 0) return <Services me={me} />;
  if (segments[0] === 'organisations' && segments.length === 2)
    return (
      <Suspense fallback={<p role="status">{tr('Chargement…', 'Loading…')}</p>}>
        <AdminPage organisationId={segments[1]!} />
      </Suspense>
    );
  if (segments.length === 1) return <Editor key={segments[0]} slug={segments[0]!} />;
  return <Failure message={tr('Cette adresse ne correspond à aucune page.', 'This address matches no page.')} />;
}

export function Failure({ message }: { message: string }) {
  usePageTitle('Studio');
  return (
    <>
      <h1 tabIndex={-1}>Studio</h1>
      <p className="notice notice--error">{message}</p>
      <p>
        <a href="/studio" onClick={onLinkClick}>
          {tr('Retour à mes démarches', 'Back to my services')}
        </a>
      </p>
    </>
  );
}

function SignIn({ citizen }: { citizen: boolean }) {
  return (
    <AgentSignIn
      citizen={citizen}
      pageTitle={tr('Studio — connexion', 'Studio — sign in')}
      heading={tr('Studio de conception des démarches', 'Service design studio')}
      purpose={tr(
        'Cet espace est réservé aux agents qui conçoivent les démarches en ligne de leur collectivité.',
        'This area is for the agents who design their organisation’s online services.',
      )}
    />
  );
}
