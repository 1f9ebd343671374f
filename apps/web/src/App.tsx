import { useEffect, useState } from 'react';
import { errorMessage } from '@guichet/shared';

type Readiness = 'checking' | 'ok' | 'down';

const AREAS: Record<string, { title: string; text: string }> = {
  '/': { title: 'Démarches en ligne', text: 'Le portail des démarches de votre collectivité arrive bientôt ici.' },
  '/demarches': { title: 'Démarche', text: 'Le formulaire de cette démarche sera bientôt disponible ici.' },
  '/mes-demarches': { title: 'Mes démarches', text: 'Vos brouillons et vos demandes seront bientôt listés ici.' },
  '/studio': { title: 'Studio', text: 'L’espace de conception des démarches arrive bientôt.' },
  '/instruction': { title: 'Instruction', text: 'L’espace d’instruction des dossiers arrive bientôt.' },
};

function areaOf(path: string) {
  const prefix = Object.keys(AREAS).find((p) => p !== '/' && (path === p || path.startsWith(`${p}/`)));
  return AREAS[prefix ?? '/']!;
}

export function App() {
  const area = areaOf(window.location.pathname);
  const [readiness, setReadiness] = useState<Readiness>('checking');

  useEffect(() => {
    document.title = `${area.title} — Guichet`;
    fetch('/health/ready')
      .then((r) => setReadiness(r.ok ? 'ok' : 'down'))
      .catch(() => setReadiness('down'));
  }, [area.title]);

  return (
    <>
      <a className="skip-link" href="#contenu">
        Aller au contenu
      </a>
      <header className="header">
        <p className="brand">
          <a href="/">Guichet</a>
        </p>
        <nav aria-label="Menu principal">
          <ul>
            <li>
              <a href="/">Démarches</a>
            </li>
            <li>
              <a href="/mes-demarches">Mes démarches</a>
            </li>
            <li>
              <a href="/studio">Studio</a>
            </li>
            <li>
              <a href="/instruction">Instruction</a>
            </li>
          </ul>
        </nav>
      </header>
      <main id="contenu" tabIndex={-1}>
        <h1>{area.title}</h1>
        <p>{area.text}</p>
        <p role="status" aria-live="polite">
          {readiness === 'checking' && 'Vérification du service…'}
          {readiness === 'ok' && 'Le service fonctionne normalement.'}
          {readiness === 'down' && errorMessage('SERVICE_UNAVAILABLE', 'fr', { dependencies: 'serveur' })}
        </p>
      </main>
      <footer className="footer">
        <p>Guichet, logiciel libre pour les téléservices des collectivités.</p>
      </footer>
    </>
  );
}
