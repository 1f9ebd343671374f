import type { EmailTemplate } from './types';

/** `{{name}}`, spaces allowed inside the braces; one space before it is captured so an empty value can take it away. */
const PLACEHOLDER = /( ?)\{\{\s*([A-Za-z][A-Za-z0-9_]{0,39})\s*\}\}/g;
// eslint-disable-next-line no-control-regex -- control characters are exactly what a subject must lose
const LINE_BREAKS = /[\r\n\u0000\u000b\u000c\u0085\u2028\u2029]+/g;

/** The placeholder names a text uses, in order of first appearance. */
export function placeholdersIn(text: string): string[] {
  const names = new Set<string>();
  for (const m of text.matchAll(PLACEHOLDER)) names.add(m[2]!);
  return [...names];
}

function fill(text: string, vars: Record<string, string>): string {
  return text.replace(PLACEHOLDER, (match: string, space: string, name: string, offset: number) => {
    const raw =
      vars && Object.prototype.hasOwnProperty.call(vars, name) ? (vars as Record<string, unknown>)[name] : undefined;
    const value = typeof raw === 'string' ? raw : typeof raw === 'number' ? String(raw) : '';
    // "Bonjour {{givenName}}," reads "Bonjour," when the citizen's name is unknown.
    const next = text[offset + match.length];
    if (value === '' && space && (next === undefined || next === ',' || next === '.' || next === '\n' || next === '\r'))
      return '';
    return space + value;
  });
}

/**
 * Fills an email template: every `{{name}}` becomes `vars[name]`, inserted
 * as it is (the email is plain text, and a value is never expanded again),
 * or nothing when `vars` has no such name. Line breaks are removed from the
 * subject, whatever brought them (the template or a value): a subject is a
 * mail header, and a line break in it would start another header.
 */
export function renderTemplate(template: EmailTemplate, vars: Record<string, string>): EmailTemplate {
  const subject = fill(String(template.subject ?? ''), vars)
    .replace(LINE_BREAKS, ' ')
    .trim();
  return { subject, body: fill(String(template.body ?? ''), vars) };
}
