import { useMemo, useRef, useState } from 'react';
import type { ServiceDefinition } from '@guichet/shared';
import { tr } from '../lib/i18n';
import type { Apply } from './FieldPanel';

/** The whole definition as JSON: valid JSON applies at once, anything else says why. */
export function JsonTab({ def, apply }: { def: ServiceDefinition; apply: Apply }) {
  const pretty = useMemo(() => JSON.stringify(def, null, 2), [def]);
  const [text, setText] = useState(pretty);
  const [error, setError] = useState<string | null>(null);
  const applied = useRef(pretty);
  if (pretty !== applied.current) {
    applied.current = pretty;
    if (!error) setText(pretty);
  }
  const onChange = (value: string) => {
    setText(value);
    let parsed: unknown;
    try {
      parsed = JSON.parse(value);
    } catch (e) {
      return setError(`${tr('JSON invalide', 'Invalid JSON')} : ${(e as Error).message}`);
    }
    const candidate = parsed as Partial<ServiceDefinition>;
    if (
      !candidate ||
      typeof candidate !== 'object' ||
      typeof candidate.schema !== 'object' ||
      !Array.isArray(candidate.pages) ||
      typeof candidate.settings !== 'object'
    )
      return setError(
        tr('Il faut un objet avec schema, pages et settings.', 'An object with schema, pages and settings is needed.'),
      );
    setError(null);
    applied.current = JSON.stringify(candidate, null, 2);
    apply(() => candidate as ServiceDefinition, 'json');
  };
  return (
    <div className="field studio-json">
      <label htmlFor="studio-json">{tr('Définition complète (JSON)', 'Whole definition (JSON)')}</label>
      <p className="hint" id="studio-json-aide">
        {tr(
          'Un JSON valide s’applique aussitôt et s’enregistre comme le reste ; le serveur signale ce qui ne va pas.',
          'Valid JSON applies at once and is saved like the rest; the server says what is wrong.',
        )}
      </p>
      {error && (
        <p className="error-message" id="studio-json-erreur" role="alert">
          {error}
        </p>
      )}
      <textarea
        id="studio-json"
        rows={30}
        spellCheck={false}
        value={text}
        aria-describedby={`studio-json-aide${error ? ' studio-json-erreur' : ''}`}
        aria-invalid={error ? true : undefined}
        onChange={(e) => onChange(e.target.value)}
      />
    </div>
  );
}
