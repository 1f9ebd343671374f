import { formatNumber, tr } from '../lib/i18n';
import { onLinkClick } from '../lib/router';
import { TAB_LABELS } from './common';
import { hrefOf, type InboxState } from './inbox-state';
import { TABS, type TabCounts } from '@guichet/shared';

/** The tabs, each with its count; changing tab keeps the filters, not the order nor the page. */
export function InboxTabs({ slug, state, counts }: { slug: string; state: InboxState; counts: TabCounts }) {
  return (
    <nav className="desk-tabs" aria-label={tr('Onglets des demandes', 'Request tabs')}>
      <ul>
        {TABS.map((tab) => (
          <li key={tab}>
            <a
              href={hrefOf(slug, { ...state, tab, sort: undefined, cursor: '' })}
              onClick={onLinkClick}
              aria-current={tab === state.tab ? 'page' : undefined}
            >
              {TAB_LABELS[tab]()} <span className="desk-tab-count">{formatNumber(counts[tab])}</span>
            </a>
          </li>
        ))}
      </ul>
    </nav>
  );
}

/** Back to the first page and on to the next one (the API pages by cursor: there is no page number). */
export function InboxPages({
  slug,
  state,
  nextCursor,
}: {
  slug: string;
  state: InboxState;
  nextCursor: string | null;
}) {
  if (!nextCursor && !state.cursor) return null;
  return (
    <nav className="desk-pages" aria-label={tr('Pages de demandes', 'Pages of requests')}>
      <ul>
        {state.cursor && (
          <li>
            <a href={hrefOf(slug, { ...state, cursor: '' })} onClick={onLinkClick}>
              {tr('Revenir à la première page', 'Back to the first page')}
            </a>
          </li>
        )}
        {nextCursor && (
          <li>
            <a href={hrefOf(slug, { ...state, cursor: nextCursor })} onClick={onLinkClick}>
              {tr('Page suivante', 'Next page')}
            </a>
          </li>
        )}
      </ul>
    </nav>
  );
}
