import { readFileSync } from 'node:fs';
import { join } from 'node:path';
import * as fontkit from 'fontkit';

const FONT_DIR = join(require.resolve('dejavu-fonts-ttf/package.json'), '..', 'ttf');

type Font = fontkit.Font;
let fonts: { regular: Font; bold: Font } | undefined;

/**
 * DejaVu Sans, parsed once per process. Handing pdfkit the parsed fonts
 * instead of their files saves about 30 ms of CPU per PDF (it re-parses a
 * file on every document); each document still embeds its own subset.
 */
export function pdfFonts(): { regular: Font; bold: Font } {
  fonts ??= {
    regular: fontkit.create(readFileSync(join(FONT_DIR, 'DejaVuSans.ttf'))) as Font,
    bold: fontkit.create(readFileSync(join(FONT_DIR, 'DejaVuSans-Bold.ttf'))) as Font,
  };
  return fonts;
}

/** Registers the two fonts on a pdfkit document as `regular` and `bold`. */
export function useFonts(doc: { registerFont(name: string, src: never): unknown }): void {
  const { regular, bold } = pdfFonts();
  doc.registerFont('regular', regular as never);
  doc.registerFont('bold', bold as never);
}
