import { ValidateBy, type ValidationOptions } from 'class-validator';
import { trimText } from '@guichet/shared';

/**
 * A text that shows something: not only white space or zero-width characters (`trimText`, the same reading as
 * answers, messages and motivations). `@Length(1, …)` counts a zero-width space (U+200B) as one character; a title or a closing
 * message made of it would be shown to citizens as nothing.
 */
export function NotBlank(options?: ValidationOptions): PropertyDecorator {
  return ValidateBy(
    {
      name: 'notBlank',
      validator: {
        validate: (value: unknown) => typeof value !== 'string' || trimText(value) !== '',
        defaultMessage: () => 'Ce texte est vide : écrivez au moins un caractère visible.',
      },
    },
    options,
  );
}
