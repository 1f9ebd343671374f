import { createHash } from 'node:crypto';
import type { FamilyQuotient } from '@guichet/shared';
import { LookupUnavailableError, perProcess, ProviderClient, type ProviderClientOptions } from './provider-client';

/**
 * The family quotient behind the family quotient field (issue 23): one
 * interface, API Particulier's « Quotient familial CAF & MSA » (v3, call by
 * the FranceConnect identity pivot) in production, the bundled fake
 * (apps/fake-apis) in development and tests — switching is the URL. Asked
 * only server side, for a citizen signed in with FranceConnect who consented.
 */

export type { FamilyQuotient };

/** The FranceConnect identity pivot, as API Particulier's `/v3/dss/quotient_familial/identite` takes it. */
export interface QuotientIdentity {
  nomNaissance: string;
  prenoms: string[];
  anneeDateNaissance: number;
  moisDateNaissance: number;
  jourDateNaissance: number;
  sexeEtatCivil: 'F' | 'M';
  /** INSEE (COG) code of the birth commune; absent when born abroad. */
  codeCogInseeCommuneNaissance?: string;
  /** INSEE (COG) code of the birth country (99100: France). */
  codeCogInseePaysNaissance: string;
}

/**
 * The identity pivot in a FranceConnect sign-in's claims (family_name,
 * given_name, birthdate, gender, birthplace, birthcountry), or null when the
 * claims are not a FranceConnect identity (an agent, a partial sign-in).
 */
export function quotientIdentity(claims: Readonly<Record<string, string>> | undefined): QuotientIdentity | null {
  if (!claims) return null;
  const family = claims.family_name?.trim();
  const given = claims.given_name?.trim().split(/\s+/).filter(Boolean) ?? [];
  const birth = /^(\d{4})-(\d{2})-(\d{2})$/.exec(claims.birthdate ?? '');
  const sex = claims.gender === 'female' ? 'F' : claims.gender === 'male' ? 'M' : null;
  const country = /^99\d{3}$/.test(claims.birthcountry ?? '') ? claims.birthcountry! : null;
  if (!family || given.length === 0 || !birth || !sex || !country) return null;
  const commune = /^(?:\d{5}|2[AB]\d{3})$/.test(claims.birthplace ?? '') ? claims.birthplace : undefined;
  return {
    nomNaissance: family,
    prenoms: given,
    anneeDateNaissance: Number(birth[1]),
    moisDateNaissance: Number(birth[2]),
    jourDateNaissance: Number(birth[3]),
    sexeEtatCivil: sex,
    ...(commune ? { codeCogInseeCommuneNaissance: commune } : {}),
    codeCogInseePaysNaissance: country,
  };
}

export interface FamilyQuotientProvider {
  /**
   * The family quotient of this person, or null when neither the CAF nor
   * the MSA knows them. Throws `LookupUnavailableError` when the API does not
   * answer usably. Call it only with the citizen's consent.
   */
  findByIdentity(identity: QuotientIdentity): Promise<FamilyQuotient | null>;
}

type Node = Record<string, unknown>;
const isNode = (v: unknown): v is Node => v !== null && typeof v === 'object' && !Array.isArray(v);
const str = (v: unknown, max = 200): string | null =>
  typeof v === 'string' && v.trim() !== '' ? v.trim().replace(/\s+/g, ' ').slice(0, max) : null;
const int = (v: unknown, min: number, max: number): number | null =>
  typeof v === 'number' && Number.isInteger(v) && v >= min && v <= max ? v : null;

/**
 * The quotient in an answer of API Particulier's
 * `GET /v3/dss/quotient_familial/identite` (`{ data: { allocataires: [{
 * nom_naissance, nom_usage, prenoms, date_naissance, sexe }], enfants,
 * adresse, quotient_familial: { fournisseur: "CNAF"|"MSA", valeur, annee,
 * mois, annee_calcul, mois_calcul } }, links, meta }`).
 * `LookupUnavailableError('garbage')` when the answer is not that shape.
 */
export function parseQuotientAnswer(body: unknown): FamilyQuotient {
  if (!isNode(body) || !isNode(body.data) || !isNode(body.data.quotient_familial))
    throw new LookupUnavailableError('garbage');
  const qf = body.data.quotient_familial;
  const regime =
    qf.fournisseur === 'CNAF' || qf.fournisseur === 'CAF' ? 'CAF' : qf.fournisseur === 'MSA' ? 'MSA' : null;
  const quotient = int(qf.valeur, 0, 1_000_000);
  const annee = int(qf.annee, 1990, 2200);
  const mois = int(qf.mois, 1, 12);
  if (regime === null || quotient === null || annee === null || mois === null)
    throw new LookupUnavailableError('garbage');
  const allocataires = (Array.isArray(body.data.allocataires) ? body.data.allocataires : [])
    .slice(0, 4)
    .filter(isNode)
    .map((a) => [str(a.prenoms), str(a.nom_usage) ?? str(a.nom_naissance)].filter(Boolean).join(' '))
    .filter((name) => name !== '');
  return { quotient, annee, mois, regime, allocataires };
}

export interface HttpFamilyQuotientProviderOptions extends ProviderClientOptions {
  /** API Particulier's base, e.g. `https://particulier.api.gouv.fr` (no trailing path). */
  baseUrl: string;
  /** API Particulier's token (a secret: sent as a bearer, never logged). Without it the API refuses: the citizen types. */
  token?: string;
  /** The SIRET of the administration the data is for (API Particulier's `recipient`). */
  recipient?: string;
}

/**
 * API Particulier over HTTP, through a `ProviderClient` (timeout, circuit
 * breaker, cache, shared in-flight lookups). The cache's key is a hash of
 * the identity; nothing of the identity, the answer or the token is logged.
 */
export class HttpFamilyQuotientProvider implements FamilyQuotientProvider {
  private readonly base: string;
  private readonly client: ProviderClient;
  private readonly headers: Record<string, string>;
  private readonly recipient?: string;

  constructor(options: HttpFamilyQuotientProviderOptions) {
    this.base = options.baseUrl.replace(/\/+$/, '');
    this.client = new ProviderClient(options);
    this.headers = options.token ? { authorization: `Bearer ${options.token}` } : {};
    this.recipient = options.recipient;
  }

  get open(): boolean {
    return this.client.open;
  }

  async findByIdentity(identity: QuotientIdentity): Promise<FamilyQuotient | null> {
    const query = new URLSearchParams();
    if (this.recipient) query.set('recipient', this.recipient);
    query.set('nomNaissance', identity.nomNaissance);
    for (const p of identity.prenoms) query.append('prenoms[]', p);
    query.set('anneeDateNaissance', String(identity.anneeDateNaissance));
    query.set('moisDateNaissance', String(identity.moisDateNaissance));
    query.set('jourDateNaissance', String(identity.jourDateNaissance));
    query.set('sexeEtatCivil', identity.sexeEtatCivil);
    if (identity.codeCogInseeCommuneNaissance)
      query.set('codeCogInseeCommuneNaissance', identity.codeCogInseeCommuneNaissance);
    query.set('codeCogInseePaysNaissance', identity.codeCogInseePaysNaissance);
    const key = createHash('sha256').update(query.toString()).digest('hex');
    const url = `${this.base}/v3/dss/quotient_familial/identite?${query.toString()}`;
    return this.client.lookup(key, { url, headers: this.headers, answerStatuses: [404] }, (body, status) =>
      status === 404 ? null : parseQuotientAnswer(body),
    );
  }
}

/** The process's provider for these settings (one cache and one breaker per process). */
export const familyQuotientProvider: (options: {
  baseUrl: string;
  timeoutMs: number;
  token?: string;
  recipient?: string;
}) => FamilyQuotientProvider = perProcess((options) => new HttpFamilyQuotientProvider(options));
