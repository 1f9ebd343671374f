import { dirname } from 'node:path';
import { Worker } from 'node:worker_threads';
import { normaliseName } from './normalise';

/** One commune as the API answers it (and as the commune field stores part of it). */
export interface Commune {
  codeInsee: string;
  nom: string;
  codesPostaux: string[];
  departement: { code: string; nom: string };
  /** The intercommunality the commune belongs to (none for a few islands and Paris). */
  epci: { siren: string; nom: string } | null;
}

/**
 * Where a commune field may be answered: the designer's `ui:options`
 * (`departements`, `epci` SIRENs, `communes` INSEE codes). Empty lists, or
 * none, mean all of France.
 */
export interface Territory {
  departements?: readonly string[];
  epci?: readonly string[];
  communes?: readonly string[];
}

interface Entry {
  commune: Commune;
  /** The name as `normaliseName` gives it. */
  key: string;
  population: number;
}

export interface SearchOptions {
  limit?: number;
  territory?: Territory;
}

const DATA_DIR = '@etalab/decoupage-administratif/data/';

interface RawCommune {
  code: string;
  nom: string;
  type: string;
  departement?: string;
  commune?: string;
  codesPostaux?: string[];
  population?: number;
}

/**
 * The communes of France (current communes, and the arrondissements of Paris,
 * Lyon and Marseille that addresses use), their postcodes, département and
 * EPCI, from the bundled `@etalab/decoupage-administratif` (no network). The
 * 13 MB of JSON are read once, at first use, into a compact index of about
 * 35 000 entries; a search is one pass over it.
 */
export class CommuneDirectory {
  private readonly byCode = new Map<string, Entry>();
  private readonly byPostcode = new Map<string, Entry[]>();
  private readonly byKey = new Map<string, Entry[]>();
  private readonly entries: Entry[] = [];
  /** Sorted by key, for prefix searches: the names, the names' inner words (« denis » of « saint denis »), the postcodes. */
  private readonly names: Entry[];
  private readonly words: Array<[string, Entry]> = [];
  private readonly postcodes: Array<[string, Entry[]]>;

  private constructor(communes: RawCommune[], departements: Array<{ code: string; nom: string }>, epcis: RawEpci[]) {
    const departementNames = new Map(departements.map((d) => [d.code, d.nom]));
    const epciOf = new Map<string, { siren: string; nom: string }>();
    for (const epci of epcis) {
      const ref = { siren: epci.code, nom: epci.nom };
      for (const member of epci.membres ?? []) epciOf.set(member.code, ref);
    }
    for (const raw of communes) {
      if (raw.type !== 'commune-actuelle' && raw.type !== 'arrondissement-municipal') continue;
      const departement = raw.departement ?? '';
      const commune: Commune = {
        codeInsee: raw.code,
        nom: raw.nom,
        codesPostaux: [...new Set(raw.codesPostaux ?? [])],
        departement: { code: departement, nom: departementNames.get(departement) ?? departement },
        // An arrondissement belongs to its commune's EPCI.
        epci: epciOf.get(raw.code) ?? (raw.commune ? (epciOf.get(raw.commune) ?? null) : null),
      };
      const key = normaliseName(raw.nom);
      const entry: Entry = { commune, key, population: raw.population ?? 0 };
      this.entries.push(entry);
      this.byCode.set(raw.code, entry);
      for (const postcode of commune.codesPostaux) {
        const list = this.byPostcode.get(postcode);
        if (list) list.push(entry);
        else this.byPostcode.set(postcode, [entry]);
      }
    }
    // Most populated first: « Saint-Denis » offers the one most people mean before the others.
    this.entries.sort(byPopulation);
    for (const entry of this.entries) {
      const list = this.byKey.get(entry.key);
      if (list) list.push(entry);
      else this.byKey.set(entry.key, [entry]);
    }
    for (const list of this.byPostcode.values()) list.sort(byPopulation);
    const byKey = (a: string, b: string) => (a < b ? -1 : a > b ? 1 : 0);
    this.names = [...this.entries].sort((a, b) => byKey(a.key, b.key));
    for (const entry of this.entries)
      for (let i = entry.key.indexOf(' '); i !== -1; i = entry.key.indexOf(' ', i + 1))
        this.words.push([entry.key.slice(i + 1), entry]);
    this.words.sort((a, b) => byKey(a[0], b[0]));
    this.postcodes = [...this.byPostcode.entries()].sort((a, b) => byKey(a[0], b[0]));
  }

  /**
   * Builds the index from the package's files (once per process: see
   * `communeDirectory()`). The 13 MB of JSON are parsed on a worker thread,
   * which hands back only what the index keeps: the API's event loop never
   * stalls on them.
   */
  static async load(): Promise<CommuneDirectory> {
    const dir = dirname(require.resolve(DATA_DIR + 'communes.json'));
    const worker = new Worker(READER, { eval: true, workerData: { dir } });
    const slim = await new Promise<Slim>((resolve, reject) => {
      worker.once('message', resolve);
      worker.once('error', reject);
      worker.once('exit', (code) => reject(new Error(`commune list reader exited with ${code}`)));
    });
    void worker.terminate();
    return new CommuneDirectory(slim.communes, slim.departements, slim.epcis);
  }

  get size(): number {
    return this.entries.length;
  }

  byInsee(code: string): Commune | undefined {
    return this.byCode.get(code)?.commune;
  }

  /** The communes a postcode serves (empty when no commune has it). */
  withPostcode(postcode: string): Commune[] {
    return (this.byPostcode.get(postcode) ?? []).map((e) => e.commune);
  }

  inTerritory(commune: Commune, territory: Territory | undefined): boolean {
    if (!territory) return true;
    const { departements = [], epci = [], communes = [] } = territory;
    if (departements.length === 0 && epci.length === 0 && communes.length === 0) return true;
    return (
      departements.includes(commune.departement.code) ||
      (commune.epci !== null && epci.includes(commune.epci.siren)) ||
      communes.includes(commune.codeInsee)
    );
  }

  /**
   * Communes by name (accents, case, hyphens and « St » aside; a whole name
   * first, then names that start so, then names with a word that starts so),
   * by postcode (2 to 5 digits: the postcodes that start so) or by both
   * (« orléans 45000 »). Ties go to the most populated.
   */
  search(query: string, options: SearchOptions = {}): Commune[] {
    const limit = Math.max(1, Math.min(options.limit ?? 10, 50));
    const digits = /\b\d{2,5}\b/.exec(query)?.[0];
    const name = normaliseName(digits ? query.replace(digits, ' ') : query);
    if (!digits && name.length === 0) return [];
    const territory = options.territory;
    const inPostcode = (e: Entry) =>
      digits === undefined ||
      e.commune.codesPostaux.some((p) => p.startsWith(digits)) ||
      (digits.length === 5 && e.commune.codeInsee === digits);
    const keep = (e: Entry) => inPostcode(e) && (!territory || this.inTerritory(e.commune, territory));
    const best = (found: Iterable<Entry>) => [...new Set(found)].filter(keep).sort(byPopulation).slice(0, limit);
    if (!name) {
      const byPostcode = prefixRange(this.postcodes, digits!, (p) => p[0]).flatMap((p) => p[1]);
      const byCode = digits!.length === 5 ? [this.byCode.get(digits!)].filter((e): e is Entry => !!e) : [];
      return best([...byPostcode, ...byCode]).map((e) => e.commune);
    }
    // A whole name first, then names that start so, then names with a word that starts so.
    const exact = best(this.byKey.get(name) ?? []);
    const starts = best(prefixRange(this.names, name, (e) => e.key).filter((e) => e.key !== name));
    const words =
      starts.length + exact.length < limit ? best(prefixRange(this.words, name, (w) => w[0]).map((w) => w[1])) : [];
    return [...new Set([...exact, ...starts, ...words])].slice(0, limit).map((e) => e.commune);
  }
}

const byPopulation = (a: Entry, b: Entry) => b.population - a.population;

/** The items of a list sorted by `key` whose key starts with `prefix` (two binary searches). */
function prefixRange<T>(sorted: readonly T[], prefix: string, key: (item: T) => string): T[] {
  let lo = 0;
  let hi = sorted.length;
  while (lo < hi) {
    const mid = (lo + hi) >>> 1;
    if (key(sorted[mid]!) < prefix) lo = mid + 1;
    else hi = mid;
  }
  const start = lo;
  hi = sorted.length;
  const end = prefix + '\uffff';
  while (lo < hi) {
    const mid = (lo + hi) >>> 1;
    if (key(sorted[mid]!) < end) lo = mid + 1;
    else hi = mid;
  }
  return sorted.slice(start, lo);
}

interface Slim {
  communes: RawCommune[];
  departements: Array<{ code: string; nom: string }>;
  epcis: RawEpci[];
}

/** The worker thread's code (plain JavaScript: it runs as is, from sources or from a build). */
const READER = `
const { parentPort, workerData } = require('node:worker_threads');
const { readFileSync } = require('node:fs');
const { join } = require('node:path');
const read = (file) => JSON.parse(readFileSync(join(workerData.dir, file), 'utf8'));
const communes = read('communes.json')
  .filter((c) => c.type === 'commune-actuelle' || c.type === 'arrondissement-municipal')
  .map((c) => ({ code: c.code, nom: c.nom, type: c.type, departement: c.departement, commune: c.commune,
    codesPostaux: c.codesPostaux, population: c.population }));
const departements = read('departements.json').map((d) => ({ code: d.code, nom: d.nom }));
const epcis = read('epci.json').map((e) => ({ code: e.code, nom: e.nom,
  membres: (e.membres || []).map((m) => ({ code: m.code })) }));
parentPort.postMessage({ communes, departements, epcis });
`;

interface RawEpci {
  code: string;
  nom: string;
  membres?: Array<{ code: string }>;
}

let shared: Promise<CommuneDirectory> | undefined;

/** The process's one directory, built at first use (a failed load is retried at the next). */
export function communeDirectory(): Promise<CommuneDirectory> {
  shared ??= CommuneDirectory.load().catch((error: unknown) => {
    shared = undefined;
    throw error;
  });
  return shared;
}
