import { useLayoutEffect, useRef, useState } from 'react';
import {
  DEFAULT_EMAILS,
  IDENTIFIER,
  PLACEHOLDERS,
  toJsonPointer,
  type EmailTemplate,
  type WorkflowDefinition,
} from '@guichet/shared';
import { tr } from '../../lib/i18n';
import { ProblemMessages, TextInput, useProblems } from './common';
import { domId, insertAt, placeholderText } from './helpers';
import { emailLabel, placeholderLabel, stateName } from './labels';
import type { SectionProps } from './StatesSection';

const p = (...segments: Array<string | number>) => toJsonPointer(['workflow', ...segments]);

export function EmailsSection(props: SectionProps) {
  const { workflow, update, say } = props;
  const own = workflow.emails && typeof workflow.emails === 'object' ? workflow.emails : {};
  const keys = [...new Set([...Object.keys(DEFAULT_EMAILS), ...Object.keys(own)])];
  const block = useProblems(p('emails'));
  const [newKey, setNewKey] = useState('');
  const [addError, setAddError] = useState('');

  const add = () => {
    const key = newKey.trim();
    if (!IDENTIFIER.test(key)) {
      setAddError(
        tr(
          'Lettres minuscules sans accent, chiffres et _, en commençant par une lettre (40 caractères au plus).',
          'Lower-case letters, digits and _, starting with a letter (40 characters at most).',
        ),
      );
      return;
    }
    if (keys.includes(key)) {
      setAddError(tr(`Le modèle « ${key} » existe déjà.`, `The template “${key}” already exists.`));
      return;
    }
    update((w) => {
      w.emails = { ...(w.emails ?? {}), [key]: { subject: '', body: '' } };
    });
    setNewKey('');
    setAddError('');
    say(
      tr(
        `Modèle « ${key} » ajouté en fin de liste : écrivez son objet et son message.`,
        `Template “${key}” added at the end of the list: write its subject and message.`,
      ),
    );
    props.focusLater(p('emails', key, 'subject'));
  };

  return (
    <section aria-labelledby="wf-emails-title" className="wf-section">
      <h2 id="wf-emails-title" tabIndex={-1}>
        {tr('Modèles de courriel', 'Email templates')}
      </h2>
      <p className="hint">
        {tr(
          'Les courriels envoyés au citoyen par l’action « Envoyer un courriel ». Texte brut, sans mise en forme ; l’objet tient sur une ligne. Modifier un modèle fourni le remplace pour cette démarche.',
          'The emails sent to the citizen by the “Email the citizen” action. Plain text; the subject is one line. Editing a shipped template replaces it for this service.',
        )}
      </p>
      <div id={domId(p('emails'))}>
        <ProblemMessages id={block.errorId} items={block.items} />
      </div>
      <ul className="wf-list">
        {keys.map((key) => (
          <li key={key}>
            <EmailBlock {...props} templateKey={key} own={own[key]} />
          </li>
        ))}
      </ul>
      <div className="wf-add">
        <TextInput
          pointer="/studio/new-email"
          label={tr('Identifiant du nouveau modèle', 'Identifier of the new template')}
          hint={tr('Par exemple : relance_paiement.', 'For example: payment_reminder.')}
          value={newKey}
          maxLength={40}
          localError={addError}
          onChange={(v) => {
            setNewKey(v);
            if (addError) setAddError('');
          }}
        />
        <button type="button" className="button button--secondary" onClick={add}>
          {tr('Ajouter le modèle', 'Add the template')}
        </button>
      </div>
    </section>
  );
}

function usedBy(workflow: WorkflowDefinition, key: string): string[] {
  return Object.keys(workflow.states).filter((s) => {
    const actions = workflow.states[s]?.actions;
    return Array.isArray(actions) && actions.some((a) => a?.type === 'notify' && a.template === key);
  });
}

function EmailBlock(props: SectionProps & { templateKey: string; own: EmailTemplate | undefined }) {
  const { workflow, update, say, focusLater, templateKey: key, own } = props;
  const shipped = DEFAULT_EMAILS[key];
  const template = own ?? shipped ?? { subject: '', body: '' };
  const base = p('emails', key);
  const block = useProblems(base);
  const subject = useProblems(`${base}/subject`);
  const body = useProblems(`${base}/body`);
  const count = block.items.length + subject.items.length + body.items.length;
  const subjectRef = useRef<HTMLInputElement>(null);
  const bodyRef = useRef<HTMLTextAreaElement>(null);
  const [target, setTarget] = useState<'subject' | 'body'>('body');
  const pendingCaret = useRef<{ field: 'subject' | 'body'; caret: number } | null>(null);
  const states = usedBy(workflow, key);

  useLayoutEffect(() => {
    const pending = pendingCaret.current;
    if (!pending) return;
    pendingCaret.current = null;
    const element = pending.field === 'subject' ? subjectRef.current : bodyRef.current;
    element?.focus();
    element?.setSelectionRange(pending.caret, pending.caret);
  });

  /** Writes a field; the first change to a shipped template copies it into the workflow. */
  const write = (field: 'subject' | 'body', value: string) =>
    update((w) => {
      const current = w.emails?.[key] ?? { ...template };
      w.emails = { ...(w.emails ?? {}), [key]: { ...current, [field]: value } };
    });

  const insert = (name: string) => {
    const element = target === 'subject' ? subjectRef.current : bodyRef.current;
    const { text, caret } = insertAt(
      template[target] ?? '',
      element?.selectionStart,
      element?.selectionEnd,
      placeholderText(name),
    );
    pendingCaret.current = { field: target, caret };
    write(target, text);
  };

  const subjectId = domId(`${base}/subject`);
  const bodyId = domId(`${base}/body`);
  const targetName = target === 'subject' ? tr('l’objet', 'the subject') : tr('le message', 'the message');
  const title = emailLabel(key);

  return (
    <details className={`wf-email${count ? ' field--error' : ''}`} id={domId(base)}>
      <summary>
        {title}
        {' — '}
        {own ? tr('personnalisé', 'customised') : tr('modèle fourni', 'shipped template')}
        {count > 0 && <strong>{tr(` — ${count} problème(s)`, ` — ${count} problem(s)`)}</strong>}
      </summary>
      <p className="hint">
        {states.length
          ? tr(
              `Envoyé à l’entrée dans : ${states.map((s) => `« ${stateName(workflow, s)} »`).join(', ')}.`,
              `Sent on entering: ${states.map((s) => `“${stateName(workflow, s)}”`).join(', ')}.`,
            )
          : tr('Aucun état ne l’envoie pour le moment.', 'No state sends it at the moment.')}
      </p>
      <ProblemMessages id={block.errorId} items={block.items} />
      <div className={`field${subject.invalid ? ' field--error' : ''}`}>
        <label htmlFor={subjectId}>{tr(`Objet du courriel « ${title} »`, `Subject of “${title}”`)}</label>
        <ProblemMessages id={subject.errorId} items={subject.items} />
        <input
          id={subjectId}
          ref={subjectRef}
          type="text"
          autoComplete="off"
          maxLength={200}
          value={template.subject ?? ''}
          aria-invalid={subject.invalid || undefined}
          aria-describedby={subject.describedBy}
          onFocus={() => setTarget('subject')}
          onChange={(e) => write('subject', e.target.value)}
        />
      </div>
      <div className={`field${body.invalid ? ' field--error' : ''}`}>
        <label htmlFor={bodyId}>{tr(`Message du courriel « ${title} »`, `Message of “${title}”`)}</label>
        <ProblemMessages id={body.errorId} items={body.items} />
        <textarea
          id={bodyId}
          ref={bodyRef}
          rows={10}
          value={template.body ?? ''}
          aria-invalid={body.invalid || undefined}
          aria-describedby={body.describedBy}
          onFocus={() => setTarget('body')}
          onChange={(e) => write('body', e.target.value)}
        />
      </div>
      <fieldset className="wf-placeholders">
        <legend>
          {tr(
            `Variables à insérer dans ${targetName}, à l’emplacement du curseur`,
            `Variables to insert into ${targetName}, at the cursor`,
          )}
        </legend>
        <p className="hint">
          {tr(
            'Placez le curseur dans l’objet ou dans le message, puis choisissez une variable. Une variable sans valeur est laissée vide.',
            'Put the cursor in the subject or the message, then choose a variable. A variable without a value is left empty.',
          )}
        </p>
        <ul className="wf-placeholder-list">
          {PLACEHOLDERS.map((name) => (
            <li key={name}>
              <button
                type="button"
                className="button button--secondary button--small"
                aria-label={tr(
                  `Insérer ${placeholderText(name)} (${placeholderLabel(name)}) dans ${targetName} du courriel « ${title} »`,
                  `Insert ${placeholderText(name)} (${placeholderLabel(name)}) into ${targetName} of “${title}”`,
                )}
                onClick={() => insert(name)}
              >
                <code>{placeholderText(name)}</code>
              </button>{' '}
              <span className="hint">{placeholderLabel(name)}</span>
            </li>
          ))}
        </ul>
      </fieldset>
      {own && (
        <button
          type="button"
          className="button button--secondary button--small wf-danger"
          onClick={() => {
            update((w) => {
              const next = { ...(w.emails ?? {}) };
              delete next[key];
              if (Object.keys(next).length) w.emails = next;
              else delete w.emails;
            });
            say(
              shipped
                ? tr(
                    `Le courriel « ${title} » reprend le modèle fourni.`,
                    `“${title}” is back to the shipped template.`,
                  )
                : tr(`Modèle « ${key} » supprimé.`, `Template “${key}” removed.`),
            );
            if (!shipped) focusLater('#wf-emails-title');
          }}
        >
          {shipped
            ? tr(`Revenir au modèle fourni pour « ${title} »`, `Go back to the shipped template for “${title}”`)
            : tr(`Supprimer le modèle « ${key} »`, `Remove the template “${key}”`)}
        </button>
      )}
    </details>
  );
}
