/**
 * French first, English available. The choice is kept in the browser and
 * sent to the API as Accept-Language, so server messages (422 errors) come
 * back in the same language as the page.
 */
export type Lang = 'fr' | 'en';

const STORAGE_KEY = 'guichet.lang';

// Typed by hand, not through the DOM library: unit specs reach this module from the server's type check.
const browser = globalThis as unknown as {
  localStorage: { getItem(key: string): string | null; setItem(key: string, value: string): void };
  location: { reload(): void };
};

function initialLang(): Lang {
  try {
    const stored = browser.localStorage.getItem(STORAGE_KEY);
    if (stored === 'fr' || stored === 'en') return stored;
  } catch {
    // Storage refused (private mode): French.
  }
  return 'fr';
}

export const lang: Lang = initialLang();

/** The text in the page's language: `tr('Continuer', 'Continue')`. */
export function tr(fr: string, en: string): string {
  return lang === 'en' ? en : fr;
}

export function setLang(next: Lang): void {
  try {
    browser.localStorage.setItem(STORAGE_KEY, next);
  } catch {
    // Nothing to keep it in: the page still switches.
  }
  browser.location.reload();
}

const locale = () => (lang === 'en' ? 'en-GB' : 'fr-FR');

/** 2 mars 2026 */
export function formatDate(iso: string | null | undefined): string {
  if (!iso) return '';
  const date = /^\d{4}-\d{2}-\d{2}$/.test(iso) ? new Date(`${iso}T12:00:00`) : new Date(iso);
  if (Number.isNaN(date.getTime())) return iso;
  return new Intl.DateTimeFormat(locale(), { dateStyle: 'long' }).format(date);
}

/** 2 mars 2026 à 14 h 32 */
export function formatDateTime(iso: string | null | undefined): string {
  if (!iso) return '';
  const date = new Date(iso);
  if (Number.isNaN(date.getTime())) return iso;
  return `${formatDate(iso)} ${tr('à', 'at')} ${formatTime(date)}`;
}

/** 14 h 32 (French typography), 14:32 in English. */
export function formatTime(date: Date): string {
  const h = date.getHours();
  const m = String(date.getMinutes()).padStart(2, '0');
  return lang === 'en' ? `${String(h).padStart(2, '0')}:${m}` : `${h} h ${m}`;
}

export function formatNumber(value: number): string {
  return new Intl.NumberFormat(locale()).format(value);
}
