/**
 * Titles and descriptions may carry a little Markdown (RJSF renders it in
 * descriptions). Where only text can go (a PDF, an email, a spreadsheet, a
 * label), it is read as plain text: emphasis marks, link targets, code ticks
 * and heading marks go, the words stay.
 */
export function plainText(markdown: string): string {
  if (!/[*_`#[\]\\]/.test(markdown)) return markdown;
  return (
    markdown
      .replace(/!\[([^\]]*)\]\([^)]*\)/g, '$1')
      .replace(/\[([^\]]+)\]\([^)]*\)/g, '$1')
      .replace(/^\s{0,3}#{1,6}\s+/gm, '')
      .replace(/(\*\*|__)(?=\S)([^]*?\S)\1/g, '$2')
      .replace(/\*(?=\S)([^*]*?\S)\*/g, '$1')
      // Underscores inside a word (`mon_champ`) are not emphasis, as in CommonMark.
      .replace(/(^|[^\w])_(?=\S)([^_]*?\S)_(?![\w])/g, '$1$2')
      .replace(/`([^`]*)`/g, '$1')
      .replace(/\\([\\`*_{}[\]()#+\-.!])/g, '$1')
  );
}
