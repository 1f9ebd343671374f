import { Suspense, useEffect, useRef, useState, type ReactNode } from 'react';
import { FormPage } from './form/FormPage';
import { api, onActivity, signInUrl, whoAmI, type Me } from './lib/api';
import { formatTime, lang, setLang, tr } from './lib/i18n';
import { onLinkClick, useLocation } from './lib/router';
import { lazyPage } from './lib/lazy-page';
import { usePageTitle } from './lib/title';

// Every page but a service's form is a chunk of its own: a citizen opening a form never downloads them. The API
// preloads the chunk of the page an address opens (apps/api/src/web/web-app.ts, `routeModule`: keep both in step).
const ServicePage = lazyPage(() => import('./pages/ServicePage').then((m) => m.ServicePage));
const Home = lazyPage(() => import('./pages/Home').then((m) => m.Home));
const MyRequests = lazyPage(() => import('./pages/MyRequests').then((m) => m.MyRequests));
const RequestView = lazyPage(() => import('./pages/RequestView').then((m) => m.RequestView));
const FollowRequest = lazyPage(() => import('./pages/FollowRequest').then((m) => m.FollowRequest));
const DeskApp = lazyPage(() => import('./desk/DeskApp').then((m) => m.default));
const StudioApp = lazyPage(() => import('./studio/StudioApp').then((m) => m.default));

/** The lazy page an address opens (the same choice as `Page`), if it is one. */
function lazyPageOf(path: string, query: URLSearchParams): { load(): Promise<void> } | null {
  const segments = path.split('/').filter(Boolean);
  if (segments.length === 0) return Home;
  if (segments[0] === 'demarches' && segments.length === 2) return query.get('brouillon') ? null : ServicePage;
  if (segments[0] === 'mes-demarches') return segments.length === 1 ? MyRequests : RequestView;
  if (segments[0] === 'suivi') return FollowRequest;
  if (segments[0] === 'instruction') return DeskApp;
  if (segments[0] === 'studio') return StudioApp;
  return null;
}

/**
 * Loads the chunk of the page at `path`, for `main.tsx` to wait for before mounting: the app's first commit then
 * draws the page itself, not « Chargement… ». Never fails (the page's Suspense then loads it and says so).
 */
export function loadPageOf(path: string, search: string): Promise<void> {
  const page = lazyPageOf(path, new URLSearchParams(search));
  return page ? page.load().catch(() => undefined) : Promise.resolve();
}

function Page({ path, query }: { path: string; query: URLSearchParams }) {
  const segments = path.split('/').filter(Boolean).map(decodeURIComponent);
  if (segments.length === 0) return <Home />;
  if (segments[0] === 'demarches' && segments.length === 2) {
    const draft = query.get('brouillon');
    return draft ? (
      <FormPage slug={segments[1]!} draftId={draft} step={query.get('etape')} test={query.get('test') === '1'} />
    ) : (
      <ServicePage slug={segments[1]!} />
    );
  }
  if (segments[0] === 'mes-demarches' && segments.length === 1) return <MyRequests />;
  if (segments[0] === 'mes-demarches' && segments.length === 2)
    return <RequestView id={segments[1]!} justSent={query.get('envoye') === '1'} />;
  // A follow link: its token is in the fragment (/suivi#…), never sent to the server.
  if (segments[0] === 'suivi' && segments.length === 1) return <FollowRequest />;
  if (segments[0] === 'instruction') return <DeskApp segments={segments.slice(1)} query={query} />;
  if (segments[0] === 'studio') return <StudioApp segments={segments.slice(1)} query={query} />;
  return <NotFound />;
}

function NotFound() {
  usePageTitle(tr('Page introuvable', 'Page not found'));
  return (
    <>
      <h1 tabIndex={-1}>{tr('Page introuvable', 'Page not found')}</h1>
      <p>
        <a href="/" onClick={onLinkClick}>
          {tr('Voir les démarches en ligne', 'See the online services')}
        </a>
      </p>
    </>
  );
}

/**
 * Warns a signed-in person before the session ends (RGAA 13.1) and lets them
 * extend it. Every request extends the session; the page counts from the last one.
 */
function SessionWarning({ me }: { me: Me | null }) {
  const [idleMs, setIdleMs] = useState<number | null>(null);
  const last = useRef(Date.now());
  const [now, setNow] = useState(Date.now());
  useEffect(() => {
    if (!me) return;
    const started = Date.now();
    api<{ expiresAt: string | null }>('/auth/session')
      .then((s) => s.expiresAt && setIdleMs(Date.parse(s.expiresAt) - started))
      .catch(() => setIdleMs(null));
    const off = onActivity(() => (last.current = Date.now()));
    const tick = window.setInterval(() => setNow(Date.now()), 5000);
    return () => {
      off();
      window.clearInterval(tick);
    };
  }, [me]);
  // The server extends at most once a minute: count from up to a minute earlier to be safe.
  const endsAt = me && idleMs !== null ? last.current + idleMs - Math.min(60_000, idleMs / 4) : Infinity;
  const warnFrom = idleMs !== null ? endsAt - Math.min(5 * 60_000, idleMs / 3) : Infinity;
  const warning = now >= warnFrom && now < endsAt;
  // When the warning appears, « Prolonger ma session » takes the focus (it was 24 Tab stops away); once
  // extended, focus goes back where the person was.
  const button = useRef<HTMLButtonElement>(null);
  const before = useRef<Element | null>(null);
  useEffect(() => {
    if (!warning) return;
    before.current = document.activeElement;
    button.current?.focus();
  }, [warning]);
  if (!me || idleMs === null) return null;
  if (now < warnFrom) return null;
  const expired = now >= endsAt;
  const extend = () =>
    api<{ expiresAt: string | null }>('/auth/session/extend', { method: 'POST' })
      .then(() => setNow(Date.now()))
      .catch(() => setNow(Date.now()))
      .finally(() => {
        const previous = before.current;
        const target =
          previous instanceof HTMLElement && previous.isConnected && previous !== document.body
            ? previous
            : document.querySelector<HTMLElement>('h1');
        if (!target) return;
        if (target.tabIndex < 0 && !target.hasAttribute('tabindex')) target.setAttribute('tabindex', '-1');
        target.focus();
      });
  return (
    <div className="session-warning" role="alert">
      {expired ? (
        <p>
          {tr(
            'Votre session a pris fin. Vos réponses enregistrées sont conservées : identifiez-vous à nouveau pour continuer.',
            'Your session has ended. Your saved answers are kept: sign in again to continue.',
          )}{' '}
          <a href={signInUrl(me.kind, window.location.pathname + window.location.search)}>
            {tr('M’identifier à nouveau', 'Sign in again')}
          </a>
        </p>
      ) : (
        <>
          <p>
            {tr('Votre session va prendre fin vers ', 'Your session will end at about ')}
            {formatTime(new Date(endsAt))}
            {tr(' faute d’activité.', ' for lack of activity.')}
          </p>
          <button type="button" className="button" ref={button} onClick={() => void extend()}>
            {tr('Prolonger ma session', 'Extend my session')}
          </button>
        </>
      )}
    </div>
  );
}

export function App() {
  const { path, query, navigations } = useLocation();
  const [me, setMe] = useState<Me | null>(null);
  useEffect(() => {
    whoAmI().then(setMe, () => setMe(null));
  }, []);
  useEffect(() => {
    document.documentElement.lang = lang;
  }, []);
  // After a navigation inside the page, focus goes to the new content, as after a page load.
  useEffect(() => {
    if (navigations > 0 && !query.get('etape')) document.getElementById('contenu')?.focus();
  }, [navigations, path, query]);
  return (
    <Layout path={path} me={me} warning={<SessionWarning me={me} />}>
      <Page path={path} query={query} />
    </Layout>
  );
}

/**
 * While a page's chunk loads: a polite status, shown only past a short delay (styles.css, `.page-loading`), so a
 * chunk that arrives at once (preloaded by the server, or cached) does not flash « Chargement… » before the page.
 */
function PageLoading() {
  return (
    <p className="page-loading" role="status" aria-live="polite">
      {tr('Chargement…', 'Loading…')}
    </p>
  );
}

/**
 * The page around every address: skip link, header and menu, main, footer.
 * Also what the server draws around a form's first step before the bundle
 * runs (./server/form-preview.tsx): it reads nothing from the browser.
 */
export function Layout({
  path,
  me,
  warning,
  children,
}: {
  path: string;
  me: Me | null;
  warning?: ReactNode;
  children: ReactNode;
}) {
  const signOut = async () => {
    const { redirectTo } = await api<{ redirectTo: string }>('/auth/logout', { method: 'POST' });
    window.location.assign(redirectTo);
  };
  const agentArea = path.startsWith('/studio') || path.startsWith('/instruction');

  return (
    <>
      <a className="skip-link" href="#contenu">
        {tr('Aller au contenu', 'Skip to content')}
      </a>
      <header className="header">
        <p className="brand">
          <a href="/" onClick={onLinkClick}>
            Guichet
          </a>
        </p>
        <nav aria-label={tr('Menu principal', 'Main menu')}>
          <ul>
            <li>
              <a href="/" onClick={onLinkClick} aria-current={path === '/' ? 'page' : undefined}>
                {tr('Démarches', 'Services')}
              </a>
            </li>
            <li>
              <a
                href="/mes-demarches"
                onClick={onLinkClick}
                aria-current={path.startsWith('/mes-demarches') ? 'page' : undefined}
              >
                {tr('Mes démarches', 'My requests')}
              </a>
            </li>
            {(agentArea || me?.kind === 'agent') && (
              <>
                <li>
                  <a
                    href="/instruction"
                    onClick={onLinkClick}
                    aria-current={path.startsWith('/instruction') ? 'page' : undefined}
                  >
                    {tr('Instruction', 'Casework')}
                  </a>
                </li>
                <li>
                  <a
                    href="/studio"
                    onClick={onLinkClick}
                    aria-current={path.startsWith('/studio') ? 'page' : undefined}
                  >
                    Studio
                  </a>
                </li>
              </>
            )}
            <li>
              {me ? (
                <button type="button" className="link-button" onClick={() => void signOut()}>
                  {tr('Se déconnecter', 'Sign out')}
                  <span className="sr-only">
                    {' '}
                    ({me.givenName} {me.familyName})
                  </span>
                </button>
              ) : (
                <a href={signInUrl(agentArea ? 'agent' : 'citizen', path)}>{tr('Se connecter', 'Sign in')}</a>
              )}
            </li>
            <li>
              <button
                type="button"
                className="link-button"
                lang={lang === 'fr' ? 'en' : 'fr'}
                onClick={() => setLang(lang === 'fr' ? 'en' : 'fr')}
              >
                {lang === 'fr' ? 'English' : 'Français'}
              </button>
            </li>
          </ul>
        </nav>
      </header>
      {warning}
      <main id="contenu" tabIndex={-1}>
        <Suspense fallback={<PageLoading />}>{children}</Suspense>
      </main>
      <footer className="footer">
        <p>
          {tr(
            'Guichet, logiciel libre pour les téléservices des collectivités.',
            'Guichet, free software for local authorities’ online services.',
          )}
        </p>
      </footer>
    </>
  );
}
