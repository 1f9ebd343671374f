import { CUSTOM_FORMATS, type Company } from '@guichet/shared';
import { LookupUnavailableError, perProcess, ProviderClient, type ProviderClientOptions } from './provider-client';

export { LookupUnavailableError };

/**
 * The company directory behind the SIRET field (issue 23): one interface,
 * the real API Recherche d'entreprises behind it in production, the bundled
 * fake (apps/fake-apis) in development and tests — switching is the URL.
 */

/** One establishment, as the SIRET field fills it in (the contract is @guichet/shared's). */
export type { Company };

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

export interface HttpCompanyDirectoryOptions extends ProviderClientOptions {
  /** The API's base, e.g. `https://recherche-entreprises.api.gouv.fr` (no trailing path). */
  baseUrl: string;
}

/**
 * API Recherche d'entreprises (public, no key) over HTTP, through a
 * `ProviderClient` (timeout, circuit breaker, cache of found and not-found
 * answers). Nothing of the answers, nor the SIRET, is logged here.
 */
export class HttpCompanyDirectory implements CompanyDirectory {
  private readonly base: string;
  private readonly client: ProviderClient;

  constructor(options: HttpCompanyDirectoryOptions) {
    this.base = options.baseUrl.replace(/\/+$/, '');
    this.client = new ProviderClient(options);
  }

  /** Whether lookups currently fail fast. */
  get open(): boolean {
    return this.client.open;
  }

  async findBySiret(value: string): Promise<Company | null> {
    const siret = normaliseSiret(value);
    if (siret === null) throw new RangeError('not a valid SIRET');
    const url = `${this.base}/search?q=${encodeURIComponent(siret)}&page=1&per_page=5`;
    return this.client.lookup(siret, { url }, (body) => parseSearchAnswer(body, siret));
  }
}

/** The process's directory for these settings (one cache and one breaker per process). */
export const companyDirectory: (options: { baseUrl: string; timeoutMs: number }) => CompanyDirectory = perProcess(
  (options) => new HttpCompanyDirectory(options),
);
