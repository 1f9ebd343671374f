import { accepted, fieldSchema, referencedAttachments, sniffMediaType, storedFilename } from './attachments';

describe('attachments', () => {
  it('reads the type from the content, not the name', () => {
    expect(sniffMediaType(Buffer.from('%PDF-1.7\n'))).toBe('application/pdf');
    expect(sniffMediaType(Buffer.from([0x89, 0x50, 0x4e, 0x47, 0x0d, 0x0a, 0x1a, 0x0a, 0]))).toBe('image/png');
    expect(sniffMediaType(Buffer.from([0xff, 0xd8, 0xff, 0xe0]))).toBe('image/jpeg');
    expect(sniffMediaType(Buffer.from('GIF89a'))).toBe('image/gif');
    expect(sniffMediaType(Buffer.from('RIFF\0\0\0\0WEBPVP8 '))).toBe('image/webp');
    for (const other of ['MZ\x90\0', '<html>', 'PK\x03\x04', '', '%PD'])
      expect(sniffMediaType(Buffer.from(other, 'latin1'))).toBeUndefined();
  });

  it('matches accept lists with wildcards', () => {
    expect(accepted(['application/pdf', 'image/*'], 'image/png')).toBe(true);
    expect(accepted(['application/pdf'], 'image/png')).toBe(false);
    expect(accepted(['image/*'], 'imagery/png')).toBe(false);
  });

  const schema = {
    type: 'object',
    properties: {
      certificate: { type: 'string', 'x-file': { accept: ['application/pdf'] } },
      photos: {
        type: 'array',
        items: { type: 'object', properties: { file: { type: 'string', 'x-file': {} }, caption: { type: 'string' } } },
      },
    },
  };

  it('finds the field a pointer designates, through repeatable blocks', () => {
    expect(fieldSchema(schema, '/photos/2/file')).toEqual({ type: 'string', 'x-file': {} });
    expect(fieldSchema(schema, '/nope')).toBeUndefined();
  });

  it('lists every attachment the answers refer to', () => {
    const data = { certificate: 'a', photos: [{ file: 'b', caption: 'x' }, { caption: 'y' }], other: 'c' };
    expect(referencedAttachments(schema, data)).toEqual([
      { pointer: '/certificate', id: 'a' },
      { pointer: '/photos/0/file', id: 'b' },
    ]);
  });
});

describe('storedFilename', () => {
  it('keeps a name whose extension is its type’s, in any case', () => {
    expect(storedFilename('relevé d’identité.pdf', 'application/pdf')).toBe('relevé d’identité.pdf');
    expect(storedFilename('IMG_0001.JPEG', 'image/jpeg')).toBe('IMG_0001.JPEG');
  });

  it('gives the type’s extension to a name without one or with another (a renamed program, a HEIC made JPEG)', () => {
    expect(storedFilename('certificat.exe', 'application/pdf')).toBe('certificat.exe.pdf');
    expect(storedFilename('certificat', 'application/pdf')).toBe('certificat.pdf');
    expect(storedFilename('photo.heic', 'image/jpeg')).toBe('photo.heic.jpg');
    expect(storedFilename('.', 'image/png')).toBe('fichier.png');
    expect(storedFilename('', 'application/pdf')).toBe('fichier.pdf');
  });

  it('cuts a long name to 200 characters without losing its extension', () => {
    const kept = storedFilename(`${'é'.repeat(300)}.pdf`, 'application/pdf');
    expect(Array.from(kept)).toHaveLength(200);
    expect(kept.endsWith('é.pdf')).toBe(true);
  });
});
