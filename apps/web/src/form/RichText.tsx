import { lazy, Suspense, type ReactNode } from 'react';

/** Marks that make a text Markdown rather than plain words. */
const MARKDOWN = /[*_`#[\]]|\n\s*[-*+\d]/;

const MarkdownText = lazy(() => import('./MarkdownText'));

/**
 * A title or description as RJSF shows it: Markdown, rendered to React
 * elements (never HTML injected), raw HTML left as text, images reduced to
 * their alternative text (nothing is loaded from elsewhere), headings
 * flattened so they do not break the page's outline. Plain text, the common
 * case, loads nothing.
 */
export function RichText({ text, id, className }: { text: string; id?: string; className?: string }): ReactNode {
  if (!MARKDOWN.test(text))
    return (
      <p className={className} id={id}>
        {text}
      </p>
    );
  return (
    <div className={className} id={id}>
      <Suspense fallback={<p>{text}</p>}>
        <MarkdownText text={text} />
      </Suspense>
    </div>
  );
}
