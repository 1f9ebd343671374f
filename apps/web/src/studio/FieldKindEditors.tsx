import { useState } from 'react';
import { IDENTITY_CLAIMS, type IdentityClaim, type PrefillMapping } from '@guichet/shared';
import { tr } from '../lib/i18n';
import { CLAIM_LABELS, isTuple, optionsAt, setKeyword, type Node } from './definition';
import { Check, Select, TextInput } from './FieldControls';
import { lockedValues, setLocked, siretValuesOf } from './siretField';
import { rnaValuesOf } from './rnaField';
import { quotientValuesOf } from './quotientField';

// What the panel edits for some kinds of field only: a text's format and autofill, a file's limits, a choice's answers.
export const FORMATS: Array<[string, () => string]> = [
  ['', () => tr('Aucun', 'None')],
  ['email', () => tr('Adresse électronique', 'Email address')],
  ['fr-phone', () => tr('Téléphone français', 'French phone number')],
  ['fr-postal-code', () => tr('Code postal', 'Postcode')],
  ['insee-commune-code', () => tr('Code INSEE de commune', 'INSEE municipality code')],
  ['siret', () => 'SIRET'],
  ['siren', () => 'SIREN'],
  ['iban', () => 'IBAN'],
  ['nir', () => tr('Numéro de sécurité sociale', 'Social security number')],
  ['date', () => tr('Date', 'Date')],
  ['time', () => tr('Heure', 'Time')],
  ['uri', () => tr('Adresse web', 'Web address')],
];

/** What the browser may fill in for the citizen, said in words (the `autocomplete` token stays in the definition). */
const AUTOCOMPLETE: Array<[string, () => string]> = [
  ['', () => tr('Aucune', 'None')],
  ['given-name', () => tr('Prénom', 'Given name')],
  ['family-name', () => tr('Nom de famille', 'Family name')],
  ['name', () => tr('Nom complet', 'Full name')],
  ['email', () => tr('Adresse électronique', 'Email address')],
  ['tel', () => tr('Numéro de téléphone', 'Phone number')],
  ['bday', () => tr('Date de naissance', 'Date of birth')],
  ['street-address', () => tr('Adresse postale complète', 'Full street address')],
  ['address-line1', () => tr('Adresse, ligne 1', 'Address line 1')],
  ['address-line2', () => tr('Adresse, ligne 2', 'Address line 2')],
  ['postal-code', () => tr('Code postal', 'Postcode')],
  ['address-level2', () => tr('Commune', 'Town')],
  ['country-name', () => tr('Pays', 'Country')],
  ['organization', () => tr('Organisme ou entreprise', 'Organisation')],
  ['url', () => tr('Adresse de site web', 'Website address')],
];

const MB = 1024 * 1024;

export function FileLimits({
  id,
  node,
  edit,
}: {
  id: string;
  node: Node;
  edit: (what: string, change: (n: Node, u: Node) => void) => void;
}) {
  const config = (node['x-file'] ?? {}) as { accept?: string[]; maxBytes?: number };
  const accept = config.accept ?? [];
  const toggle = (mime: string, on: boolean) =>
    edit('accept', (n) => {
      const x = { ...((n['x-file'] as Node | undefined) ?? {}) };
      const list = ((x.accept as string[] | undefined) ?? []).filter((m) => m !== mime);
      if (on) list.push(mime);
      if (list.length) x.accept = list;
      else delete x.accept;
      n['x-file'] = x;
    });
  return (
    <fieldset>
      <legend>{tr('Fichier', 'File')}</legend>
      <Check
        id={`${id}-pdf`}
        label="PDF"
        checked={accept.includes('application/pdf')}
        onChange={(on) => toggle('application/pdf', on)}
      />
      <Check
        id={`${id}-images`}
        label={tr('Images (JPEG, PNG…)', 'Images (JPEG, PNG…)')}
        checked={accept.includes('image/*')}
        onChange={(on) => toggle('image/*', on)}
      />
      <TextInput
        id={`${id}-taille`}
        numeric
        label={tr('Taille maximale (Mo)', 'Maximum size (MB)')}
        value={config.maxBytes ? String(Math.round((config.maxBytes / MB) * 10) / 10) : ''}
        onChange={(v) =>
          edit('maxBytes', (n) => {
            const x = { ...((n['x-file'] as Node | undefined) ?? {}) };
            const mb = Number(v.replace(',', '.'));
            setKeyword(x, 'maxBytes', v.trim() && Number.isFinite(mb) && mb > 0 ? Math.round(mb * MB) : undefined);
            n['x-file'] = x;
          })
        }
      />
    </fieldset>
  );
}

/**
 * A SIRET or RNA field's locked values: once the establishment or the association is found, the citizen may not
 * change them.
 */
export function SiretLocks({
  id,
  node,
  ui,
  edit,
  registry = 'siret',
}: {
  id: string;
  node: Node;
  ui: Node;
  edit: (what: string, change: (n: Node, u: Node) => void) => void;
  registry?: 'siret' | 'rna' | 'quotient';
}) {
  const valuesOf = registry === 'rna' ? rnaValuesOf : registry === 'quotient' ? quotientValuesOf : siretValuesOf;
  const values = valuesOf(node);
  const locked = lockedValues(node, ui, valuesOf);
  return (
    <fieldset aria-describedby={`${id}-verrous-aide`}>
      <legend>{tr('Valeurs verrouillées', 'Locked values')}</legend>
      <p className="hint" id={`${id}-verrous-aide`}>
        {registry === 'quotient'
          ? tr(
              'Une fois le quotient familial obtenu auprès de la CAF ou de la MSA (usager connecté avec FranceConnect, avec son accord), l’usager ne peut pas modifier les valeurs cochées. Sinon, il les saisit lui-même.',
              'Once the family quotient is obtained from the CAF or the MSA (citizen signed in with FranceConnect, with their consent), the citizen cannot change the ticked values. Otherwise, they type them.',
            )
          : registry === 'rna'
            ? tr(
                'Une fois l’association trouvée dans le Répertoire national des associations, l’usager ne peut pas modifier les valeurs cochées. Si le répertoire ne répond pas, il les saisit lui-même.',
                'Once the association is found in the national register of associations, the citizen cannot change the ticked values. If the register does not answer, they type them.',
              )
            : tr(
                'Une fois l’établissement trouvé dans le répertoire Sirene, l’usager ne peut pas modifier les valeurs cochées. Si le répertoire ne répond pas, il les saisit lui-même.',
                'Once the establishment is found in the Sirene directory, the citizen cannot change the ticked values. If the directory does not answer, they type them.',
              )}
      </p>
      {values.map((v) => (
        <Check
          key={v.name}
          id={`${id}-verrou-${v.name}`}
          label={v.label}
          checked={locked.includes(v.name)}
          onChange={(on) => edit(`locked-${v.name}`, (n, u) => setLocked(n, u, v.name, on, valuesOf))}
        />
      ))}
    </fieldset>
  );
}

export function OptionsEditor({
  id,
  node,
  ui,
  onChange,
  error,
}: {
  id: string;
  node: Node;
  ui: Node;
  onChange: (lines: string[]) => void;
  error?: string;
}) {
  const stored = optionsAt(node, ui)
    .map((o) => o.label)
    .join('\n');
  // What is being typed (a blank line to come) stays in the textarea; what is stored is the options.
  const [text, setText] = useState(stored);
  const [lastStored, setLastStored] = useState(stored);
  if (stored !== lastStored) {
    setLastStored(stored);
    if (
      text
        .split('\n')
        .map((l) => l.trim())
        .filter(Boolean)
        .join('\n') !== stored
    )
      setText(stored);
  }
  return (
    <div className={`field${error ? ' field--error' : ''}`}>
      <label htmlFor={id}>{tr('Réponses proposées', 'Answers offered')}</label>
      <p className="hint" id={`${id}-aide`}>
        {tr('Une réponse par ligne.', 'One answer per line.')}
      </p>
      {error && (
        <p className="error-message" id={`${id}-erreur`}>
          {error}
        </p>
      )}
      <textarea
        id={id}
        rows={4}
        value={text}
        aria-invalid={error ? true : undefined}
        aria-describedby={error ? `${id}-erreur ${id}-aide` : `${id}-aide`}
        onChange={(e) => {
          setText(e.target.value);
          onChange(e.target.value.split('\n'));
        }}
      />
    </div>
  );
}

/** The choices in words; a token the list does not know (written in the JSON) stays choosable as it is. */
export function autocompleteOptions(current: string): Array<[string, string]> {
  const known: Array<[string, string]> = AUTOCOMPLETE.map(([token, words]) => [token, words()]);
  return known.some(([token]) => token === current) ? known : [...known, [current, current]];
}

/**
 * A repeatable block's (or a tuple's) name of one item and its bounds. The name is written on the block's own
 * `items` (a tuple has none; a `$ref`'d block's is its definition's: left to the JSON tab).
 */
export function RepeatLimits({
  id,
  node,
  own,
  sharedId,
  edit,
}: {
  id: string;
  /** The block as it means (its `$ref` followed), for reading. */
  node: Node;
  /** The block as written at its place, where its item's name is set. */
  own: Node;
  /** The notice of a shared group, when the block is inside one. */
  sharedId?: string;
  edit: (what: string, change: (n: Node, u: Node) => void) => void;
}) {
  const num = (text: string) => (text.trim() === '' ? undefined : Number(text.replace(',', '.')));
  const ownItems = own.items !== null && typeof own.items === 'object' && !Array.isArray(own.items);
  return (
    <>
      {!isTuple(node) && ownItems && (
        <TextInput
          id={`${id}-element`}
          label={tr('Nom d’un élément (par exemple « Enfant »)', 'Name of one item (for example “Child”)')}
          value={String((node.items as Node | undefined)?.title ?? '')}
          onChange={(v) => edit('itemTitle', (n) => setKeyword(n.items as Node, 'title', v))}
        />
      )}
      <div className="studio-pair">
        <TextInput
          id={`${id}-minitems`}
          numeric
          describedBy={sharedId}
          label={tr('Nombre minimal', 'Minimum number')}
          value={String(node.minItems ?? '')}
          onChange={(v) => edit('minItems', (n) => setKeyword(n, 'minItems', num(v)))}
        />
        <TextInput
          id={`${id}-maxitems`}
          numeric
          describedBy={sharedId}
          label={tr('Nombre maximal', 'Maximum number')}
          value={String(node.maxItems ?? '')}
          onChange={(v) => edit('maxItems', (n) => setKeyword(n, 'maxItems', num(v)))}
        />
      </div>
    </>
  );
}

/** The FranceConnect claim that prefills a field, and whether the citizen may change it. */
export function PrefillChoice({
  id,
  prefill,
  onChange,
}: {
  id: string;
  prefill: PrefillMapping | undefined;
  onChange: (claim: IdentityClaim | null, locked: boolean) => void;
}) {
  return (
    <fieldset className="studio-prefill">
      <legend>FranceConnect</legend>
      <Select
        id={`${id}-claim`}
        label={tr('Prérempli avec l’information FranceConnect', 'Prefilled with the FranceConnect claim')}
        value={prefill?.claim ?? ''}
        options={[
          ['', tr('Aucune', 'None')],
          ...IDENTITY_CLAIMS.map((c) => [c, CLAIM_LABELS[c]()] as [string, string]),
        ]}
        onChange={(v) => onChange((v || null) as IdentityClaim | null, prefill?.locked ?? true)}
      />
      {prefill && (
        <Check
          id={`${id}-verrou`}
          label={tr('Verrouillé : l’usager ne peut pas le modifier', 'Locked: the citizen cannot change it')}
          checked={prefill.locked === true}
          onChange={(on) => onChange(prefill.claim, on)}
        />
      )}
    </fieldset>
  );
}
