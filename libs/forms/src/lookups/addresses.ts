import { ADDRESS_QUERY, type Address } from '@guichet/shared';
import { LookupUnavailableError, perProcess, ProviderClient, type ProviderClientOptions } from './provider-client';

export { LookupUnavailableError };

/**
 * The address directory behind the address field (issue 23): one interface,
 * API Adresse (Base Adresse Nationale) behind it — served since 2025 by the
 * IGN's Géoplateforme at `https://data.geopf.fr/geocodage`, same format — and
 * the bundled fake (apps/fake-apis) in development and tests; switching is
 * the URL (ADRESSE_API_URL).
 */
export type { Address };

export interface AddressDirectory {
  /**
   * Up to `limit` addresses for a typed query (3 to 200 characters), best
   * first; [] when none. Throws `LookupUnavailableError` when the directory
   * does not answer usably.
   */
  search(query: string, limit?: number): Promise<Address[]>;
}

/** The query as sent and cached: spaces collapsed, trimmed; null when its length is out of bounds. */
export function normaliseAddressQuery(value: unknown): string | null {
  if (typeof value !== 'string') return null;
  const query = value.replace(/\s+/g, ' ').trim();
  return query.length >= ADDRESS_QUERY.min && query.length <= ADDRESS_QUERY.max ? query : null;
}

type Node = Record<string, unknown>;
const isNode = (v: unknown): v is Node => v !== null && typeof v === 'object' && !Array.isArray(v);
const str = (v: unknown, max = 300): string | null =>
  typeof v === 'string' && v.trim() !== '' ? v.trim().slice(0, max) : null;
const TYPES = new Set(['housenumber', 'street', 'locality', 'municipality']);

/**
 * The addresses of an answer of `GET /search/?q=…&limit=…`: a GeoJSON
 * FeatureCollection whose `features[]` have `properties` { label, score, id,
 * type, housenumber, name, street, postcode, citycode, city, context } and
 * `geometry.coordinates` [lon, lat]. `LookupUnavailableError('garbage')` when
 * the answer is not that shape; features the field cannot use (no id, no
 * postcode, a point outside WGS 84) are skipped.
 */
export function parseAddressAnswer(body: unknown): Address[] {
  if (!isNode(body) || !Array.isArray(body.features)) throw new LookupUnavailableError('garbage');
  const addresses: Address[] = [];
  for (const feature of body.features.slice(0, 50)) {
    if (!isNode(feature) || !isNode(feature.properties)) throw new LookupUnavailableError('garbage');
    const p = feature.properties;
    const point = isNode(feature.geometry) ? feature.geometry.coordinates : undefined;
    if (!Array.isArray(point)) throw new LookupUnavailableError('garbage');
    const [lon, lat] = point;
    const id = str(p.id, 100);
    const label = str(p.label);
    const postcode = str(p.postcode, 5);
    const city = str(p.city, 100);
    const citycode = str(p.citycode, 5);
    const type = typeof p.type === 'string' && TYPES.has(p.type) ? (p.type as Address['type']) : null;
    if (
      typeof lon !== 'number' ||
      typeof lat !== 'number' ||
      !(Math.abs(lon) <= 180 && Math.abs(lat) <= 90) ||
      id === null ||
      label === null ||
      postcode === null ||
      !/^\d{5}$/.test(postcode) ||
      city === null ||
      citycode === null ||
      type === null
    )
      continue;
    addresses.push({
      banId: id,
      label,
      numero: str(p.housenumber, 20) ?? '',
      voie: str(p.street) ?? (type === 'municipality' ? '' : (str(p.name) ?? '')),
      codePostal: postcode,
      commune: city,
      codeInsee: citycode,
      lon,
      lat,
      type,
      score: typeof p.score === 'number' && p.score >= 0 && p.score <= 1 ? p.score : 0,
    });
  }
  return addresses;
}

export interface HttpAddressDirectoryOptions extends ProviderClientOptions {
  /** The API's base, e.g. `https://data.geopf.fr/geocodage` (the path before `/search/`). */
  baseUrl: string;
}

/**
 * API Adresse (public, no key) over HTTP, through a `ProviderClient`
 * (timeout, circuit breaker, cache, in-flight sharing). Addresses are
 * personal data: neither the query nor the answer is logged here.
 */
export class HttpAddressDirectory implements AddressDirectory {
  private readonly base: string;
  private readonly client: ProviderClient;

  constructor(options: HttpAddressDirectoryOptions) {
    this.base = options.baseUrl.replace(/\/+$/, '');
    this.client = new ProviderClient(options);
  }

  get open(): boolean {
    return this.client.open;
  }

  async search(value: string, limit = 5): Promise<Address[]> {
    const query = normaliseAddressQuery(value);
    if (query === null) throw new RangeError('address query out of bounds');
    const n = Math.min(Math.max(Math.trunc(limit), 1), 10);
    // `index=address` is the Géoplateforme's (the BAN among its indexes); the former api-adresse ignored it.
    const url = `${this.base}/search/?q=${encodeURIComponent(query)}&limit=${n}&index=address`;
    return this.client.lookup(`${n} ${query.toLocaleLowerCase('fr')}`, { url }, (body) => parseAddressAnswer(body));
  }
}

/** The process's directory for these settings (one cache and one breaker per process). */
export const addressDirectory: (options: { baseUrl: string; timeoutMs: number }) => AddressDirectory = perProcess(
  (options) => new HttpAddressDirectory(options),
);
