/** How the desk's forms mark a field in error; the message itself is the citizen forms' ErrorMessage. */

export function fieldClass(error: string | undefined): string {
  return `field${error ? ' field--error' : ''}`;
}

/** aria-invalid and aria-describedby of a field that may be in error, with its hint if any. */
export function described(id: string, error: string | undefined, hint = false, count = false) {
  const ids = [hint && `${id}-aide`, count && `${id}-compte`, error && `${id}-erreur`].filter(Boolean).join(' ');
  return { 'aria-invalid': error ? true : undefined, 'aria-describedby': ids || undefined };
}
