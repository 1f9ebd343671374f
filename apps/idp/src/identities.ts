/**
 * Test identities of the bundled provider, written by us (no real person).
 * They cover what breaks forms in real life: compound and accented names, a
 * usage name, someone born abroad, a minor, no email.
 */
export interface CitizenIdentity {
  sub: string;
  label: string;
  claims: {
    given_name: string;
    family_name: string;
    preferred_username?: string;
    birthdate: string;
    /** INSEE code of the birth commune; empty when born abroad. */
    birthplace: string;
    /** INSEE code of the birth country (99100 = France). */
    birthcountry: string;
    gender: 'female' | 'male';
    email?: string;
  };
}

export interface AgentIdentity {
  sub: string;
  label: string;
  /** Guichet gives roles to agents by email (see the identity issue). */
  claims: { given_name: string; family_name: string; email: string; organisation: string };
}

export const CITIZENS: readonly CitizenIdentity[] = [
  {
    sub: 'citoyen-marie-claire-dubois',
    label: 'Marie-Claire Dubois — prénom composé',
    claims: {
      given_name: 'Marie-Claire Anne',
      family_name: 'DUBOIS',
      birthdate: '1962-08-24',
      birthplace: '45234',
      birthcountry: '99100',
      gender: 'female',
      email: 'marie-claire.dubois@example.fr',
    },
  },
  {
    sub: 'citoyen-jean-pierre-lefevre',
    label: 'Jean-Pierre Lefèvre, nom d’usage Martin',
    claims: {
      given_name: 'Jean-Pierre',
      family_name: 'LEFÈVRE',
      preferred_username: 'MARTIN',
      birthdate: '1975-03-02',
      birthplace: '75056',
      birthcountry: '99100',
      gender: 'male',
      email: 'jp.martin@example.fr',
    },
  },
  {
    sub: 'citoyen-ines-garcia-lopez',
    label: 'Inés García López — née à l’étranger',
    claims: {
      given_name: 'Inés',
      family_name: 'GARCÍA LÓPEZ',
      birthdate: '1988-11-30',
      birthplace: '',
      birthcountry: '99134',
      gender: 'female',
      email: 'ines.garcia@example.es',
    },
  },
  {
    sub: 'citoyen-helene-gerard-loeuillet',
    label: 'Hélène Gérard-Lœuillet — accents et ligature',
    claims: {
      given_name: 'Hélène Éloïse',
      family_name: 'GÉRARD-LŒUILLET',
      birthdate: '1954-01-15',
      birthplace: '2A004',
      birthcountry: '99100',
      gender: 'female',
      email: 'helene.gerard@example.fr',
    },
  },
  {
    sub: 'citoyen-leo-bernard',
    label: 'Léo Bernard — mineur',
    claims: {
      given_name: 'Léo',
      family_name: 'BERNARD',
      birthdate: '2011-06-21',
      birthplace: '69123',
      birthcountry: '99100',
      gender: 'male',
      email: 'leo.bernard@example.fr',
    },
  },
  {
    sub: 'citoyen-yannick-le-goff',
    label: 'Yannick Le Goff — sans adresse électronique',
    claims: {
      given_name: 'Yannick',
      family_name: 'LE GOFF',
      birthdate: '1949-09-09',
      birthplace: '29019',
      birthcountry: '99100',
      gender: 'male',
    },
  },
  {
    sub: 'citoyen-angela-dubois',
    label: 'Angela Claire Louise Dubois — trois prénoms',
    claims: {
      given_name: 'Angela Claire Louise',
      family_name: 'DUBOIS',
      birthdate: '1962-08-24',
      birthplace: '75107',
      birthcountry: '99100',
      gender: 'female',
      email: 'wossewodda-3728@yopmail.com',
    },
  },
  {
    sub: 'citoyen-nguyen-thi-mai',
    label: 'Nguyễn Thị Mai — diacritiques vietnamiens, née à l’étranger',
    claims: {
      given_name: 'Thị Mai',
      family_name: 'NGUYỄN',
      birthdate: '1992-04-07',
      birthplace: '',
      birthcountry: '99243',
      gender: 'female',
      email: 'mai.nguyen@example.fr',
    },
  },
];

export const AGENTS: readonly AgentIdentity[] = [
  {
    sub: 'agent-admin',
    label: 'Sophie Marchand — administratrice',
    claims: {
      given_name: 'Sophie',
      family_name: 'Marchand',
      email: 'sophie.marchand@mairie-de-demo.fr',
      organisation: 'mairie-de-demo',
    },
  },
  {
    sub: 'agent-claire',
    label: 'Claire Rousseau — conceptrice',
    claims: {
      given_name: 'Claire',
      family_name: 'Rousseau',
      email: 'claire.rousseau@mairie-de-demo.fr',
      organisation: 'mairie-de-demo',
    },
  },
  {
    sub: 'agent-lea',
    label: 'Léa Fontaine — instructrice',
    claims: {
      given_name: 'Léa',
      family_name: 'Fontaine',
      email: 'lea.fontaine@mairie-de-demo.fr',
      organisation: 'mairie-de-demo',
    },
  },
  {
    sub: 'agent-karim',
    label: 'Karim Haddad — instructeur',
    claims: {
      given_name: 'Karim',
      family_name: 'Haddad',
      email: 'karim.haddad@mairie-de-demo.fr',
      organisation: 'mairie-de-demo',
    },
  },
  {
    sub: 'agent-nadia',
    label: 'Nadia Benali — instructrice',
    claims: {
      given_name: 'Nadia',
      family_name: 'Benali',
      email: 'nadia.benali@mairie-de-demo.fr',
      organisation: 'mairie-de-demo',
    },
  },
];
