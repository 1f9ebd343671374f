/**
 * How a commune's name is compared: without accents or case, punctuation as
 * spaces, and the abbreviations people type (« St », « Ste ») read as the
 * words the official names spell out (« Saint », « Sainte »). Shared by the
 * search and the submit-time check, so both agree on what « the same name »
 * means.
 */
const ABBREVIATIONS: Readonly<Record<string, string>> = { st: 'saint', ste: 'sainte', sts: 'saints', stes: 'saintes' };

export function normaliseName(text: string): string {
  const words = text
    .normalize('NFD')
    .replace(/[\u0300-\u036f]/g, '')
    .toLowerCase()
    .replace(/œ/g, 'oe')
    .replace(/æ/g, 'ae')
    .replace(/[^a-z0-9]+/g, ' ')
    .trim()
    .split(' ')
    .filter(Boolean);
  return words.map((w) => ABBREVIATIONS[w] ?? w).join(' ');
}
