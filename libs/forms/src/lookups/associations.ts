import { normaliseRna, type Association } from '@guichet/shared';
import { LookupUnavailableError, perProcess, ProviderClient, type ProviderClientOptions } from './provider-client';

/**
 * The associations' registry behind the RNA field (issue 23): one interface,
 * the « Données association en open data » of the DJEPVA's API Association
 * through API Entreprise in production (RNA and Sirene data, token required),
 * the bundled fake (apps/fake-apis) in development and tests — switching is
 * the URL.
 */

export type { Association };
export { normaliseRna };

export interface AssociationRegistry {
  /**
   * The association with this RNA number (W and 9 digits, spaces allowed),
   * or null when the registry does not know it. Throws
   * `LookupUnavailableError` when the registry does not answer usably; a
   * malformed number is a caller's error (RangeError), never sent.
   */
  findByRna(rna: string): Promise<Association | null>;
}

type Node = Record<string, unknown>;
const isNode = (v: unknown): v is Node => v !== null && typeof v === 'object' && !Array.isArray(v);
/** A string field of the answer, bounded; anything else is absent. */
const str = (v: unknown, max = 300): string | null =>
  typeof v === 'string' && v.trim() !== '' ? v.trim().replace(/\s+/g, ' ').slice(0, max) : null;
/** A date of the answer (YYYY-MM-DD); anything else is absent. */
const day = (v: unknown): string | null =>
  typeof v === 'string' && /^\d{4}-\d{2}-\d{2}$/.test(v) && !Number.isNaN(Date.parse(v)) ? v : null;

/** The seat's address in one line (« 33 rue de Modagor 75009 Paris »), from the answer's `adresse_siege`. */
function addressLine(address: Node): string {
  const parts = [
    str(address.complement, 100),
    [str(address.numero_voie, 10), str(address.type_voie, 20), str(address.libelle_voie, 150)]
      .filter(Boolean)
      .join(' '),
    str(address.distribution, 100),
    [str(address.code_postal, 5), str(address.commune, 100)].filter(Boolean).join(' '),
  ];
  return parts
    .filter((p) => p !== null && p !== '')
    .join(' ')
    .slice(0, 300);
}

/**
 * The association in an answer of API Entreprise's
 * `GET /v4/djepva/api-association/associations/open_data/{siren_or_rna}`
 * (`{ data: { rna, siren, nom, active, date_creation, date_dissolution,
 * date_publication_journal_officiel, adresse_siege: { complement,
 * numero_voie, type_voie, libelle_voie, distribution, code_postal, commune },
 * activites: { objet } }, links, meta }`). `LookupUnavailableError('garbage')`
 * when the answer is not that shape or is another association's.
 */
export function parseAssociationAnswer(body: unknown, rna: string): Association {
  if (!isNode(body) || !isNode(body.data)) throw new LookupUnavailableError('garbage');
  const data = body.data;
  const nom = str(data.nom);
  if (normaliseRna(data.rna) !== rna || nom === null) throw new LookupUnavailableError('garbage');
  const seat = isNode(data.adresse_siege) ? data.adresse_siege : {};
  const activities = isNode(data.activites) ? data.activites : {};
  const dissolved = day(data.date_dissolution);
  return {
    rna,
    siren: typeof data.siren === 'string' && /^\d{9}$/.test(data.siren) ? data.siren : null,
    nom,
    objet: str(activities.objet, 2000) ?? '',
    adresse: addressLine(seat),
    codePostal: str(seat.code_postal, 5),
    commune: str(seat.commune, 100),
    dateDeclaration: day(data.date_creation),
    datePublicationJo: day(data.date_publication_journal_officiel),
    etat: data.active === false || dissolved !== null ? 'dissoute' : 'active',
    dateDissolution: dissolved,
  };
}

export interface HttpAssociationRegistryOptions extends ProviderClientOptions {
  /** API Entreprise's base, e.g. `https://entreprise.api.gouv.fr` (no trailing path). */
  baseUrl: string;
  /** API Entreprise's token (a secret: sent as a bearer, never logged). Without it the real API refuses: the citizen types. */
  token?: string;
  /** The SIRET of the administration the data is for (API Entreprise's `recipient`). */
  recipient?: string;
}

/**
 * The associations' registry over HTTP, through a `ProviderClient`
 * (timeout, circuit breaker, cache of found and not-found answers). Nothing
 * of the answers, nor the RNA number, nor the token, is logged here.
 */
export class HttpAssociationRegistry implements AssociationRegistry {
  private readonly base: string;
  private readonly client: ProviderClient;
  private readonly headers: Record<string, string>;
  private readonly query: string;

  constructor(options: HttpAssociationRegistryOptions) {
    this.base = options.baseUrl.replace(/\/+$/, '');
    this.client = new ProviderClient(options);
    this.headers = options.token ? { authorization: `Bearer ${options.token}` } : {};
    // API Entreprise asks why and for whom each call is made.
    this.query = new URLSearchParams({
      context: 'Démarche en ligne',
      object: 'Préremplissage du numéro RNA',
      ...(options.recipient ? { recipient: options.recipient } : {}),
    }).toString();
  }

  /** Whether lookups currently fail fast. */
  get open(): boolean {
    return this.client.open;
  }

  async findByRna(value: string): Promise<Association | null> {
    const rna = normaliseRna(value);
    if (rna === null) throw new RangeError('not a valid RNA number');
    const url = `${this.base}/v4/djepva/api-association/associations/open_data/${rna}?${this.query}`;
    return this.client.lookup(rna, { url, headers: this.headers, answerStatuses: [404] }, (body, status) =>
      status === 404 ? null : parseAssociationAnswer(body, rna),
    );
  }
}

/** The process's registry for these settings (one cache and one breaker per process). */
export const associationRegistry: (options: {
  baseUrl: string;
  timeoutMs: number;
  token?: string;
  recipient?: string;
}) => AssociationRegistry = perProcess((options) => new HttpAssociationRegistry(options));
