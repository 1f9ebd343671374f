import { tr } from '../lib/i18n';
import { signInUrl } from '../lib/api';
import { usePageTitle } from '../lib/title';

/** The caseworkers' area (placeholder until the desk lands). */
export default function DeskApp(_props: { segments: string[]; query: URLSearchParams }) {
  usePageTitle('Instruction');
  return (
    <>
      <h1 tabIndex={-1}>Instruction</h1>
      <p>{tr('L’espace d’instruction des dossiers.', 'The caseworkers’ area.')}</p>
      <p>
        <a href={signInUrl('agent', '/instruction')}>{tr('Se connecter en tant qu’agent', 'Sign in as an agent')}</a>
      </p>
    </>
  );
}
