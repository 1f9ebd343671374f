import { forwardRef } from 'react';
import type { ErrorItem } from '@guichet/shared';
import { tr } from '../lib/i18n';
import { focusTargetOf } from './fields';
import { idOf } from './model';

export interface SummaryItem extends ErrorItem {
  label: string;
}

/**
 * The error summary at the top of a step (RGAA 11.10, DSFR's pattern): it
 * takes focus when a step fails, names each field, and each link puts the
 * focus on its field — on the first radio of a group, not on the fieldset.
 */
export const ErrorSummary = forwardRef<HTMLDivElement, { items: SummaryItem[] }>(function ErrorSummary({ items }, ref) {
  if (items.length === 0) return null;
  return (
    <div className="error-summary" role="alert" tabIndex={-1} ref={ref} aria-labelledby="resume-erreurs-titre">
      <h2 id="resume-erreurs-titre">
        {items.length === 1
          ? tr('Il y a une erreur sur cette page', 'There is a problem on this page')
          : tr(`Il y a ${items.length} erreurs sur cette page`, `There are ${items.length} problems on this page`)}
      </h2>
      <ul>
        {items.map((item, i) => (
          <li key={i}>
            {item.pointer ? (
              <a
                // The control the link focuses when it is on the page (a commune's search for its missing name, the
                // first radio of a group), so that the anchor exists without script too; the pointer's id otherwise.
                href={`#${focusTargetOf(item.pointer)?.id || idOf(item.pointer)}`}
                onClick={(event) => {
                  event.preventDefault();
                  const target = focusTargetOf(item.pointer!);
                  target?.focus();
                  target?.scrollIntoView({ block: 'center' });
                }}
              >
                {item.label} : {item.message}
              </a>
            ) : (
              item.message
            )}
          </li>
        ))}
      </ul>
    </div>
  );
});
