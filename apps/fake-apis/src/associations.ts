/**
 * Fake « Données association en open data » of API Entreprise (the DJEPVA's
 * API Association, https://entreprise.api.gouv.fr):
 * `GET /v4/djepva/api-association/associations/open_data/{siren_or_rna}`
 * answers in the documented shape (`{ data: { rna, siren, nom, active,
 * date_creation, date_dissolution, date_publication_journal_officiel,
 * adresse_siege, activites: { objet } … }, links, meta }`), 404 in API
 * Entreprise's error shape for an unknown number. The associations are
 * invented; a few numbers misbehave on purpose, for the tests and for trying
 * the field by hand. Any bearer token is accepted, none is required.
 */
import { jsonAnswer, type Answer } from './answer';

const PATH = /^\/v4\/djepva\/api-association\/associations\/open_data\/([^/]{1,40})$/;

/** RNA numbers that misbehave: answered slowly (after `SLOW_MS`), with garbage, or with a 500. */
export const MISBEHAVING_RNA = {
  slow: 'W452009999',
  garbage: 'W452009998',
  error: 'W452009997',
} as const;

/** How long the slow number waits before answering (longer than any sensible timeout). */
export const SLOW_MS = 8000;

interface FakeAssociation {
  rna: string;
  siren: string | null;
  nom: string;
  objet: string;
  adresse: {
    numero_voie: string | null;
    type_voie: string | null;
    libelle_voie: string;
    code_postal: string;
    commune: string;
    code_insee: string;
  };
  date_creation: string;
  date_publication_journal_officiel: string | null;
  date_dissolution: string | null;
}

export const FAKE_ASSOCIATIONS: readonly FakeAssociation[] = [
  {
    // Also in the fake company directory (SIRET 84512345400017).
    rna: 'W452001234',
    siren: '845123454',
    nom: 'LES AMIS DU LOIRET',
    objet: 'Faire connaître le patrimoine naturel et bâti du Loiret et organiser des sorties de découverte.',
    adresse: {
      numero_voie: '5',
      type_voie: 'RUE',
      libelle_voie: 'DES FRANCS BOURGEOIS',
      code_postal: '45000',
      commune: 'ORLEANS',
      code_insee: '45234',
    },
    date_creation: '2019-01-10',
    date_publication_journal_officiel: '2019-01-26',
    date_dissolution: null,
  },
  {
    rna: 'W751234567',
    siren: null,
    nom: 'CHORALE DU CANAL SAINT-MARTIN',
    objet: 'Pratiquer le chant choral et donner des concerts dans le quartier.',
    adresse: {
      numero_voie: '12',
      type_voie: 'QUAI',
      libelle_voie: 'DE VALMY',
      code_postal: '75010',
      commune: 'PARIS',
      code_insee: '75110',
    },
    date_creation: '2011-09-05',
    date_publication_journal_officiel: '2011-09-24',
    date_dissolution: null,
  },
  {
    // Dissolved: the field flags it.
    rna: 'W452005678',
    siren: null,
    nom: 'CLUB DE BRIDGE DES AUBRAIS',
    objet: 'Pratique et enseignement du bridge.',
    adresse: {
      numero_voie: null,
      type_voie: 'AV',
      libelle_voie: 'DE LA GARE',
      code_postal: '45400',
      commune: 'FLEURY-LES-AUBRAIS',
      code_insee: '45147',
    },
    date_creation: '1998-03-02',
    date_publication_journal_officiel: '1998-03-21',
    date_dissolution: '2021-06-30',
  },
  {
    rna: MISBEHAVING_RNA.slow,
    siren: null,
    nom: 'ASSOCIATION DES ESCARGOTS',
    objet: 'Promouvoir la lenteur.',
    adresse: {
      numero_voie: '1',
      type_voie: 'RUE',
      libelle_voie: 'LENTE',
      code_postal: '45000',
      commune: 'ORLEANS',
      code_insee: '45234',
    },
    date_creation: '2015-05-05',
    date_publication_journal_officiel: null,
    date_dissolution: null,
  },
];

function documented(a: FakeAssociation) {
  const address = { complement: null, distribution: null, ...a.adresse };
  return {
    data: {
      rna: a.rna,
      ancien_id: null,
      siren: a.siren,
      nom: a.nom,
      sigle: null,
      reconnue_utilite_publique: false,
      siret_siege: a.siren ? `${a.siren}00017` : null,
      forme_juridique: { code: '9220', libelle: 'Association déclarée' },
      regime: 'Loi 1901',
      groupement: 'Simple',
      eligibilite_cec: true,
      raison_non_eligibilite_cec: null,
      impots_commerciaux: false,
      date_creation: a.date_creation,
      date_dissolution: a.date_dissolution,
      date_publication_reconnue_utilite_publique: null,
      date_publication_journal_officiel: a.date_publication_journal_officiel,
      active: a.date_dissolution === null,
      adresse_siege: address,
      adresse_gestion: address,
      composition_reseau: [],
      agrements: [],
      activites: {
        objet: a.objet,
        objet_social1: { code: null, libelle: null },
        objet_social2: { code: null, libelle: null },
        champ_action_territorial: 'local',
        activite_principale: { code: null, libelle: null, annee: null },
        tranche_effectif: { code: null, libelle: null, annee: null },
        economie_sociale_et_solidaire: false,
        date_appartenance_ess: null,
      },
      etablissements: [],
    },
    links: { insee_siege_social: null, insee_siege_social_adresse: null },
    meta: { internal_id: '1', date_derniere_mise_a_jour_sirene: null, date_derniere_mise_a_jour_rna: '2024-01-01' },
  };
}

/** The fake's answer to a GET of `path` (after the prefix), or null for another path (404). */
export function answerAssociation(path: string): Answer | null {
  const match = PATH.exec(path);
  if (!match) return null;
  const id = decodeURIComponent(match[1]!).toUpperCase();
  if (id === MISBEHAVING_RNA.garbage) return { status: 200, type: 'application/json', body: '{"data": "<html>' };
  if (id === MISBEHAVING_RNA.error) return jsonAnswer(500, { errors: [{ code: '00000', title: 'Erreur interne' }] });
  const found = FAKE_ASSOCIATIONS.find((a) => a.rna === id || a.siren === id);
  if (!found)
    return jsonAnswer(404, {
      errors: [
        {
          code: '37003',
          title: 'Entité non trouvée',
          detail:
            'L’identifiant indiqué n’existe pas, n’est pas connu ou ne comporte aucune information pour cet appel.',
          source: { parameter: 'siren_or_rna' },
        },
      ],
    });
  return jsonAnswer(200, documented(found), id === MISBEHAVING_RNA.slow ? SLOW_MS : undefined);
}
