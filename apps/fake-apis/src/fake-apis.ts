import { createServer, type Server } from 'node:http';
import type { AddressInfo } from 'node:net';
import type { Provider } from './answer';
import { answerAddressSearch } from './adresse';
import { answerAssociation } from './associations';
import { answerSearch } from './entreprises';
import { answerQuotient } from './particulier';

/** The fake providers by the prefix they are mounted under; each connector's URL setting points at `{url}{prefix}`. */
const PROVIDERS: Readonly<Record<string, Provider>> = {
  '/entreprises': (path, query) => (path === '/search' ? answerSearch(query) : null),
  '/associations': (path) => answerAssociation(path),
  '/particulier': answerQuotient,
  '/adresse': (path, query) => (path === '/search/' || path === '/search' ? answerAddressSearch(query) : null),
};

export interface RunningFakeApis {
  /** The server's base, e.g. `http://127.0.0.1:4010`. */
  url: string;
  /** What `ENTREPRISES_API_URL` should be to use the fake API Recherche d'entreprises. */
  entreprisesUrl: string;
  /** What `ASSOCIATIONS_API_URL` should be to use the fake API Entreprise (associations). */
  associationsUrl: string;
  /** What `PARTICULIER_API_URL` should be to use the fake API Particulier (family quotient; any bearer token). */
  particulierUrl: string;
  /** What `ADRESSE_API_URL` should be to use the fake API Adresse (Base Adresse Nationale). */
  adresseUrl: string;
  /** Lookups answered so far, by path (no query: SIRETs are not kept). */
  hits(path: string): number;
  close(): Promise<void>;
}

/**
 * The bundled fake providers of the State's open APIs (issue 23), over real
 * HTTP: development and tests use them instead of the real ones, switching
 * being configuration only. Mounted under a prefix each (`PROVIDERS`):
 * `/entreprises/search` (API Recherche d'entreprises),
 * `/associations/v4/djepva/api-association/associations/open_data/{rna}`
 * (API Entreprise's associations),
 * `/particulier/v3/dss/quotient_familial/identite` (API Particulier's family quotient),
 * `/adresse/search/` (API Adresse, Base Adresse Nationale).
 * Never started in production.
 */
export async function startFakeApis(port = 0, host = '127.0.0.1'): Promise<RunningFakeApis> {
  const counts = new Map<string, number>();
  const timers = new Set<ReturnType<typeof setTimeout>>();
  const server: Server = createServer((req, res) => {
    const url = new URL(req.url ?? '/', 'http://fake');
    counts.set(url.pathname, (counts.get(url.pathname) ?? 0) + 1);
    if (req.method !== 'GET') {
      res.writeHead(405, { 'content-type': 'application/json' }).end('{"erreur":"Méthode non admise."}');
      return;
    }
    const prefix = Object.keys(PROVIDERS).find((p) => url.pathname.startsWith(`${p}/`));
    const answer = prefix ? PROVIDERS[prefix]!(url.pathname.slice(prefix.length), url.searchParams, req.headers) : null;
    if (!answer) {
      res.writeHead(404, { 'content-type': 'application/json' }).end('{"erreur":"Introuvable."}');
      return;
    }
    const send = () => {
      if (!res.destroyed) res.writeHead(answer.status, { 'content-type': answer.type }).end(answer.body);
    };
    if (!answer.delayMs) return send();
    const timer = setTimeout(() => {
      timers.delete(timer);
      send();
    }, answer.delayMs);
    timers.add(timer);
  });
  await new Promise<void>((resolve, reject) => {
    server.once('error', reject);
    server.listen(port, host, () => resolve());
  });
  const address = server.address() as AddressInfo;
  const url = `http://${host.includes(':') ? `[${host}]` : host}:${address.port}`;
  return {
    url,
    entreprisesUrl: `${url}/entreprises`,
    associationsUrl: `${url}/associations`,
    particulierUrl: `${url}/particulier`,
    adresseUrl: `${url}/adresse`,
    hits: (path) => counts.get(path) ?? 0,
    close: () =>
      new Promise<void>((resolve) => {
        for (const timer of timers) clearTimeout(timer);
        server.close(() => resolve());
        server.closeAllConnections();
      }),
  };
}
