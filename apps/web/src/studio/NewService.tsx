import { useEffect, useRef, useState } from 'react';
import { type ServiceSummary } from '@guichet/shared';
import { api } from '../lib/api';
import { tr } from '../lib/i18n';
import { navigate } from '../lib/router';
import { slugFromLabel } from './definition';
import { Input, OrganisationChoice, fieldErrors } from './ServiceInputs';

const SLUG = /^[a-z0-9]+(-[a-z0-9]+)*$/;

interface Example {
  name: string;
  title: string;
  description: string | null;
}

/** « À partir d'un exemple » : the installation's example services, as radios; none chosen starts from scratch. */
function ExampleChoice({
  examples,
  value,
  onChange,
  error,
}: {
  examples: Example[];
  value: string;
  onChange: (name: string) => void;
  error?: string;
}) {
  if (examples.length === 0) return null;
  const option = (name: string, label: string, hint: string | null) => {
    const id = `nouvelle-exemple-${name || 'aucun'}`;
    return (
      <div className="choice" key={name || '-'}>
        <input
          type="radio"
          id={id}
          name="nouvelle-exemple"
          value={name}
          checked={value === name}
          onChange={() => onChange(name)}
          aria-describedby={hint ? `${id}-aide` : undefined}
        />
        {/* Label and description in one column beside the radio, as the citizen's choices are laid out. */}
        <div>
          <label htmlFor={id}>{label}</label>
          {hint && (
            <p className="hint" id={`${id}-aide`}>
              {hint}
            </p>
          )}
        </div>
      </div>
    );
  };
  return (
    <fieldset
      className={`field${error ? ' field--error' : ''}`}
      aria-describedby={error ? 'nouvelle-exemple-erreur' : undefined}
    >
      <legend>{tr('À partir d’un exemple', 'From an example')}</legend>
      {error && (
        <p className="error-message" id="nouvelle-exemple-erreur">
          <span className="sr-only">{tr('Erreur : ', 'Error: ')}</span>
          {error}
        </p>
      )}
      <div className="choices">
        {option('', tr('Aucun : une page et un champ', 'None: one page and one field'), null)}
        {examples.map((e) => option(e.name, e.title, e.description))}
      </div>
    </fieldset>
  );
}

export function CreateService({ organisations }: { organisations: Array<{ id: string }> }) {
  const [examples, setExamples] = useState<Example[]>([]);
  const [fromExample, setFromExample] = useState('');
  useEffect(() => {
    api<Example[]>('/api/v1/examples').then(setExamples, () => setExamples([]));
  }, []);
  const [title, setTitle] = useState('');
  const [slug, setSlug] = useState('');
  const [slugTouched, setSlugTouched] = useState(false);
  const [organisationId, setOrganisationId] = useState(organisations[0]!.id);
  const [errors, setErrors] = useState<Record<string, string>>({});
  const [busy, setBusy] = useState(false);
  const shownSlug = slugTouched ? slug : slugFromLabel(title).slice(0, 63);
  const submit = async (event: React.FormEvent) => {
    event.preventDefault();
    const local: Record<string, string> = {};
    if (!title.trim()) local.title = tr('Indiquez le titre de la démarche.', 'Give the service a title.');
    if (!SLUG.test(shownSlug) || shownSlug.length < 3)
      local.slug = tr(
        'L’adresse contient au moins 3 caractères : lettres minuscules, chiffres et tirets.',
        'At least 3 characters: lower-case letters, digits and hyphens.',
      );
    setErrors(local);
    if (Object.keys(local).length)
      return document.getElementById(local.title ? 'nouvelle-titre' : 'nouvelle-adresse')?.focus();
    setBusy(true);
    try {
      await api('/api/v1/services', {
        method: 'POST',
        body: { title: title.trim(), slug: shownSlug, organisationId, ...(fromExample ? { fromExample } : {}) },
      });
      navigate(`/studio/${shownSlug}`);
    } catch (error) {
      setBusy(false);
      setErrors(fieldErrors(error));
    }
  };
  return (
    <section aria-labelledby="creer" className="studio-section">
      <h2 id="creer">{tr('Créer une démarche', 'Create a service')}</h2>
      <p>
        {tr(
          'Partez d’une page et d’un champ, ou d’un exemple, puis construisez le formulaire dans l’éditeur. La démarche reste un brouillon jusqu’à sa publication.',
          'Start from one page and one field, or from an example, then build the form in the editor. The service stays a draft until you publish it.',
        )}
      </p>
      <form noValidate onSubmit={(e) => void submit(e)}>
        <ExampleChoice
          examples={examples}
          value={fromExample}
          onChange={(name) => {
            setFromExample(name);
            const example = examples.find((e) => e.name === name);
            if (example && !title.trim()) setTitle(example.title);
          }}
          error={errors.fromExample}
        />
        <Input
          id="nouvelle-titre"
          label={tr('Titre de la démarche', 'Title of the service')}
          value={title}
          onChange={setTitle}
          error={errors.title}
          required
        />
        <Input
          id="nouvelle-adresse"
          label={tr('Adresse de la démarche', 'Address of the service')}
          hint={tr(
            'Elle suit /demarches/ ; lettres minuscules, chiffres et tirets. Proposée d’après le titre.',
            'It follows /demarches/; lower-case letters, digits and hyphens. Suggested from the title.',
          )}
          value={shownSlug}
          onChange={(v) => {
            setSlugTouched(true);
            setSlug(v);
          }}
          error={errors.slug}
          required
        />
        <OrganisationChoice
          id="nouvelle-organisation"
          organisations={organisations}
          value={organisationId}
          onChange={setOrganisationId}
        />
        {errors[''] && <p className="notice notice--error">{errors['']}</p>}
        {errors.organisationId && <p className="notice notice--error">{errors.organisationId}</p>}
        <button type="submit" className="button" aria-disabled={busy || undefined}>
          {tr('Créer la démarche', 'Create the service')}
        </button>
      </form>
    </section>
  );
}

export function ImportService({ organisations }: { organisations: Array<{ id: string }> }) {
  const [organisationId, setOrganisationId] = useState(organisations[0]!.id);
  const [slug, setSlug] = useState('');
  const [errors, setErrors] = useState<Record<string, string>>({});
  const file = useRef<HTMLInputElement>(null);
  const submit = async (event: React.FormEvent) => {
    event.preventDefault();
    const chosen = file.current?.files?.[0];
    if (!chosen) return setErrors({ file: tr('Choisissez un fichier JSON.', 'Choose a JSON file.') });
    let content: unknown;
    try {
      content = JSON.parse(await chosen.text());
    } catch {
      return setErrors({ file: tr('Ce fichier n’est pas du JSON valide.', 'This file is not valid JSON.') });
    }
    try {
      const created = await api<ServiceSummary>('/api/v1/services/import', {
        method: 'POST',
        body: { organisationId, file: content, ...(slug ? { slug } : {}) },
      });
      navigate(`/studio/${created.slug}`);
    } catch (error) {
      const found = fieldErrors(error);
      setErrors({ ...found, file: found.file ?? found.definition ?? '' });
    }
  };
  const fileError = errors.file || errors[''];
  return (
    <section aria-labelledby="importer" className="studio-section">
      <h2 id="importer">{tr('Importer un fichier', 'Import a file')}</h2>
      <p>
        {tr(
          'Un export Guichet (par exemple un fichier du dossier forms/), ou un schéma JSON (JSON Schema).',
          'A Guichet export (for example a file of the forms/ folder), or a JSON Schema.',
        )}
      </p>
      <form noValidate onSubmit={(e) => void submit(e)}>
        <div className={`field${fileError ? ' field--error' : ''}`}>
          <label htmlFor="import-fichier">{tr('Fichier JSON', 'JSON file')}</label>
          {fileError && (
            <p className="error-message" id="import-fichier-erreur">
              {fileError}
            </p>
          )}
          <input
            id="import-fichier"
            type="file"
            accept="application/json,.json"
            ref={file}
            aria-describedby={fileError ? 'import-fichier-erreur' : undefined}
            aria-invalid={fileError ? true : undefined}
          />
        </div>
        <Input
          id="import-adresse"
          label={tr('Nouvelle adresse (facultatif)', 'New address (optional)')}
          hint={tr('Sinon, celle du fichier.', 'Otherwise, the one in the file.')}
          value={slug}
          onChange={setSlug}
          error={errors.slug}
        />
        <OrganisationChoice
          id="import-organisation"
          organisations={organisations}
          value={organisationId}
          onChange={setOrganisationId}
        />
        <button type="submit" className="button button--secondary">
          {tr('Importer', 'Import')}
        </button>
      </form>
    </section>
  );
}
