import { formatNumber, tr } from '../lib/i18n';

/** What a desk text area takes at most, as the API checks it (UTF-16 units, as `maxlength` and the server count). */
export const TEXT_MAX = 5000;

/**
 * The limit of a text area said beside it, instead of a `maxlength` that cuts a paste short without a word (10,000
 * characters pasted were sent as 5,000). Over it, what is too much is said as it changes (politely), the text
 * stays whole to be shortened or split, and the form refuses to send it (`overLimitMessage`).
 */
export function CharacterCount({ id, value }: { id: string; value: string }) {
  const over = value.length - TEXT_MAX;
  return (
    <p
      id={`${id}-compte`}
      className={over > 0 ? 'hint desk-count desk-count--over' : 'hint desk-count'}
      aria-live="polite"
    >
      {over > 0
        ? tr(
            `${formatNumber(over)} caractère${over > 1 ? 's' : ''} en trop : ${formatNumber(TEXT_MAX)} au plus.`,
            `${formatNumber(over)} character${over > 1 ? 's' : ''} too many: ${formatNumber(TEXT_MAX)} at most.`,
          )
        : tr(`${formatNumber(TEXT_MAX)} caractères au plus.`, `${formatNumber(TEXT_MAX)} characters at most.`)}
    </p>
  );
}

/** The error of a text over the limit, or null: nothing is sent, and nothing of it is cut. */
export function overLimitMessage(value: string): string | null {
  if (value.length <= TEXT_MAX) return null;
  return tr(
    `Le texte compte ${formatNumber(value.length)} caractères : ${formatNumber(TEXT_MAX)} au plus. Raccourcissez-le, ou envoyez-le en plusieurs fois ; rien n’a été envoyé.`,
    `The text has ${formatNumber(value.length)} characters: ${formatNumber(TEXT_MAX)} at most. Shorten it, or send it in parts; nothing was sent.`,
  );
}
