import { isCommuneUi, toJsonPointer, type ErrorItem, type ServiceDefinition } from '@guichet/shared';
import type { CommuneDirectory, Territory } from './directory';
import { normaliseName } from './normalise';
import { valuesAt, widgetFields } from '../widget-fields';

type Node = Record<string, unknown>;
const isNode = (v: unknown): v is Node => v !== null && typeof v === 'object' && !Array.isArray(v);

// The web app's field and this check read the same uiSchema nodes as commune fields.
export { isCommuneUi };

const strings = (v: unknown): string[] =>
  Array.isArray(v) ? v.filter((s): s is string => typeof s === 'string').slice(0, 500) : [];

/** The territory a commune field's `ui:options` restricts it to (`departements`, `epci`, `communes`). */
export function territoryOf(ui: unknown): Territory {
  const options = isNode(ui) && isNode(ui['ui:options']) ? ui['ui:options'] : {};
  return {
    departements: strings(options.departements),
    epci: strings(options.epci),
    communes: strings(options.communes),
  };
}

interface CommuneField {
  /** Path from the root; `*` stands for every item of a list. */
  path: string[];
  schema: Node;
  territory: Territory;
  /** Whether the field's schema has a `codeInsee` property to fill in for a value typed by hand. */
  keepsCode: boolean;
}

/** The commune fields of a definition: objects of the schema whose uiSchema says `commune`, lists' items included. */
export function communeFields(definition: Pick<ServiceDefinition, 'schema' | 'uiSchema'>): CommuneField[] {
  return widgetFields(definition, isCommuneUi, 100).map(({ path, schema, ui }) => ({
    path,
    schema,
    territory: territoryOf(ui),
    keepsCode: isNode(schema.properties) && 'codeInsee' in schema.properties,
  }));
}

const text = (v: unknown): string | undefined => (typeof v === 'string' && v.trim() !== '' ? v.trim() : undefined);

/**
 * The submit-time check of commune fields, after the schema's own validation.
 *
 * - A value with a `codeInsee` (chosen from the list) must name a commune that
 *   exists, with that name and one of its postcodes, inside the field's
 *   territory: anything else was altered on the way, and is refused.
 * - A value without one was typed by hand (the lookup did not answer, or the
 *   citizen did not pick). When its postcode and name designate one commune,
 *   the code is filled in and the name spelled as the official list does;
 *   otherwise it is kept as typed, unverified (no `codeInsee` says so), unless
 *   it is certainly outside the field's territory (a known postcode none of
 *   whose communes is inside).
 *
 * Returns the errors (pointer and French message) and the answers, completed.
 */
export function checkCommunes(
  definition: Pick<ServiceDefinition, 'schema' | 'uiSchema'>,
  data: unknown,
  directory: CommuneDirectory,
): { errors: ErrorItem[]; data: unknown } {
  const fields = communeFields(definition);
  if (fields.length === 0) return { errors: [], data };
  const errors: ErrorItem[] = [];
  const completed = structuredClone(data);
  for (const field of fields) {
    for (const [path, value] of valuesAt(completed, field.path)) {
      if (!isNode(value)) continue;
      const pointer = toJsonPointer(path);
      const fail = (sub: string, code: string, message: string) =>
        errors.push({ pointer: `${pointer}/${sub}`, code, message });
      const code = text(value.codeInsee);
      const nom = text(value.nom);
      const postcode = text(value.codePostal);
      if (code !== undefined) {
        const commune = directory.byInsee(code);
        if (!commune) fail('codeInsee', 'commune_inconnue', 'Cette commune n’existe pas dans la liste officielle.');
        else if (nom !== undefined && normaliseName(nom) !== normaliseName(commune.nom))
          fail('nom', 'commune_incoherente', `Le code ${code} est celui de la commune « ${commune.nom} ».`);
        else if (postcode !== undefined && !commune.codesPostaux.includes(postcode))
          fail(
            'codePostal',
            'code_postal_incoherent',
            `Le code postal ${postcode} n’est pas celui de ${commune.nom} (${commune.codesPostaux.join(', ') || 'aucun'}).`,
          );
        else if (!directory.inTerritory(commune, field.territory))
          fail(
            'codeInsee',
            'commune_hors_territoire',
            `${commune.nom} n’est pas dans le territoire de cette démarche.`,
          );
        else if (nom !== undefined) value.nom = commune.nom;
        continue;
      }
      if (postcode === undefined) continue;
      const serving = directory.withPostcode(postcode);
      const match = nom === undefined ? [] : serving.filter((c) => normaliseName(c.nom) === normaliseName(nom));
      if (match.length === 1 && field.keepsCode && directory.inTerritory(match[0]!, field.territory)) {
        value.codeInsee = match[0]!.codeInsee;
        value.nom = match[0]!.nom;
      } else if (serving.length > 0 && !serving.some((c) => directory.inTerritory(c, field.territory)))
        fail(
          'codePostal',
          'commune_hors_territoire',
          `Le code postal ${postcode} n’est pas dans le territoire de cette démarche.`,
        );
    }
  }
  return { errors, data: errors.length ? data : completed };
}

const TERRITORY_CODES: Record<keyof Territory, RegExp> = {
  departements: /^(\d{2}|2A|2B|\d{3})$/,
  epci: /^\d{9}$/,
  communes: /^(\d{5}|2[AB]\d{3})$/,
};

/**
 * What the designer is told about commune fields when the definition is
 * saved (warnings: the definition is kept): the object should have `nom`
 * and `codePostal`, `codeInsee` should stay optional (or a commune typed by
 * hand cannot be sent), and territory codes should be codes.
 */
export function communeWarnings(definition: Pick<ServiceDefinition, 'schema' | 'uiSchema'>): ErrorItem[] {
  const warnings: ErrorItem[] = [];
  for (const field of communeFields(definition)) {
    const ui = ['uiSchema', ...field.path.map((p) => (p === '*' ? 'items' : p))];
    const at = (path: Array<string | number>, code: string, message: string) =>
      warnings.push({ pointer: toJsonPointer(path), code, message });
    const properties = isNode(field.schema.properties) ? field.schema.properties : {};
    if (field.schema.type !== 'object' || !('nom' in properties) || !('codePostal' in properties))
      at(
        ui,
        'commune_shape',
        'Un champ commune est un objet avec les propriétés « nom » et « codePostal » (et « codeInsee ») : sans elles, il est affiché comme un groupe ordinaire et n’est pas vérifié.',
      );
    if (Array.isArray(field.schema.required) && field.schema.required.includes('codeInsee'))
      at(
        ui,
        'commune_code_required',
        '« codeInsee » obligatoire : quand la recherche ne répond pas, l’usager ne peut pas saisir sa commune à la main. Gardez obligatoires « nom » et « codePostal » seulement.',
      );
    const options = isNode(definition.uiSchema) ? valuesAt(definition.uiSchema, [...ui.slice(1), 'ui:options']) : [];
    const declared = options[0]?.[1];
    for (const key of Object.keys(TERRITORY_CODES) as Array<keyof Territory>) {
      const list = isNode(declared) ? declared[key] : undefined;
      if (list === undefined) continue;
      const wrong = Array.isArray(list)
        ? list.findIndex((v) => typeof v !== 'string' || !TERRITORY_CODES[key].test(v))
        : 0;
      if (wrong !== -1)
        at(
          [...ui, 'ui:options', key, ...(Array.isArray(list) ? [wrong] : [])],
          'commune_territory',
          `Territoire : « ${key} » attend une liste de codes (${key === 'departements' ? '« 45 », « 2A », « 974 »' : key === 'epci' ? 'SIREN de 9 chiffres' : 'codes INSEE de 5 caractères'}).`,
        );
    }
  }
  return warnings;
}
