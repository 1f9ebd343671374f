import { signInUrl } from '../lib/api';
import { tr } from '../lib/i18n';
import './franceconnect-button.css';

/**
 * FranceConnect's official sign-in button and its « Qu’est-ce que
 * FranceConnect ? » link, as its rules for service providers require: the
 * markup of DSFR's `fr-connect` component, drawn by our own CSS with its
 * geometry and colours, FranceConnect's logo served from this site, in our
 * own font (DSFR itself, Marianne and its font are reserved to State sites).
 * A link rather than a button: signing in is a navigation to /auth/login.
 */
export function FranceConnectButton({ returnTo }: { returnTo: string }) {
  const what = tr('Qu’est-ce que FranceConnect ?', 'What is FranceConnect?');
  return (
    <div className="fc-group">
      <a className="fc-button" href={signInUrl('citizen', returnTo)}>
        <span className="fc-button__login">{tr('S’identifier avec', 'Sign in with')}</span>{' '}
        <span className="fc-button__brand">FranceConnect</span>
      </a>
      <p>
        <a
          href="https://franceconnect.gouv.fr/"
          target="_blank"
          rel="noopener"
          title={`${what} - ${tr('nouvelle fenêtre', 'new window')}`}
        >
          {what}
        </a>
      </p>
    </div>
  );
}
