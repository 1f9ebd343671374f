import { CUSTOM_FORMATS, LruCache, type Company } from '@guichet/shared';

/**
 * The company directory behind the SIRET field (issue 23): one interface,
 * the real API Recherche d'entreprises behind it in production, the bundled
 * fake (apps/fake-apis) in development and tests — switching is the URL.
 */

/** One establishment, as the SIRET field fills it in (the contract is @guichet/shared's). */
export type { Company };

/** The directory did not answer (down, slow, unreadable, or the breaker is open): the citizen types. */
export class LookupUnavailableError extends Error {
  constructor(readonly reason: 'timeout' | 'network' | 'status' | 'garbage' | 'open') {
    super(`company directory unavailable (${reason})`);
    this.name = 'LookupUnavailableError';
  }
}

export interface CompanyDirectory {
  /**
   * The establishment with this SIRET (14 digits, spaces allowed), or null
   * when the directory does not know it. Throws `LookupUnavailableError` when
   * the directory does not answer usably; a SIRET whose key is wrong is a
   * caller's error (RangeError), never sent.
   */
  findBySiret(siret: string): Promise<Company | null>;
}

/** The SIRET without its spaces, or null when it is not a valid SIRET (14 digits, Luhn, La Poste's rule). */
export function normaliseSiret(value: unknown): string | null {
  if (typeof value !== 'string') return null;
  const trimmed = value.trim();
  return CUSTOM_FORMATS.siret(trimmed) ? trimmed.replace(/[ \u00A0\u202F]/g, '') : null;
}

/**
 * Labels of the legal forms met most by local services (INSEE's « catégories
 * juridiques », level III). Others are shown by their code.
 */
const LEGAL_FORMS: Readonly<Record<string, string>> = {
  '1000': 'Entrepreneur individuel',
  '5410': 'SARL nationale',
  '5422': 'SARL immobilière de gestion',
  '5485': 'Société d’exercice libéral à responsabilité limitée',
  '5498': 'SARL unipersonnelle',
  '5499': 'Société à responsabilité limitée (SARL)',
  '5599': 'SA à conseil d’administration',
  '5699': 'SA à directoire',
  '5710': 'Société par actions simplifiée (SAS)',
  '5720': 'Société par actions simplifiée à associé unique (SASU)',
  '6540': 'Société civile immobilière',
  '6588': 'Société civile',
  '7210': 'Commune et commune nouvelle',
  '7348': 'Communauté d’agglomération',
  '7353': 'Communauté de communes',
  '8110': 'Régime général de la Sécurité sociale',
  '9210': 'Association non déclarée',
  '9220': 'Association déclarée',
  '9221': 'Association déclarée d’insertion par l’économique',
  '9230': 'Association déclarée, reconnue d’utilité publique',
  '9260': 'Association de droit local (Bas-Rhin, Haut-Rhin et Moselle)',
  '9300': 'Fondation',
};

export function legalFormLabel(code: string | null): string {
  if (code === null) return '';
  return LEGAL_FORMS[code] ?? `Catégorie juridique ${code}`;
}

type Node = Record<string, unknown>;
const isNode = (v: unknown): v is Node => v !== null && typeof v === 'object' && !Array.isArray(v);
/** A string field of the answer, bounded; anything else is absent. */
const str = (v: unknown, max = 300): string | null =>
  typeof v === 'string' && v.trim() !== '' ? v.trim().slice(0, max) : null;

/**
 * The establishment with `siret` in an answer of `GET /search?q={siret}`
 * (`{ results: [{ siren, nom_complet, nature_juridique, activite_principale,
 * siege, matching_etablissements: [{ siret, adresse, code_postal,
 * libelle_commune, etat_administratif, activite_principale }] }] }`):
 * null when no result holds it; `LookupUnavailableError('garbage')` when the
 * answer is not that shape.
 */
export function parseSearchAnswer(body: unknown, siret: string): Company | null {
  if (!isNode(body) || !Array.isArray(body.results)) throw new LookupUnavailableError('garbage');
  for (const result of body.results.slice(0, 25)) {
    if (!isNode(result)) throw new LookupUnavailableError('garbage');
    const candidates = [
      ...(Array.isArray(result.matching_etablissements) ? result.matching_etablissements.slice(0, 100) : []),
      result.siege,
    ];
    const establishment = candidates.find((e): e is Node => isNode(e) && e.siret === siret);
    if (!establishment) continue;
    const siren = str(result.siren, 9);
    const name = str(result.nom_raison_sociale) ?? str(result.nom_complet);
    if (siren === null || !siret.startsWith(siren) || name === null) throw new LookupUnavailableError('garbage');
    const nature = str(result.nature_juridique, 4);
    const state = establishment.etat_administratif ?? result.etat_administratif;
    return {
      siret,
      siren,
      raisonSociale: name,
      formeJuridique: legalFormLabel(nature),
      natureJuridique: nature,
      adresse: str(establishment.adresse) ?? '',
      codePostal: str(establishment.code_postal, 5),
      commune: str(establishment.libelle_commune, 100),
      codeNaf: str(establishment.activite_principale, 6) ?? str(result.activite_principale, 6),
      etat: state === 'F' ? 'ferme' : 'actif',
    };
  }
  return null;
}

export interface HttpCompanyDirectoryOptions {
  /** The API's base, e.g. `https://recherche-entreprises.api.gouv.fr` (no trailing path). */
  baseUrl: string;
  timeoutMs?: number;
  /** Consecutive failures that open the breaker. */
  failuresToOpen?: number;
  /** How long an open breaker fails fast before letting one request try. */
  openMs?: number;
  cacheMs?: number;
  cacheSize?: number;
  /** For tests: the clock. */
  now?: () => number;
  fetch?: typeof fetch;
}

/**
 * API Recherche d'entreprises (public, no key) over HTTP, with a timeout, a
 * circuit breaker (after `failuresToOpen` failures in a row, every lookup
 * fails at once for `openMs`, then one is let through) and a small cache of
 * answers (found and not found; failures are not kept). Nothing of the
 * answers, nor the SIRET, is logged here.
 */
export class HttpCompanyDirectory implements CompanyDirectory {
  private readonly base: string;
  private readonly timeoutMs: number;
  private readonly failuresToOpen: number;
  private readonly openMs: number;
  private readonly cacheMs: number;
  private readonly cache: LruCache<string, { at: number; company: Company | null }>;
  private readonly now: () => number;
  private readonly fetcher: typeof fetch;
  private failures = 0;
  private openUntil = 0;
  /** Lookups of the same SIRET in flight share one request. */
  private readonly pending = new Map<string, Promise<Company | null>>();

  constructor(options: HttpCompanyDirectoryOptions) {
    this.base = options.baseUrl.replace(/\/+$/, '');
    this.timeoutMs = options.timeoutMs ?? 3000;
    this.failuresToOpen = options.failuresToOpen ?? 5;
    this.openMs = options.openMs ?? 30_000;
    this.cacheMs = options.cacheMs ?? 5 * 60_000;
    this.cache = new LruCache(options.cacheSize ?? 1000);
    this.now = options.now ?? Date.now;
    this.fetcher = options.fetch ?? fetch;
  }

  /** Whether lookups currently fail fast. */
  get open(): boolean {
    return this.failures >= this.failuresToOpen && this.now() < this.openUntil;
  }

  async findBySiret(value: string): Promise<Company | null> {
    const siret = normaliseSiret(value);
    if (siret === null) throw new RangeError('not a valid SIRET');
    const kept = this.cache.get(siret);
    if (kept && this.now() - kept.at < this.cacheMs) return kept.company;
    const running = this.pending.get(siret);
    if (running) return running;
    const lookup = this.ask(siret).finally(() => this.pending.delete(siret));
    this.pending.set(siret, lookup);
    return lookup;
  }

  private async ask(siret: string): Promise<Company | null> {
    if (this.failures >= this.failuresToOpen) {
      if (this.now() < this.openUntil) throw new LookupUnavailableError('open');
      // Half open: this one tries; if it fails, the breaker opens again at once.
      this.failures = this.failuresToOpen - 1;
    }
    try {
      const company = await this.request(siret);
      this.failures = 0;
      this.cache.set(siret, { at: this.now(), company });
      return company;
    } catch (error) {
      this.failures++;
      if (this.failures >= this.failuresToOpen) this.openUntil = this.now() + this.openMs;
      throw error;
    }
  }

  private async request(siret: string): Promise<Company | null> {
    const url = `${this.base}/search?q=${encodeURIComponent(siret)}&page=1&per_page=5`;
    const signal = AbortSignal.timeout(this.timeoutMs);
    let response: Response;
    try {
      response = await this.fetcher(url, { signal, headers: { accept: 'application/json' }, redirect: 'error' });
    } catch {
      throw new LookupUnavailableError(signal.aborted ? 'timeout' : 'network');
    }
    if (!response.ok) {
      await response.body?.cancel().catch(() => undefined);
      throw new LookupUnavailableError('status');
    }
    let body: unknown;
    try {
      // Bounded by the timeout too: a body that trickles in is a slow answer.
      const text = await response.text();
      if (text.length > 2_000_000) throw new Error('too long');
      body = JSON.parse(text);
    } catch {
      throw new LookupUnavailableError(signal.aborted ? 'timeout' : 'garbage');
    }
    return parseSearchAnswer(body, siret);
  }
}

let shared: { key: string; directory: HttpCompanyDirectory } | undefined;

/** The process's directory for these settings (one cache and one breaker per process). */
export function companyDirectory(options: { baseUrl: string; timeoutMs: number }): CompanyDirectory {
  const key = `${options.baseUrl} ${options.timeoutMs}`;
  if (shared?.key !== key) shared = { key, directory: new HttpCompanyDirectory(options) };
  return shared.directory;
}
