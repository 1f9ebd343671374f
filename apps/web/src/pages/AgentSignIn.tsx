import { signInUrl } from '../lib/api';
import { tr } from '../lib/i18n';
import { usePageTitle } from '../lib/title';

/** The door of an agents' area (desk, studio): sign in as an agent, or be told why a citizen's session is not enough. */
export function AgentSignIn({
  pageTitle,
  heading,
  purpose,
  citizen,
}: {
  pageTitle: string;
  heading: string;
  purpose: string;
  citizen: boolean;
}) {
  usePageTitle(pageTitle);
  const here = window.location.pathname + window.location.search;
  return (
    <>
      <h1 tabIndex={-1}>{heading}</h1>
      <p>
        {citizen
          ? tr(
              'Cet espace est réservé aux agents. Vous êtes connecté en tant qu’usager : déconnectez-vous, puis identifiez-vous avec votre compte d’agent.',
              'This area is for agents. You are signed in as a citizen: sign out, then sign in with your agent account.',
            )
          : purpose}
      </p>
      {!citizen && (
        <p>
          <a className="button" href={signInUrl('agent', here)}>
            {tr('Se connecter en tant qu’agent', 'Sign in as an agent')}
          </a>
        </p>
      )}
    </>
  );
}
