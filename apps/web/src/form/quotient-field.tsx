import { memo, useEffect, useRef, useState } from 'react';
import {
  QUOTIENT_CONSENT,
  QUOTIENT_FIELD_VALUES,
  isQuotientUi,
  plainText,
  quotientLocked,
  type QuotientFieldValue,
} from '@guichet/shared';
import { ApiError, api } from '../lib/api';
import { tr } from '../lib/i18n';
import { useForm } from './context';
import { ErrorMessage } from './field-parts';
import { LiveStatus, LookupFieldset, SourceLine, updateObject } from './lookup-parts';
import { idOf, type FieldModel } from './model';
import { useFieldError, useValue } from './store';

export { isQuotientUi };

type Part = QuotientFieldValue;
const LABELS: Record<Part, () => string> = {
  quotient: () => tr('Quotient familial (en euros)', 'Family quotient (in euros)'),
  periode: () => tr('Mois de référence', 'Month it refers to'),
  regime: () => tr('Organisme', 'Body'),
  allocataire: () => tr('Allocataire(s)', 'Beneficiary (or beneficiaries)'),
};

type Value = { quotient?: number; periode?: string; regime?: string; allocataire?: string; consentement?: boolean };
const asValue = (v: unknown): Value => (v !== null && typeof v === 'object' ? (v as Value) : {});

interface Answer {
  quotient: number;
  regime: 'CAF' | 'MSA';
  valeurs: { quotient: number; periode: string; regime: string; allocataire: string };
}

type Lookup = { state: 'idle' | 'asking' | 'unknown' | 'failed' } | { state: 'found'; answer: Answer };

/**
 * The family quotient field (issue 23). A citizen signed in with
 * FranceConnect may tick an explicit consent (unticked by default, saying
 * what is fetched and why), then ask: the server asks API Particulier (CAF or
 * MSA) with their FranceConnect identity and the block fills, its provenance
 * shown and announced; locked values (`ui:options.locked`) are then read-only.
 * Not signed in with FranceConnect, no consent, unknown to the CAF and the MSA,
 * or the API down: the citizen types the quotient, and the request goes on.
 */
export const QuotientField = memo(function QuotientField({ model }: { model: FieldModel }) {
  const { store, formId, signedIn } = useForm();
  const id = idOf(model.pointer);
  const value = asValue(useValue(store, model.pointer));
  const properties = (model.schema.properties ?? {}) as Record<string, { title?: unknown }>;
  const parts = QUOTIENT_FIELD_VALUES.filter((p) => p in properties);
  const locked = quotientLocked(model.ui);
  const options = (model.ui['ui:options'] ?? {}) as { organisme?: unknown };
  const organisme = typeof options.organisme === 'string' && options.organisme ? options.organisme : 'ce service';
  const ownError = useFieldError(store, model.pointer);
  const consentError = useFieldError(store, `${model.pointer}/${QUOTIENT_CONSENT}`);
  const [lookup, setLookup] = useState<Lookup>({ state: 'idle' });
  const [status, setStatus] = useState('');
  const inflight = useRef<AbortController | null>(null);
  useEffect(() => () => inflight.current?.abort(), []);

  const update = (changes: Partial<Record<keyof Value, unknown>>) => updateObject(store, model.pointer, changes);

  const consented = value.consentement === true;
  const onConsent = (checked: boolean) => {
    if (!checked) {
      inflight.current?.abort();
      if (lookup.state !== 'idle') setLookup({ state: 'idle' });
      setStatus('');
    }
    update({ consentement: checked ? true : undefined });
  };

  const ask = () => {
    inflight.current?.abort();
    const controller = new AbortController();
    inflight.current = controller;
    setLookup({ state: 'asking' });
    setStatus(tr('Demande du quotient familial en cours…', 'Asking for the family quotient…'));
    api<Answer>('/api/v1/me/quotient-familial', {
      method: 'POST',
      body: { consentement: true },
      signal: controller.signal,
    }).then(
      (answer) => {
        update(Object.fromEntries(parts.map((p) => [p, answer.valeurs[p]])));
        setLookup({ state: 'found', answer });
        setStatus(
          tr(
            `Quotient familial obtenu auprès de la ${answer.regime} : ${answer.quotient} euros. Les informations ci-dessous ont été remplies.`,
            `Family quotient obtained from the ${answer.regime}: ${answer.quotient} euros. The details below have been filled in.`,
          ),
        );
      },
      (error: Error) => {
        if (error.name === 'AbortError') return;
        const unknown = error instanceof ApiError && error.status === 404;
        setLookup({ state: unknown ? 'unknown' : 'failed' });
        setStatus(
          unknown
            ? tr(
                'Ni la CAF ni la MSA ne trouvent de quotient familial à votre nom : saisissez-le ci-dessous vous-même.',
                'Neither the CAF nor the MSA finds a family quotient in your name: type it below yourself.',
              )
            : tr(
                'Le quotient familial ne peut pas être obtenu pour le moment : saisissez-le ci-dessous vous-même, votre demande sera acceptée.',
                'The family quotient cannot be obtained at the moment: type it below yourself, your request will be accepted.',
              ),
        );
      },
    );
  };

  const found = lookup.state === 'found' ? lookup.answer : undefined;
  const consentId = idOf(`${model.pointer}/${QUOTIENT_CONSENT}`);
  return (
    <LookupFieldset model={model} id={id} kind="quotient" invalid={!!ownError} message={ownError?.message}>
      {signedIn ? (
        <div className={`field field--checkbox${consentError ? ' field--error' : ''}`}>
          <ErrorMessage id={consentId} message={consentError?.message} />
          <input
            id={consentId}
            form={formId}
            type="checkbox"
            checked={consented}
            aria-describedby={`${id}-pourquoi`}
            onChange={(e) => onConsent(e.target.checked)}
          />
          <label htmlFor={consentId}>
            {tr(
              `J’accepte que ${organisme} obtienne mon quotient familial auprès de la CAF ou de la MSA`,
              `I agree that ${organisme} obtains my family quotient from the CAF or the MSA`,
            )}
          </label>
          <p className="hint" id={`${id}-pourquoi`}>
            {tr(
              'Avec votre accord, votre quotient familial, le mois auquel il se rapporte, l’organisme qui l’a calculé (CAF ou MSA) et le nom du ou des allocataires sont demandés via API Particulier, avec votre identité FranceConnect, pour calculer votre tarif. Vous n’aurez pas d’attestation à fournir. Sans votre accord, saisissez-le vous-même.',
              'With your consent, your family quotient, the month it refers to, the body that computed it (CAF or MSA) and the name of the beneficiaries are asked through API Particulier, with your FranceConnect identity, to work out your price. You will not need to provide a certificate. Without your consent, type it yourself.',
            )}
          </p>
          {consented && (
            <button
              type="button"
              className="button button--secondary"
              onClick={ask}
              disabled={lookup.state === 'asking'}
            >
              {tr('Obtenir mon quotient familial', 'Get my family quotient')}
            </button>
          )}
        </div>
      ) : (
        <p className="hint">
          {tr(
            'Connecté avec FranceConnect, vous pourriez faire obtenir votre quotient familial directement auprès de la CAF ou de la MSA. Sinon, saisissez-le ci-dessous.',
            'Signed in with FranceConnect, you could have your family quotient obtained from the CAF or the MSA. Otherwise, type it below.',
          )}
        </p>
      )}
      <LiveStatus id={`${id}-statut`} status={status} />
      {lookup.state === 'failed' || lookup.state === 'unknown' ? (
        <p className="notice notice--warning">{status}</p>
      ) : null}
      {found && (
        <SourceLine
          className="quotient-source"
          text={tr(
            `Fourni par la ${found.regime} via API Particulier`,
            `Provided by the ${found.regime} through API Particulier`,
          )}
          locked={locked.length > 0}
        />
      )}
      {parts.map((part) => (
        <QuotientPart
          key={part}
          part={part}
          pointer={`${model.pointer}/${part}`}
          label={typeof properties[part]?.title === 'string' ? (properties[part].title as string) : LABELS[part]()}
          value={value[part]}
          readOnly={!!found && locked.includes(part)}
          formId={formId}
          onChange={(next) => update({ [part]: next })}
        />
      ))}
    </LookupFieldset>
  );
});

function QuotientPart(props: {
  part: Part;
  pointer: string;
  label: string;
  value: string | number | undefined;
  readOnly: boolean;
  formId?: string;
  onChange: (value: string | number | undefined) => void;
}) {
  const { store } = useForm();
  const error = useFieldError(store, props.pointer);
  const id = idOf(props.pointer);
  const common = {
    id,
    form: props.formId,
    'aria-describedby':
      [props.part === 'periode' && `${id}-format`, error && `${id}-erreur`].filter(Boolean).join(' ') || undefined,
    'aria-invalid': error ? true : undefined,
  };
  return (
    <div className={`field${error ? ' field--error' : ''}`}>
      <label htmlFor={id}>{plainText(props.label)}</label>
      {props.part === 'periode' && (
        <p className="hint" id={`${id}-format`}>
          {tr('Année et mois, par exemple 2026-10.', 'Year and month, for example 2026-10.')}
        </p>
      )}
      <ErrorMessage id={id} message={error?.message} />
      {props.part === 'regime' ? (
        <select
          {...common}
          value={String(props.value ?? '')}
          disabled={props.readOnly}
          onChange={(e) => props.onChange(e.target.value || undefined)}
        >
          <option value="">{tr('— Choisir —', '— Choose —')}</option>
          <option value="CAF">CAF</option>
          <option value="MSA">MSA</option>
        </select>
      ) : (
        <input
          {...common}
          type="text"
          inputMode={props.part === 'quotient' ? 'numeric' : undefined}
          autoComplete="off"
          readOnly={props.readOnly}
          value={props.value === undefined ? '' : String(props.value)}
          onChange={(e) => {
            const text = e.target.value;
            if (props.part !== 'quotient') return props.onChange(text);
            // A whole number is stored as one (the schema's integer); anything else as typed, for the validation to say so.
            props.onChange(/^\s*\d{1,7}\s*$/.test(text) ? Number(text) : text);
          }}
        />
      )}
    </div>
  );
}
