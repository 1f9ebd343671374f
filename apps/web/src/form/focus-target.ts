import { idOf } from './model';

/** The pointer of the element to focus for an error: the field, or its nearest rendered container. */
export function focusTargetOf(pointer: string): HTMLElement | null {
  let p = pointer;
  for (;;) {
    const element = document.getElementById(idOf(p));
    if (element) {
      // A group of radios or checkboxes: its first choice (or the checked one).
      if (element.tagName === 'FIELDSET') {
        const choice =
          element.querySelector<HTMLElement>('input:checked') ??
          element.querySelector<HTMLElement>('input, select, textarea');
        return choice ?? element;
      }
      return element;
    }
    if (p === '') return null;
    p = p.slice(0, p.lastIndexOf('/'));
  }
}
