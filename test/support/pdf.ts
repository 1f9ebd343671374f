import { execFileSync } from 'node:child_process';

/** A PDF's text as `pdftotext` extracts it (what a screen reader reads), whitespace folded. */
export const pdfText = (pdf: Buffer): string =>
  execFileSync('pdftotext', ['-', '-'], { input: pdf }).toString('utf8').replace(/\s+/g, ' ');

/** `pdfinfo`'s report (`Tagged: yes`, title, …). */
export const pdfInfo = (pdf: Buffer): string => execFileSync('pdfinfo', ['-'], { input: pdf }).toString('utf8');
