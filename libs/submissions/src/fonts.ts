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
    regular: withTextForEveryGlyph(fontkit.create(readFileSync(join(FONT_DIR, 'DejaVuSans.ttf'))) as Font),
    bold: withTextForEveryGlyph(fontkit.create(readFileSync(join(FONT_DIR, 'DejaVuSans-Bold.ttf'))) as Font),
  };
  return fonts;
}

/**
 * A shared font caches each glyph with the characters it was first made for,
 * and pdfkit writes those characters in the PDF's ToUnicode map, which is how
 * text extraction and screen readers read a glyph back. Subsetting a document
 * makes the parts of composite glyphs (the E of « É », the K of « Ķ ») with no
 * characters at all: a later document of the same process then drew « E » and
 * « K » that read as nothing (« ssai », « GCH-86JJ-A D »). Making every mapped
 * glyph first from its character, lowest code point first, once per process
 * (about 20 ms), keeps every glyph readable in every document.
 */
function withTextForEveryGlyph(font: Font): Font {
  for (const codePoint of [...font.characterSet].sort((a, b) => a - b)) {
    const glyph = font.glyphForCodePoint(codePoint) as { codePoints: number[] };
    // A ligature (ﬁ, ﬂ, ﬀ…) reads as its letters, as the layout that forms it from « f » and « i » would say.
    if (codePoint >= 0xfb00 && codePoint <= 0xfb06)
      glyph.codePoints = [...String.fromCodePoint(codePoint).normalize('NFKD')].map((c) => c.codePointAt(0)!);
  }
  return font;
}

/** Registers the two fonts on a pdfkit document as `regular` and `bold`. */
export function useFonts(doc: { registerFont(name: string, src: never): unknown }): void {
  const { regular, bold } = pdfFonts();
  doc.registerFont('regular', regular as never);
  doc.registerFont('bold', bold as never);
}
