/**
 * One answer as a person reads it (choice labels, Oui/Non, dates and numbers
 * in French, file names), and the options every answer formatter takes.
 */
import { dataUrlName, type FieldModel } from './field-model';
import type { SchemaSemantics } from './schema-semantics';

export interface AnswerFormatOptions {
  locale?: 'fr' | 'en';
  /** Pointers the visibility rules hide for these answers: not shown. */
  hidden?: ReadonlySet<string>;
  /** RJSF's semantics, for definitions with conditions or alternatives (`needsSemantics`). */
  semantics?: SchemaSemantics;
  /** A file's name from its attachment id; « Pièce jointe fournie » when unknown. */
  fileName?: (attachmentId: string) => string | undefined;
  /** A date (`YYYY-MM-DD`) in words; default `JJ/MM/AAAA`. */
  formatDate?: (iso: string) => string;
  /** Also list fields with no answer (the review page says « Non renseigné »). */
  includeEmpty?: boolean;
}

const FR = { yes: 'Oui', no: 'Non', file: 'Pièce jointe fournie', item: 'Élément', choice: 'Choisissez une option' };
const EN = { yes: 'Yes', no: 'No', file: 'Attached file', item: 'Item', choice: 'Choose an option' };

/** The few words an answer is told with, in the options' language. */
export const wordsFor = (options: AnswerFormatOptions) => (options.locale === 'en' ? EN : FR);

function defaultDate(iso: string): string {
  const match = /^(\d{4})-(\d{2})-(\d{2})$/.exec(iso);
  return match ? `${match[3]}/${match[2]}/${match[1]}` : iso;
}

function dateTime(iso: string, locale: 'fr' | 'en'): string {
  const date = new Date(iso);
  if (Number.isNaN(date.getTime())) return iso;
  return DATE_TIME[locale].format(date);
}

/**
 * Every decimal the citizen gave (`toLocaleString` keeps three: a latitude 47.9029 read back « 47,903 »),
 * grouped by thousands as people read numbers.
 */
const NUMBER = {
  fr: new Intl.NumberFormat('fr-FR', { maximumFractionDigits: 20 }),
  en: new Intl.NumberFormat('en-GB', { maximumFractionDigits: 20 }),
};

/** Built once: a formatter costs far more to make than to use. */
const DATE_TIME = {
  fr: new Intl.DateTimeFormat('fr-FR', { dateStyle: 'long', timeStyle: 'short', timeZone: 'Europe/Paris' }),
  en: new Intl.DateTimeFormat('en-GB', { dateStyle: 'long', timeStyle: 'short', timeZone: 'Europe/Paris' }),
};

/** One answer as a person reads it: choice labels, Oui/Non, dates in French, numbers grouped, file names. */
export function answerText(model: FieldModel, value: unknown, options: AnswerFormatOptions = {}): string {
  const words = wordsFor(options);
  if (value === undefined || value === null || value === '') return '';
  if (model.kind === 'file' || model.kind === 'files') {
    const ids = Array.isArray(value) ? value : [value];
    return ids
      .map((id) =>
        typeof id === 'string' && id.startsWith('data:')
          ? (dataUrlName(id) ?? words.file)
          : (options.fileName?.(String(id)) ?? words.file),
      )
      .join(', ');
  }
  const label = (v: unknown) => model.options.find((o) => o.value === v)?.label;
  if (Array.isArray(value)) return value.map((v) => label(v) ?? scalarText(model, v, options)).join(', ');
  return label(value) ?? scalarText(model, value, options);
}

function scalarText(model: FieldModel, value: unknown, options: AnswerFormatOptions): string {
  const words = wordsFor(options);
  if (typeof value === 'boolean') return value ? words.yes : words.no;
  if (typeof value === 'number')
    return model.inputType === 'range' || model.kind === 'number' || model.kind === 'integer'
      ? NUMBER[options.locale ?? 'fr'].format(value)
      : String(value);
  if (typeof value === 'string') {
    if (model.inputType === 'date') return (options.formatDate ?? defaultDate)(value);
    if (model.inputType === 'datetime-local') return dateTime(value, options.locale ?? 'fr');
    if (model.inputType === 'password') return '••••••••';
    return value;
  }
  return typeof value === 'object' ? JSON.stringify(value) : String(value);
}
