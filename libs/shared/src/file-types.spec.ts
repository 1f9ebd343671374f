import { fileTypesText } from './file-types';

describe('accepted file types in words', () => {
  it('names types as people do, grouped by kind', () => {
    expect(fileTypesText(['application/pdf', 'image/*'])).toBe('PDF ou image');
    expect(
      fileTypesText([
        'application/pdf',
        'application/vnd.oasis.opendocument.spreadsheet',
        'application/vnd.openxmlformats-officedocument.spreadsheetml.sheet',
      ]),
    ).toBe('PDF ou tableur ODS ou XLSX');
    expect(fileTypesText(['image/jpeg', 'image/png', '.dwg'])).toBe('image JPEG ou PNG ou DWG');
    expect(fileTypesText(['application/x-unknown-thing'])).toBe('THING');
  });
});
