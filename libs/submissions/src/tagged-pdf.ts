import PDFDocument from 'pdfkit';
import { useFonts } from './fonts';

export type BlockType = 'H1' | 'H2' | 'H3' | 'P';

/** A tagged PDF being written: each block is a structure element a screen reader reads in order. */
export interface TaggedPdf {
  doc: PDFKit.PDFDocument;
  /** Draws one block (a heading, a paragraph) inside its structure element. */
  block(type: BlockType, draw: () => void): void;
  /** Ends the structure and the document; resolves with its bytes. */
  finish(): Promise<Buffer>;
}

/**
 * A PDF that assistive technologies can read (PDF/UA's basics): tagged, with
 * a logical structure (Document → H1, H2, P…) in reading order, the
 * document's language (fr-FR) and its title shown in the reader's title bar,
 * in DejaVu Sans whose every glyph maps back to its text (see fonts.ts).
 */
export function taggedPdf(info: { title: string; author: string; subject: string }): TaggedPdf {
  const doc = new PDFDocument({
    size: 'A4',
    margin: 56,
    pdfVersion: '1.7',
    tagged: true,
    lang: 'fr-FR',
    displayTitle: true,
    info: { Title: info.title, Author: info.author, Subject: info.subject },
  });
  const chunks: Buffer[] = [];
  const done = new Promise<Buffer>((resolve, reject) => {
    doc.on('data', (c: Buffer) => chunks.push(c));
    doc.on('end', () => resolve(Buffer.concat(chunks)));
    doc.on('error', reject);
  });
  useFonts(doc as never);
  const root = doc.struct('Document');
  doc.addStructure(root);
  return {
    doc,
    block(type, draw) {
      // Attached to the root, the closure runs at once inside its marked content (page breaks included).
      root.add(doc.struct(type, {}, draw));
    },
    finish() {
      root.end();
      doc.end();
      return done;
    },
  };
}
