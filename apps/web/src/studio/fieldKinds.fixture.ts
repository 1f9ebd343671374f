/** Every palette entry's output (French, label « Libellé ») as the palette built it before issue 19 made it a table: the refactor must not change a byte. */
export const PALETTE_OUTPUT = [
  {
    type: 'text',
    name: 'Texte court',
    simple: true,
    built: {
      schema: {
        type: 'string',
        title: 'Libellé',
        maxLength: 200,
      },
    },
  },
  {
    type: 'textarea',
    name: 'Texte long',
    simple: true,
    built: {
      schema: {
        type: 'string',
        title: 'Libellé',
        maxLength: 5000,
      },
      ui: {
        'ui:widget': 'textarea',
      },
    },
  },
  {
    type: 'integer',
    name: 'Nombre entier',
    simple: true,
    built: {
      schema: {
        type: 'integer',
        title: 'Libellé',
      },
    },
  },
  {
    type: 'number',
    name: 'Nombre décimal',
    simple: true,
    built: {
      schema: {
        type: 'number',
        title: 'Libellé',
      },
    },
  },
  {
    type: 'date',
    name: 'Date',
    simple: true,
    built: {
      schema: {
        type: 'string',
        title: 'Libellé',
        format: 'date',
      },
    },
  },
  {
    type: 'time',
    name: 'Heure',
    simple: true,
    built: {
      schema: {
        type: 'string',
        title: 'Libellé',
        format: 'time',
      },
    },
  },
  {
    type: 'email',
    name: 'Courriel',
    simple: true,
    built: {
      schema: {
        type: 'string',
        title: 'Libellé',
        format: 'email',
        maxLength: 254,
      },
      ui: {
        'ui:autocomplete': 'email',
      },
    },
  },
  {
    type: 'phone',
    name: 'Téléphone',
    simple: true,
    built: {
      schema: {
        type: 'string',
        title: 'Libellé',
        format: 'fr-phone',
      },
      ui: {
        'ui:autocomplete': 'tel',
      },
    },
  },
  {
    type: 'postalCode',
    name: 'Code postal',
    simple: true,
    built: {
      schema: {
        type: 'string',
        title: 'Libellé',
        format: 'fr-postal-code',
      },
      ui: {
        'ui:autocomplete': 'postal-code',
      },
    },
  },
  {
    type: 'commune',
    name: 'Commune (recherche dans la liste officielle)',
    simple: false,
    built: {
      schema: {
        type: 'object',
        title: 'Libellé',
        additionalProperties: false,
        required: ['nom', 'codePostal'],
        properties: {
          codeInsee: {
            type: 'string',
            title: 'Code INSEE',
            format: 'insee-commune-code',
          },
          nom: {
            type: 'string',
            title: 'Commune',
            maxLength: 100,
          },
          codePostal: {
            type: 'string',
            title: 'Code postal',
            format: 'fr-postal-code',
          },
        },
      },
      ui: {
        'ui:widget': 'commune',
      },
    },
  },
  {
    type: 'address',
    name: 'Adresse',
    simple: false,
    built: {
      schema: {
        type: 'object',
        title: 'Libellé',
        additionalProperties: false,
        required: ['voie', 'codePostal', 'commune'],
        properties: {
          voie: {
            type: 'string',
            title: 'Numéro et voie',
            maxLength: 200,
          },
          complement: {
            type: 'string',
            title: 'Complément d’adresse',
            maxLength: 200,
          },
          codePostal: {
            type: 'string',
            title: 'Code postal',
            format: 'fr-postal-code',
          },
          commune: {
            type: 'string',
            title: 'Commune',
            maxLength: 100,
          },
        },
      },
      ui: {
        voie: {
          'ui:autocomplete': 'address-line1',
        },
        complement: {
          'ui:autocomplete': 'address-line2',
        },
        codePostal: {
          'ui:autocomplete': 'postal-code',
        },
        commune: {
          'ui:autocomplete': 'address-level2',
        },
      },
    },
  },
  {
    type: 'banAddress',
    name: 'Adresse (Base Adresse Nationale)',
    simple: false,
    built: {
      schema: {
        type: 'object',
        title: 'Libellé',
        additionalProperties: false,
        required: ['label'],
        properties: {
          label: {
            type: 'string',
            title: 'Adresse',
            maxLength: 200,
            minLength: 3,
          },
          numero: {
            type: 'string',
            title: 'Numéro',
            maxLength: 20,
          },
          voie: {
            type: 'string',
            title: 'Voie',
            maxLength: 200,
          },
          codePostal: {
            type: 'string',
            title: 'Code postal',
            format: 'fr-postal-code',
          },
          commune: {
            type: 'string',
            title: 'Commune',
            maxLength: 100,
          },
          codeInsee: {
            type: 'string',
            title: 'Code INSEE',
            maxLength: 5,
          },
          banId: {
            type: 'string',
            title: 'Identifiant BAN',
            maxLength: 100,
          },
          lon: {
            type: 'number',
            title: 'Longitude',
            minimum: -180,
            maximum: 180,
          },
          lat: {
            type: 'number',
            title: 'Latitude',
            minimum: -90,
            maximum: 90,
          },
          provenance: {
            type: 'string',
            title: 'Provenance',
            maxLength: 200,
          },
        },
      },
      ui: {
        'ui:widget': 'address',
      },
    },
  },
  {
    type: 'siret',
    name: 'Numéro SIRET',
    simple: true,
    built: {
      schema: {
        type: 'string',
        title: 'Libellé',
        format: 'siret',
      },
    },
  },
  {
    type: 'company',
    name: 'Numéro SIRET (entreprise ou association)',
    simple: false,
    built: {
      schema: {
        type: 'object',
        title: 'Libellé',
        additionalProperties: false,
        required: ['siret', 'raisonSociale'],
        properties: {
          siret: {
            type: 'string',
            title: 'Numéro SIRET',
            format: 'siret',
          },
          raisonSociale: {
            type: 'string',
            title: 'Raison sociale',
            maxLength: 300,
            minLength: 1,
          },
          formeJuridique: {
            type: 'string',
            title: 'Forme juridique',
            maxLength: 300,
          },
          adresse: {
            type: 'string',
            title: 'Adresse',
            maxLength: 300,
          },
          codeNaf: {
            type: 'string',
            title: 'Code NAF (APE)',
            maxLength: 300,
          },
          etat: {
            type: 'string',
            title: 'État administratif',
            maxLength: 300,
          },
          provenance: {
            type: 'string',
            title: 'Provenance',
            maxLength: 300,
          },
        },
      },
      ui: {
        'ui:widget': 'siret',
      },
    },
  },
  {
    type: 'association',
    name: 'Numéro RNA (association)',
    simple: false,
    built: {
      schema: {
        type: 'object',
        title: 'Libellé',
        additionalProperties: false,
        required: ['rna', 'nom'],
        properties: {
          rna: {
            type: 'string',
            title: 'Numéro RNA',
            pattern: '^W(?:[0-9]{9}|2[AB][0-9]{7})$',
            'x-hint': 'Le numéro RNA commence par la lettre W suivie de 9 chiffres (exemple : W751234567).',
          },
          nom: {
            type: 'string',
            title: 'Nom de l’association',
            maxLength: 300,
            minLength: 1,
          },
          objet: {
            type: 'string',
            title: 'Objet social',
            maxLength: 2000,
          },
          adresse: {
            type: 'string',
            title: 'Adresse du siège',
            maxLength: 300,
          },
          dateDeclaration: {
            type: 'string',
            title: 'Date de déclaration',
            format: 'date',
          },
          datePublicationJo: {
            type: 'string',
            title: 'Date de publication au Journal officiel',
            format: 'date',
          },
          etat: {
            type: 'string',
            title: 'État',
            maxLength: 300,
          },
          provenance: {
            type: 'string',
            title: 'Provenance',
            maxLength: 300,
          },
        },
      },
      ui: {
        'ui:widget': 'rna',
      },
    },
  },
  {
    type: 'familyQuotient',
    name: 'Quotient familial (CAF/MSA)',
    simple: false,
    built: {
      schema: {
        type: 'object',
        title: 'Libellé',
        additionalProperties: false,
        required: ['quotient'],
        properties: {
          consentement: {
            type: 'boolean',
            title: 'Accord pour obtenir le quotient familial',
          },
          quotient: {
            type: 'integer',
            title: 'Quotient familial (en euros)',
            minimum: 0,
            maximum: 100000,
          },
          periode: {
            type: 'string',
            title: 'Mois de référence',
            pattern: '^[0-9]{4}-(0[1-9]|1[0-2])$',
          },
          regime: {
            type: 'string',
            title: 'Organisme',
            enum: ['CAF', 'MSA'],
          },
          allocataire: {
            type: 'string',
            title: 'Allocataire(s)',
            maxLength: 300,
          },
          provenance: {
            type: 'string',
            title: 'Provenance',
            maxLength: 200,
          },
        },
      },
      ui: {
        'ui:widget': 'quotient-familial',
        'ui:options': {
          locked: ['quotient', 'periode', 'regime'],
        },
      },
    },
  },
  {
    type: 'siren',
    name: 'Numéro SIREN',
    simple: true,
    built: {
      schema: {
        type: 'string',
        title: 'Libellé',
        format: 'siren',
      },
    },
  },
  {
    type: 'iban',
    name: 'IBAN',
    simple: true,
    built: {
      schema: {
        type: 'string',
        title: 'Libellé',
        format: 'iban',
      },
    },
  },
  {
    type: 'nir',
    name: 'Numéro de sécurité sociale',
    simple: true,
    built: {
      schema: {
        type: 'string',
        title: 'Libellé',
        format: 'nir',
      },
    },
  },
  {
    type: 'url',
    name: 'Adresse de site web',
    simple: true,
    built: {
      schema: {
        type: 'string',
        title: 'Libellé',
        format: 'uri',
        maxLength: 2000,
      },
      ui: {
        'ui:autocomplete': 'url',
      },
    },
  },
  {
    type: 'yesNo',
    name: 'Oui / non',
    simple: true,
    built: {
      schema: {
        type: 'boolean',
        title: 'Libellé',
      },
      ui: {
        'ui:widget': 'radio',
      },
    },
  },
  {
    type: 'radio',
    name: 'Choix unique (boutons)',
    simple: true,
    built: {
      schema: {
        type: 'string',
        title: 'Libellé',
        oneOf: [
          {
            const: 'option-1',
            title: 'Option 1',
          },
          {
            const: 'option-2',
            title: 'Option 2',
          },
        ],
      },
      ui: {
        'ui:widget': 'radio',
      },
    },
  },
  {
    type: 'select',
    name: 'Choix unique (liste déroulante)',
    simple: true,
    built: {
      schema: {
        type: 'string',
        title: 'Libellé',
        oneOf: [
          {
            const: 'option-1',
            title: 'Option 1',
          },
          {
            const: 'option-2',
            title: 'Option 2',
          },
          {
            const: 'option-3',
            title: 'Option 3',
          },
        ],
      },
      ui: {
        'ui:widget': 'select',
      },
    },
  },
  {
    type: 'checkboxes',
    name: 'Choix multiples (cases à cocher)',
    simple: true,
    built: {
      schema: {
        type: 'array',
        title: 'Libellé',
        uniqueItems: true,
        items: {
          type: 'string',
          enum: ['option-1', 'option-2'],
        },
      },
      ui: {
        'ui:widget': 'checkboxes',
        items: {
          'ui:enumNames': ['Option 1', 'Option 2'],
        },
      },
    },
  },
  {
    type: 'file',
    name: 'Fichier à joindre',
    simple: true,
    built: {
      schema: {
        type: 'string',
        title: 'Libellé',
        'x-file': {
          accept: ['application/pdf', 'image/*'],
          maxBytes: 5242880,
        },
      },
    },
  },
  {
    type: 'repeat',
    name: 'Bloc répétable',
    simple: false,
    built: {
      schema: {
        type: 'array',
        title: 'Libellé',
        minItems: 1,
        maxItems: 5,
        items: {
          type: 'object',
          title: 'Élément',
          additionalProperties: false,
          properties: {},
        },
      },
    },
  },
  {
    type: 'section',
    name: 'Titre de section',
    simple: false,
    built: {
      schema: {
        type: 'object',
        title: 'Libellé',
        additionalProperties: false,
        properties: {},
      },
    },
  },
  {
    type: 'explanation',
    name: 'Texte explicatif',
    simple: false,
    built: {
      schema: {
        type: 'object',
        title: 'Libellé',
        description: 'Votre texte ici.',
        additionalProperties: false,
        properties: {},
      },
    },
  },
  {
    type: 'consent',
    name: 'Case de consentement',
    simple: true,
    built: {
      schema: {
        type: 'boolean',
        title: 'Libellé',
        const: true,
      },
      required: true,
    },
  },
  {
    type: 'identity',
    name: 'Bloc identité (FranceConnect)',
    simple: false,
    built: {
      schema: {
        type: 'object',
        title: 'Libellé',
        additionalProperties: false,
        required: ['prenoms', 'nom', 'dateNaissance'],
        properties: {
          prenoms: {
            type: 'string',
            title: 'Prénoms',
            maxLength: 100,
          },
          nom: {
            type: 'string',
            title: 'Nom de naissance',
            maxLength: 100,
          },
          dateNaissance: {
            type: 'string',
            title: 'Date de naissance',
            format: 'date',
          },
        },
      },
      prefill: [
        {
          claim: 'given_name',
          sub: 'prenoms',
        },
        {
          claim: 'family_name',
          sub: 'nom',
        },
        {
          claim: 'birthdate',
          sub: 'dateNaissance',
        },
      ],
    },
  },
];
