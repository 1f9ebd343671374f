import { useState } from 'react';
import type { ErrorItem, ServiceDefinition, ServiceSettings } from '@guichet/shared';
import { tr } from '../../lib/i18n';
import { ProblemMessages, ProblemsContext, ProblemSummary, TextInput, useProblems, useStatus } from './common';
import {
  closingDateToIso,
  domId,
  inSettingsScope,
  isoToClosingDate,
  parseWholeNumber,
  placeProblems,
  SETTINGS_ANCHORS,
} from './helpers';
import './workflow.css';

type NumberKey = 'retentionMonths' | 'maxSubmissionsPerUser';

/**
 * The settings of a service: sign-in, retention, submission limit, closing
 * date and the anti-robot check. The webhook address is in the workflow tab;
 * the FranceConnect prefill mapping is edited with the form's fields.
 */
export default function SettingsEditor(props: {
  definition: ServiceDefinition;
  onChange(next: ServiceDefinition): void;
  problems: ErrorItem[];
}) {
  const { definition, onChange, problems } = props;
  const settings: ServiceSettings = definition.settings ?? { signIn: 'optional' };
  const placed = placeProblems(problems, SETTINGS_ANCHORS, inSettingsScope);
  const [status, say] = useStatus();
  const write = (change: (s: ServiceSettings) => void) => {
    const next = { ...settings };
    change(next);
    onChange({ ...definition, settings: next });
  };

  return (
    <ProblemsContext.Provider value={placed}>
      <div className="wf-editor">
        <ProblemSummary placed={placed} title={tr('Paramètres', 'Settings')} />
        {status}
        <SignIn settings={settings} write={write} />
        <NumberSetting
          settings={settings}
          write={write}
          name="retentionMonths"
          min={1}
          max={1200}
          label={tr('Durée de conservation, en mois', 'Retention period, in months')}
          hint={tr(
            'Les demandes sont supprimées, avec leurs pièces jointes, ce nombre de mois après leur décision. Laissez vide pour la durée par défaut de l’installation.',
            'Requests are deleted, with their attachments, this many months after their decision. Leave empty for the installation’s default.',
          )}
        />
        <NumberSetting
          settings={settings}
          write={write}
          name="maxSubmissionsPerUser"
          min={1}
          label={tr('Nombre maximal de demandes par personne connectée', 'Most requests per signed-in person')}
          hint={tr(
            'Laissez vide pour ne pas limiter. Ne s’applique qu’aux personnes connectées.',
            'Leave empty for no limit. Applies to signed-in people only.',
          )}
        />
        <ClosingDate settings={settings} write={write} say={say} />
        <AntiBot settings={settings} write={write} />
      </div>
    </ProblemsContext.Provider>
  );
}

interface SettingProps {
  settings: ServiceSettings;
  write(change: (s: ServiceSettings) => void): void;
}

function SignIn({ settings, write }: SettingProps) {
  const pointer = '/settings/signIn';
  const id = domId(pointer);
  const { items, errorId, describedBy, invalid } = useProblems(pointer);
  const options: Array<{ value: ServiceSettings['signIn']; label: string; hint: string }> = [
    {
      value: 'required',
      label: tr('Obligatoire', 'Required'),
      hint: tr(
        'Le citoyen se connecte avec FranceConnect avant de remplir le formulaire.',
        'The citizen signs in with FranceConnect before filling in the form.',
      ),
    },
    {
      value: 'optional',
      label: tr('Facultative', 'Optional'),
      hint: tr(
        'Le citoyen peut se connecter pour préremplir et suivre sa demande, ou rester anonyme.',
        'The citizen may sign in to prefill and follow the request, or stay anonymous.',
      ),
    },
    {
      value: 'none',
      label: tr('Sans connexion', 'No sign-in'),
      hint: tr('Le formulaire est rempli sans compte.', 'The form is filled in without an account.'),
    },
  ];
  return (
    <fieldset className={`field${invalid ? ' field--error' : ''}`} id={id} aria-describedby={describedBy}>
      <legend>{tr('Connexion du citoyen', 'Citizen sign-in')}</legend>
      <ProblemMessages id={errorId} items={items} />
      <div className="choices">
        {options.map((o) => (
          <div className="choice" key={o.value}>
            <input
              type="radio"
              name="wf-settings-signIn"
              id={`${id}-${o.value}`}
              value={o.value}
              checked={settings.signIn === o.value}
              aria-invalid={invalid || undefined}
              aria-describedby={`${id}-${o.value}-aide`}
              onChange={() => write((s) => (s.signIn = o.value))}
            />
            <div>
              <label htmlFor={`${id}-${o.value}`}>{o.label}</label>
              <p className="hint" id={`${id}-${o.value}-aide`}>
                {o.hint}
              </p>
            </div>
          </div>
        ))}
      </div>
    </fieldset>
  );
}

function NumberSetting(
  props: SettingProps & { name: NumberKey; label: string; hint: string; min: number; max?: number },
) {
  const { settings, write, name, min, max } = props;
  const stored = settings[name] as unknown;
  const [draft, setDraft] = useState({ text: stored === undefined ? '' : String(stored), for: stored });
  let text = draft.text;
  if (draft.for !== stored) {
    text = stored === undefined ? '' : String(stored);
    setDraft({ text, for: stored });
  }
  const value = text.trim() === '' ? undefined : parseWholeNumber(text, min, max);
  const localError =
    value === null
      ? max
        ? tr(`Saisissez un nombre entier entre ${min} et ${max}.`, `Enter a whole number from ${min} to ${max}.`)
        : tr(`Saisissez un nombre entier, ${min} au moins.`, `Enter a whole number, ${min} or more.`)
      : undefined;
  return (
    <TextInput
      pointer={`/settings/${name}`}
      label={props.label}
      hint={props.hint}
      inputMode="numeric"
      className="wf-number"
      value={text}
      localError={localError}
      onChange={(next) => {
        const parsed = next.trim() === '' ? undefined : parseWholeNumber(next, min, max);
        // What is not a whole number in range is kept as typed: saving then fails on this field, nothing is lost.
        const stored: unknown = parsed === null ? next : parsed;
        setDraft({ text: next, for: stored });
        write((s) => {
          if (stored === undefined) delete s[name];
          else (s as unknown as Record<string, unknown>)[name] = stored;
        });
      }}
    />
  );
}

function ClosingDate({ settings, write, say }: SettingProps & { say(text: string): void }) {
  const pointer = '/settings/closesAt';
  const id = domId(pointer);
  const hintId = `${id}-aide`;
  const { items, errorId, invalid } = useProblems(pointer);
  const date = isoToClosingDate(settings.closesAt);
  return (
    <div className={`field${invalid ? ' field--error' : ''}`}>
      <label htmlFor={id}>{tr('Dernier jour de dépôt', 'Last day to submit')}</label>
      <p className="hint" id={hintId}>
        {tr(
          'La démarche ferme à 23 h 59, heure de Paris, ce jour-là. Laissez vide pour ne pas la fermer.',
          'The service closes at 23:59, Paris time, that day. Leave empty not to close it.',
        )}
      </p>
      <ProblemMessages id={errorId} items={items} />
      <input
        id={id}
        type="date"
        className="wf-date"
        value={date}
        aria-invalid={invalid || undefined}
        aria-describedby={[hintId, invalid ? errorId : ''].filter(Boolean).join(' ')}
        onChange={(e) => {
          const iso = closingDateToIso(e.target.value);
          // A date input gives '' while its value is incomplete: nothing is written until it is a real date.
          if (e.target.value === '' || iso) {
            write((s) => {
              if (iso) s.closesAt = iso;
              else delete s.closesAt;
            });
          }
        }}
      />
      {settings.closesAt && (
        <button
          type="button"
          className="button button--secondary button--small"
          onClick={() => {
            write((s) => delete s.closesAt);
            say(tr('Date de fermeture retirée.', 'Closing date removed.'));
          }}
        >
          {tr('Retirer la date de fermeture', 'Remove the closing date')}
        </button>
      )}
    </div>
  );
}

function AntiBot({ settings, write }: SettingProps) {
  const pointer = '/settings/antiBot';
  const id = domId(pointer);
  const hintId = `${id}-aide`;
  const { items, errorId, invalid } = useProblems(pointer);
  return (
    <fieldset className={`field${invalid ? ' field--error' : ''}`}>
      <legend>{tr('Protection anti-robot', 'Anti-robot protection')}</legend>
      <ProblemMessages id={errorId} items={items} />
      <div className="choice">
        <input
          type="checkbox"
          id={id}
          checked={settings.antiBot === 'proof-of-work'}
          aria-invalid={invalid || undefined}
          aria-describedby={[hintId, invalid ? errorId : ''].filter(Boolean).join(' ')}
          onChange={(e) =>
            write((s) => {
              if (e.target.checked) s.antiBot = 'proof-of-work';
              else delete s.antiBot;
            })
          }
        />
        <div>
          <label htmlFor={id}>
            {tr(
              'Demander une preuve de travail aux personnes non connectées',
              'Ask people who are not signed in for a proof of work',
            )}
          </label>
          <p className="hint" id={hintId}>
            {settings.signIn === 'required'
              ? tr(
                  'Sans effet tant que la connexion est obligatoire : seules les personnes non connectées la font.',
                  'No effect while sign-in is required: only people who are not signed in do it.',
                )
              : tr(
                  'Le navigateur fait un petit calcul au dépôt (une fraction de seconde à quelques secondes), sans service tiers ni cookie. Cela ralentit les robots sans gêner les personnes.',
                  'The browser does a small computation when submitting (a fraction of a second to a few seconds), with no third party and no cookie. It slows robots down without bothering people.',
                )}
          </p>
        </div>
      </div>
    </fieldset>
  );
}
