/**
 * Titles and descriptions may carry a little Markdown (RJSF renders it in
 * descriptions). Where only text can go (a PDF, an email, a spreadsheet, a
 * label), it is read as plain text: emphasis marks, link targets, code ticks
 * and heading marks go, the words stay. HTML-like text (« <b> », « <16A> »)
 * stays as written: RJSF shows it as text, and so does the page (Markdown is
 * rendered with raw HTML left as text), so the receipt, the desk and the
 * labels say what the citizen read.
 */
export function plainText(markdown: string): string {
  if (!/[*_`#[\]\\<]/.test(markdown)) return markdown;
  // Escaped characters (`\*`) are words, not marks: set aside before the marks are read, put back after.
  const escaped: string[] = [];
  const text = markdown.replace(/\\([\\`*_{}[\]()#+\-.!<>])/g, (_, c: string) => {
    escaped.push(c);
    return `\uE000${escaped.length - 1}\uE001`;
  });
  return (
    text
      .replace(/!\[([^\]]*)\]\([^)]*\)/g, '$1')
      .replace(/\[([^\]]+)\]\([^)]*\)/g, '$1')
      .replace(/^\s{0,3}#{1,6}\s+/gm, '')
      .replace(/(\*\*|__)(?=\S)([^]*?\S)\1/g, '$2')
      .replace(/\*(?=\S)([^*]*?\S)\*/g, '$1')
      // Underscores inside a word (`mon_champ`) are not emphasis, as in CommonMark.
      .replace(/(^|[^\w])_(?=\S)([^_]*?\S)_(?![\w])/g, '$1$2')
      .replace(/`([^`]*)`/g, '$1')
      // An autolink keeps its address (Markdown draws it as a link); any other « <…> » is text.
      .replace(/<((?:https?:|mailto:)[^>\s]+)>/g, '$1')
      .replace(/\uE000(\d+)\uE001/g, (_, i: string) => escaped[Number(i)]!)
  );
}
