import { tr } from '../lib/i18n';
import { signInUrl } from '../lib/api';
import { usePageTitle } from '../lib/title';

/** The designers’ studio (placeholder until the studio lands). */
export default function StudioApp(_props: { segments: string[]; query: URLSearchParams }) {
  usePageTitle('Studio');
  return (
    <>
      <h1 tabIndex={-1}>Studio</h1>
      <p>{tr('L’espace de conception des démarches.', 'The designers’ area.')}</p>
      <p>
        <a href={signInUrl('agent', '/studio')}>{tr('Se connecter en tant qu’agent', 'Sign in as an agent')}</a>
      </p>
    </>
  );
}
