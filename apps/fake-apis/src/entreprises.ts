/**
 * Fake API Recherche d'entreprises (https://recherche-entreprises.api.gouv.fr):
 * `GET /search?q=…` answers in the documented shape (`results[]` of legal
 * units with `siege` and `matching_etablissements[]`, then the page counts).
 * The companies are invented (valid SIREN / SIRET keys, not real ones); a few
 * SIRETs misbehave on purpose, for the tests and for trying the field by hand.
 */

interface Establishment {
  siret: string;
  adresse: string;
  code_postal: string;
  commune: string;
  libelle_commune: string;
  etat_administratif: 'A' | 'F';
  activite_principale: string;
  est_siege: boolean;
  date_creation: string;
  date_fermeture: string | null;
  latitude: string;
  longitude: string;
  liste_enseignes: string[] | null;
}

interface LegalUnit {
  siren: string;
  nom_complet: string;
  nom_raison_sociale: string | null;
  sigle: string | null;
  nature_juridique: string;
  activite_principale: string;
  section_activite_principale: string;
  categorie_entreprise: string | null;
  date_creation: string;
  date_fermeture: string | null;
  etat_administratif: 'A' | 'C';
  tranche_effectif_salarie: string | null;
  complements: { est_association: boolean; identifiant_association: string | null; est_ess: boolean };
  siege: Establishment;
  /** All its establishments (the real API sends only those matching the query). */
  etablissements: Establishment[];
}

const place = (
  siret: string,
  adresse: string,
  code_postal: string,
  commune: string,
  libelle_commune: string,
  extra: Partial<Establishment> = {},
): Establishment => ({
  siret,
  adresse: `${adresse} ${code_postal} ${libelle_commune}`,
  code_postal,
  commune,
  libelle_commune,
  etat_administratif: 'A',
  activite_principale: '',
  est_siege: false,
  date_creation: '2015-03-01',
  date_fermeture: null,
  latitude: '47.9029',
  longitude: '1.9093',
  liste_enseignes: null,
  ...extra,
});

function unit(
  fields: Omit<LegalUnit, 'siege' | 'etablissements' | 'complements'> & Partial<Pick<LegalUnit, 'complements'>>,
  establishments: Establishment[],
): LegalUnit {
  const all = establishments.map((e) => ({
    ...e,
    activite_principale: e.activite_principale || fields.activite_principale,
  }));
  return {
    complements: { est_association: false, identifiant_association: null, est_ess: false },
    ...fields,
    siege: all.find((e) => e.est_siege) ?? all[0]!,
    etablissements: all,
  };
}

/** SIRETs that misbehave: the fake answers them slowly (after `SLOW_MS`), with garbage, or with a 500. */
export const MISBEHAVING = {
  slow: '64400321200011',
  garbage: '39918276500012',
  error: '39918276500020',
} as const;

/** How long the slow SIRET waits before answering (longer than any sensible timeout). */
export const SLOW_MS = 8000;

export const FAKE_COMPANIES: readonly LegalUnit[] = [
  unit(
    {
      siren: '912345675',
      nom_complet: 'BOULANGERIE DU MAIL',
      nom_raison_sociale: 'BOULANGERIE DU MAIL',
      sigle: null,
      nature_juridique: '5499',
      activite_principale: '10.71C',
      section_activite_principale: 'C',
      categorie_entreprise: 'PME',
      date_creation: '2017-04-12',
      date_fermeture: null,
      etat_administratif: 'A',
      tranche_effectif_salarie: '03',
    },
    [
      place('91234567500017', '12 RUE DU MAIL', '45000', '45234', 'ORLEANS', { est_siege: true }),
      // A shop of the same company, closed: the field flags it.
      place('91234567500025', '3 PLACE JEAN JAURES', '37000', '37261', 'TOURS', {
        etat_administratif: 'F',
        date_fermeture: '2023-06-30',
        latitude: '47.3900',
        longitude: '0.6889',
      }),
    ],
  ),
  unit(
    {
      siren: '845123454',
      nom_complet: 'LES AMIS DU LOIRET',
      nom_raison_sociale: 'LES AMIS DU LOIRET',
      sigle: 'ADL',
      nature_juridique: '9220',
      activite_principale: '94.99Z',
      section_activite_principale: 'S',
      categorie_entreprise: null,
      date_creation: '2019-01-15',
      date_fermeture: null,
      etat_administratif: 'A',
      tranche_effectif_salarie: null,
      complements: { est_association: true, identifiant_association: 'W452001234', est_ess: true },
    },
    [place('84512345400017', '5 RUE DES FRANCS BOURGEOIS', '45000', '45234', 'ORLEANS', { est_siege: true })],
  ),
  unit(
    {
      siren: '778567123',
      nom_complet: 'ATELIER NUMERIQUE CENTRE (ANC)',
      nom_raison_sociale: 'ATELIER NUMERIQUE CENTRE',
      sigle: 'ANC',
      nature_juridique: '5710',
      activite_principale: '62.01Z',
      section_activite_principale: 'J',
      categorie_entreprise: 'PME',
      date_creation: '2012-09-03',
      date_fermeture: null,
      etat_administratif: 'A',
      tranche_effectif_salarie: '11',
    },
    [place('77856712300014', '40 AVENUE DE LA LIBERATION', '45100', '45234', 'ORLEANS', { est_siege: true })],
  ),
  unit(
    {
      siren: '532110988',
      nom_complet: 'TRANSPORTS DUBOIS',
      nom_raison_sociale: 'TRANSPORTS DUBOIS',
      sigle: null,
      nature_juridique: '5720',
      activite_principale: '49.41A',
      section_activite_principale: 'H',
      categorie_entreprise: null,
      date_creation: '2011-05-20',
      date_fermeture: '2022-12-31',
      etat_administratif: 'C',
      tranche_effectif_salarie: null,
    },
    [
      place('53211098800013', 'ZONE INDUSTRIELLE DES CHATELLIERS', '45140', '45302', 'SAINT-JEAN-DE-LA-RUELLE', {
        est_siege: true,
        etat_administratif: 'F',
        date_fermeture: '2022-12-31',
      }),
    ],
  ),
  unit(
    {
      siren: '644003212',
      nom_complet: 'LENTEUR ET FILS',
      nom_raison_sociale: 'LENTEUR ET FILS',
      sigle: null,
      nature_juridique: '5499',
      activite_principale: '43.22A',
      section_activite_principale: 'F',
      categorie_entreprise: 'PME',
      date_creation: '2009-02-02',
      date_fermeture: null,
      etat_administratif: 'A',
      tranche_effectif_salarie: '02',
    },
    [place(MISBEHAVING.slow, '1 RUE LENTE', '45000', '45234', 'ORLEANS', { est_siege: true })],
  ),
];

import type { Answer } from './answer';

const json = (status: number, body: unknown): Answer => ({
  status,
  type: 'application/json',
  body: JSON.stringify(body),
});

/** The fake's answer to `GET /search?{query}`. */
export function answerSearch(query: URLSearchParams): Answer {
  const q = (query.get('q') ?? '').replace(/\s+/g, '');
  if (q.length < 3)
    return json(400, { erreur: 'Veuillez indiquer au moins un paramètre de recherche (3 caractères minimum).' });
  if (q === MISBEHAVING.garbage) return { status: 200, type: 'application/json', body: '<html>Bad Gateway' };
  if (q === MISBEHAVING.error) return json(500, { erreur: 'Erreur interne.' });
  const perPage = Math.min(Math.max(Number(query.get('per_page')) || 10, 1), 25);
  const results = FAKE_COMPANIES.flatMap((company) => {
    const matching = company.etablissements.filter((e) => e.siret === q || company.siren === q);
    const byName = company.nom_complet.toLowerCase().includes(q.toLowerCase());
    if (matching.length === 0 && !byName) return [];
    const { etablissements, ...rest } = company;
    return [
      {
        ...rest,
        nombre_etablissements: etablissements.length,
        nombre_etablissements_ouverts: etablissements.filter((e) => e.etat_administratif === 'A').length,
        matching_etablissements: matching.length ? matching : [company.siege],
      },
    ];
  });
  const answer = json(200, {
    results: results.slice(0, perPage),
    total_results: results.length,
    page: 1,
    per_page: perPage,
    total_pages: Math.max(1, Math.ceil(results.length / perPage)),
  });
  return q === MISBEHAVING.slow ? { ...answer, delayMs: SLOW_MS } : answer;
}
