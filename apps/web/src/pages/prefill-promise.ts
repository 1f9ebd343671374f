import type { PrefillMapping } from '@guichet/shared';

const FR: Record<string, string> = {
  family_name: 'nom',
  given_name: 'prénom',
  preferred_username: 'nom d’usage',
  birthdate: 'date de naissance',
  birthplace: 'lieu de naissance',
  birthcountry: 'pays de naissance',
  gender: 'sexe',
  email: 'adresse électronique',
};
const EN: Record<string, string> = {
  family_name: 'surname',
  given_name: 'first name',
  preferred_username: 'usual name',
  birthdate: 'date of birth',
  birthplace: 'place of birth',
  birthcountry: 'country of birth',
  gender: 'sex',
  email: 'email address',
};

const list = (words: string[], and: string) =>
  words.length <= 1 ? (words[0] ?? '') : `${words.slice(0, -1).join(', ')} ${and} ${words[words.length - 1]}`;

/**
 * What signing in with FranceConnect fills for this service, from its own
 * prefill settings: a page promises only what the form does (« vos nom et
 * prénom seront remplis pour vous ; vous pourrez les corriger »).
 */
export function prefillPromise(prefill: readonly PrefillMapping[] | undefined, lang: 'fr' | 'en'): string {
  const claims = [...new Set((prefill ?? []).map((p) => p.claim))];
  const words = claims.map((c) => (lang === 'en' ? EN : FR)[c]).filter((w): w is string => !!w);
  const intro =
    lang === 'en'
      ? 'This service asks you to sign in with FranceConnect'
      : 'Cette démarche demande de vous identifier avec FranceConnect';
  if (words.length === 0) return `${intro}.`;
  const locked = (prefill ?? []).filter((p) => p.locked).length;
  const all = (prefill ?? []).length;
  if (lang === 'en') {
    const change =
      locked === all ? 'they cannot be changed' : locked === 0 ? 'you may correct them' : 'some cannot be changed';
    return `${intro}: your ${list(words, 'and')} will be filled in for you (${change}).`;
  }
  const change =
    locked === all
      ? 'ils ne pourront pas être modifiés'
      : locked === 0
        ? 'vous pourrez les corriger'
        : 'certains ne pourront pas être modifiés';
  return `${intro} : vos ${list(words, 'et')} seront remplis pour vous (${change}).`;
}
