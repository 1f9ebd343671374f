import { useEffect } from 'react';

/** Each page, and each step of a form, has its own title (RGAA 8.6). */
export function usePageTitle(title: string): void {
  useEffect(() => {
    document.title = `${title} — Guichet`;
  }, [title]);
}
