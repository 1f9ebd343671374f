/**
 * Fake « Quotient familial CAF & MSA » of API Particulier
 * (https://particulier.api.gouv.fr), v3 call with the FranceConnect identity
 * pivot: `GET /v3/dss/quotient_familial/identite?nomNaissance=…&prenoms[]=…
 * &anneeDateNaissance=…&moisDateNaissance=…&jourDateNaissance=…
 * &sexeEtatCivil=…&codeCogInseeCommuneNaissance=…&codeCogInseePaysNaissance=…`
 * answers in the documented shape (`{ data: { allocataires, enfants,
 * adresse, quotient_familial: { fournisseur, valeur, annee, mois,
 * annee_calcul, mois_calcul } }, links, meta }`), 404 in the API's error
 * shape for a person neither the CAF nor the MSA knows, 401 without a bearer
 * token. The families are invented, keyed by the bundled identity
 * provider's citizens (apps/idp/src/identities.ts: birth name and date);
 * a few identities misbehave on purpose (slow, garbage, 500).
 */
import { jsonAnswer, type Answer } from './answer';

const PATH = '/v3/dss/quotient_familial/identite';

/** How long the slow identity waits before answering (longer than any sensible timeout). */
export const SLOW_QUOTIENT_MS = 8000;

interface Person {
  nom_naissance: string;
  nom_usage: string | null;
  prenoms: string;
  date_naissance: string;
  sexe: 'F' | 'M';
}

interface FakeFamily {
  /** The identity that finds it: birth name (as FranceConnect gives it) and birth date. */
  nomNaissance: string;
  dateNaissance: string;
  fournisseur: 'CNAF' | 'MSA';
  valeur: number;
  annee: number;
  mois: number;
  allocataires: Person[];
  enfants: Person[];
  ville: string;
}

export const FAKE_FAMILIES: readonly FakeFamily[] = [
  {
    nomNaissance: 'DUBOIS',
    dateNaissance: '1962-08-24',
    fournisseur: 'CNAF',
    valeur: 650,
    annee: 2026,
    mois: 10,
    allocataires: [
      {
        nom_naissance: 'DUBOIS',
        nom_usage: null,
        prenoms: 'MARIE-CLAIRE ANNE',
        date_naissance: '1962-08-24',
        sexe: 'F',
      },
      { nom_naissance: 'PETIT', nom_usage: null, prenoms: 'MARC', date_naissance: '1960-02-11', sexe: 'M' },
    ],
    enfants: [{ nom_naissance: 'PETIT', nom_usage: null, prenoms: 'LUCIE', date_naissance: '2015-05-03', sexe: 'F' }],
    ville: '45000 ORLEANS',
  },
  {
    nomNaissance: 'LEFÈVRE',
    dateNaissance: '1975-03-02',
    fournisseur: 'MSA',
    valeur: 420,
    annee: 2026,
    mois: 9,
    allocataires: [
      {
        nom_naissance: 'LEFEVRE',
        nom_usage: 'MARTIN',
        prenoms: 'JEAN-PIERRE',
        date_naissance: '1975-03-02',
        sexe: 'M',
      },
    ],
    enfants: [
      { nom_naissance: 'LEFEVRE', nom_usage: null, prenoms: 'TOM', date_naissance: '2014-09-12', sexe: 'M' },
      { nom_naissance: 'LEFEVRE', nom_usage: null, prenoms: 'EMMA', date_naissance: '2017-01-30', sexe: 'F' },
    ],
    ville: '45200 MONTARGIS',
  },
  {
    nomNaissance: 'GARCÍA LÓPEZ',
    dateNaissance: '1988-11-30',
    fournisseur: 'CNAF',
    valeur: 1180,
    annee: 2026,
    mois: 10,
    allocataires: [
      { nom_naissance: 'GARCIA LOPEZ', nom_usage: null, prenoms: 'INES', date_naissance: '1988-11-30', sexe: 'F' },
    ],
    enfants: [
      { nom_naissance: 'GARCIA LOPEZ', nom_usage: null, prenoms: 'PABLO', date_naissance: '2019-07-14', sexe: 'M' },
    ],
    ville: '75011 PARIS',
  },
];

/** Identities (birth name and date) that misbehave: answered slowly, with garbage, or with a 500. */
export const MISBEHAVING_IDENTITIES = {
  slow: { nomNaissance: 'LE GOFF', dateNaissance: '1949-09-09' },
  garbage: { nomNaissance: 'DUBOIS', dateNaissance: '1962-08-24', codeCogInseeCommuneNaissance: '75107' },
  error: { nomNaissance: 'NGUYỄN', dateNaissance: '1992-04-07' },
} as const;

const notFound = () =>
  jsonAnswer(404, {
    errors: [
      {
        code: '37003',
        title: 'Entité non trouvée',
        detail: 'Dossier allocataire inexistant. Le document ne peut être édité.',
        source: null,
        meta: { provider: 'CNAV' },
      },
    ],
  });

const pad = (v: string | null) => (v && /^\d{1,2}$/.test(v) ? v.padStart(2, '0') : null);

export function answerQuotient(
  path: string,
  query: URLSearchParams,
  headers: Record<string, string | string[] | undefined>,
): Answer | null {
  if (path !== PATH) return null;
  const authorization = headers.authorization;
  if (typeof authorization !== 'string' || !/^Bearer \S{8,}$/.test(authorization))
    return jsonAnswer(401, {
      errors: [
        { code: '50002', title: 'Jeton manquant', detail: 'Le jeton d’accès est absent.', source: null, meta: {} },
      ],
    });
  const nom = query.get('nomNaissance')?.trim().toUpperCase() ?? '';
  const year = query.get('anneeDateNaissance');
  const month = pad(query.get('moisDateNaissance'));
  const day = pad(query.get('jourDateNaissance'));
  const sexe = query.get('sexeEtatCivil');
  if (!nom || !year || !/^\d{4}$/.test(year) || !month || query.getAll('prenoms[]').length === 0 || !sexe)
    return jsonAnswer(422, {
      errors: [
        { code: '00210', title: 'Entité non traitable', detail: 'Paramètres manquants.', source: null, meta: {} },
      ],
    });
  const birth = `${year}-${month}-${day ?? '01'}`;
  const commune = query.get('codeCogInseeCommuneNaissance');
  const is = (who: { nomNaissance: string; dateNaissance: string }) =>
    who.nomNaissance === nom && who.dateNaissance === birth;
  if (is(MISBEHAVING_IDENTITIES.slow)) return { ...notFound(), delayMs: SLOW_QUOTIENT_MS };
  if (is(MISBEHAVING_IDENTITIES.error))
    return { status: 500, type: 'application/json', body: '{"errors":[{"code":"37999","title":"Erreur"}]}' };
  if (is(MISBEHAVING_IDENTITIES.garbage) && commune === MISBEHAVING_IDENTITIES.garbage.codeCogInseeCommuneNaissance)
    return jsonAnswer(200, { data: { quotient_familial: { fournisseur: 'CNAF', valeur: 'beaucoup' } } });
  const family = FAKE_FAMILIES.find(is);
  if (!family) return notFound();
  return jsonAnswer(200, {
    data: {
      allocataires: family.allocataires,
      enfants: family.enfants,
      adresse: {
        destinataire: `${family.allocataires[0]!.sexe === 'F' ? 'Madame' : 'Monsieur'} ${family.allocataires[0]!.nom_naissance}`,
        complement_information: null,
        complement_information_geographique: null,
        numero_libelle_voie: '1 PLACE DE LA MAIRIE',
        lieu_dit: null,
        code_postal_ville: family.ville,
        pays: 'FRANCE',
      },
      quotient_familial: {
        fournisseur: family.fournisseur,
        valeur: family.valeur,
        annee: family.annee,
        mois: family.mois,
        annee_calcul: family.annee,
        mois_calcul: family.mois,
      },
    },
    links: {},
    meta: {},
  });
}
