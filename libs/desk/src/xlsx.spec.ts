import { randomBytes } from 'node:crypto';
import { inflateRawSync } from 'node:zlib';
import { ZipWriter, crc32, readZip } from './xlsx-zip';
import { XlsxWriter, cellText, columnName, xmlText } from './xlsx';

async function collect(make: (out: (chunk: Buffer) => Promise<void>) => Promise<void>): Promise<Buffer> {
  const chunks: Buffer[] = [];
  await make(async (chunk) => {
    chunks.push(Buffer.from(chunk));
  });
  return Buffer.concat(chunks);
}

/**
 * Walks the archive from the front, as a streaming reader would, without the
 * central directory: local header, deflated data (inflateRaw stops at the end
 * of the deflate stream), then the data descriptor with CRC-32 and sizes.
 */
function walkLocalEntries(archive: Buffer): Array<{ name: string; data: Buffer; crc: number }> {
  const entries: Array<{ name: string; data: Buffer; crc: number }> = [];
  let at = 0;
  while (archive.readUInt32LE(at) === 0x04034b50) {
    expect(archive.readUInt16LE(at + 6) & 0x0008).toBe(0x0008);
    const nameLength = archive.readUInt16LE(at + 26);
    const name = archive.toString('utf8', at + 30, at + 30 + nameLength);
    const dataAt = at + 30 + nameLength + archive.readUInt16LE(at + 28);
    // Find the descriptor: the first signature after the data whose compressed size lands on it.
    let end = dataAt;
    for (;;) {
      end = archive.indexOf(Buffer.from([0x50, 0x4b, 0x07, 0x08]), end);
      if (end < 0) throw new Error(`no data descriptor for ${name}`);
      if (archive.readUInt32LE(end + 8) === end - dataAt) break;
      end++;
    }
    const data = inflateRawSync(archive.subarray(dataAt, end));
    expect(data.length).toBe(archive.readUInt32LE(end + 12));
    entries.push({ name, data, crc: archive.readUInt32LE(end + 4) });
    at = end + 16;
  }
  expect(archive.readUInt32LE(at)).toBe(0x02014b50);
  return entries;
}

describe('CRC-32', () => {
  it('gives the known checks', () => {
    expect(crc32('')).toBe(0);
    expect(crc32('123456789')).toBe(0xcbf43926);
    expect(crc32('The quick brown fox jumps over the lazy dog')).toBe(0x414fa339);
    expect(crc32(Buffer.from('a'))).toBe(0xe8b7be43);
    // Continued over pieces, it is the CRC of the whole.
    expect(crc32('6789', crc32('12345'))).toBe(0xcbf43926);
  });
});

describe('ZipWriter', () => {
  it('writes an archive that node’s inflate reads back, through the central directory and from the front', async () => {
    const big = 'Référence;Décidée le;Élodie Lefèvre — 漢字 🎉\n'.repeat(20_000);
    const archive = await collect(async (out) => {
      const zip = new ZipWriter(out, { now: new Date('2026-03-04T05:06:08Z') });
      await zip.begin('a.txt');
      await zip.write('bonjour ');
      await zip.write(Buffer.from('à tous'));
      await zip.begin('dossier/é.txt');
      for (let i = 0; i < big.length; i += 7000) await zip.write(big.slice(i, i + 7000));
      await zip.begin('vide.txt');
      await zip.finish();
    });
    const entries = readZip(archive);
    expect(entries.map((e) => e.name)).toEqual(['a.txt', 'dossier/é.txt', 'vide.txt']);
    expect(entries[0]!.data.toString()).toBe('bonjour à tous');
    expect(entries[1]!.data.toString()).toBe(big);
    expect(entries[2]!.data.length).toBe(0);
    const walked = walkLocalEntries(archive);
    expect(walked.map((e) => [e.name, e.data.toString(), e.crc])).toEqual(
      entries.map((e) => [e.name, e.data.toString(), crc32(e.data)]),
    );
    // Compressed: 20,000 similar lines take a few kilobytes.
    expect(archive.length).toBeLessThan(big.length / 50);
    // The date in the headers (MS-DOS format): 2026-03-04 05:06:08.
    expect(archive.readUInt16LE(12)).toBe(((2026 - 1980) << 9) | (3 << 5) | 4);
    expect(archive.readUInt16LE(10)).toBe((5 << 11) | (6 << 5) | 4);
  });

  it('waits for a slow consumer (its promise) before writing more', async () => {
    let pending = 0;
    let most = 0;
    await collect(async () => {
      const zip = new ZipWriter(async () => {
        pending++;
        most = Math.max(most, pending);
        await new Promise((resolve) => setTimeout(resolve, 1));
        pending--;
      });
      await zip.begin('x');
      for (let i = 0; i < 20; i++) await zip.write(Buffer.alloc(64 * 1024, i));
      await zip.finish();
    });
    expect(most).toBe(1);
  });

  it('fails, not hangs, when its consumer fails (a download cut mid-way)', async () => {
    let calls = 0;
    const zip = new ZipWriter(async () => {
      if (++calls > 2) throw new Error('client gone');
    });
    await zip.begin('x');
    const writing = (async () => {
      // Incompressible: the output fills the buffers, so the writes wait for a drain that never comes.
      for (let i = 0; i < 200; i++) await zip.write(randomBytes(64 * 1024));
      await zip.finish();
    })();
    await expect(writing).rejects.toThrow('client gone');
    zip.abort();
  });
});

describe('XLSX cells', () => {
  it('names columns like a spreadsheet', () => {
    expect([0, 1, 25, 26, 27, 51, 52, 701, 702].map(columnName)).toEqual([
      'A',
      'B',
      'Z',
      'AA',
      'AB',
      'AZ',
      'BA',
      'ZZ',
      'AAA',
    ]);
  });

  it('escapes XML, drops what XML cannot hold, keeps _xHHHH_ literal', () => {
    expect(xmlText('a < b & c > d')).toBe('a &lt; b &amp; c &gt; d');
    expect(xmlText('bip\u0007 \uD800 ok \uD83D\uDE00')).toBe('bip\uFFFD \uFFFD ok \uD83D\uDE00');
    expect(xmlText('_x0041_')).toBe('_x005F_x0041_');
    expect(xmlText('Élodie')).toBe('Élodie');
  });

  it('neutralises text a spreadsheet would read as a formula, like the CSV', () => {
    expect(['=1+1', '+33', '-2', '@SUM(A1)', '\tx', '\rx', 'ok'].map(cellText)).toEqual([
      "'=1+1",
      "'+33",
      "'-2",
      "'@SUM(A1)",
      "'\tx",
      "'\rx",
      'ok',
    ]);
    expect(cellText('x'.repeat(40_000))).toHaveLength(32_767);
  });

  it('writes a workbook: header, inline strings, numbers, dates, a new sheet past the row limit', async () => {
    const archive = await collect(async (out) => {
      const xlsx = new XlsxWriter(
        out,
        [{ title: 'Nom' }, { title: 'Montant' }, { title: 'Déposée le' }, { title: 'Jour' }],
        {
          sheetName: 'Demandes',
          maxRowsPerSheet: 2,
        },
      );
      await xlsx.start();
      xlsx.add(['Élodie', 12.5, new Date('2026-01-15T09:30:00Z'), { day: '2026-02-01' }]);
      xlsx.add(['=HYPERLINK("x")', -3, null, { day: 'pas une date' }]);
      await xlsx.flush();
      xlsx.add([' espace ', undefined, new Date('2026-07-01T12:00:00Z'), { day: '1899-12-31' }]);
      await xlsx.finish();
    });
    const files = Object.fromEntries(readZip(archive).map((e) => [e.name, e.data.toString('utf8')]));
    expect(Object.keys(files).sort()).toEqual([
      '[Content_Types].xml',
      '_rels/.rels',
      'xl/_rels/workbook.xml.rels',
      'xl/styles.xml',
      'xl/workbook.xml',
      'xl/worksheets/sheet1.xml',
      'xl/worksheets/sheet2.xml',
    ]);
    const one = files['xl/worksheets/sheet1.xml']!;
    expect(one).toContain('<c r="A1" t="inlineStr" s="1"><is><t>Nom</t></is></c>');
    expect(one).toContain('<c r="A2" t="inlineStr"><is><t>Élodie</t></is></c><c r="B2"><v>12.5</v></c>');
    // 09:30 UTC is 10:30 in Paris in January: 46037 + 10.5/24.
    const serial = (xml: string, ref: string) =>
      Number(new RegExp(`<c r="${ref}" s="2"><v>([0-9.]+)</v>`).exec(xml)?.[1]);
    expect(serial(one, 'C2')).toBeCloseTo(46037 + 10.5 / 24, 9);
    expect(one).toContain('<c r="D2" s="3"><v>46054</v></c>');
    expect(one).toContain(`<c r="A3" t="inlineStr"><is><t>'=HYPERLINK("x")</t></is></c><c r="B3"><v>-3</v></c>`);
    expect(one).toContain('<c r="D3" t="inlineStr"><is><t>pas une date</t></is></c>');
    expect(one).not.toContain('<f>');
    const two = files['xl/worksheets/sheet2.xml']!;
    expect(two).toContain('<row r="1"><c r="A1" t="inlineStr" s="1"><is><t>Nom</t>');
    expect(two).toContain('<c r="A2" t="inlineStr"><is><t xml:space="preserve"> espace </t></is></c>');
    // Summer time: 12:00 UTC is 14:00 in Paris.
    expect(serial(two, 'C2')).toBeCloseTo(46204 + 14 / 24, 9);
    expect(two).toContain('<c r="D2" t="inlineStr"><is><t>1899-12-31</t></is></c>');
    expect(files['xl/workbook.xml']).toContain('<sheet name="Demandes" sheetId="1" r:id="rId1"/>');
    expect(files['xl/workbook.xml']).toContain('<sheet name="Demandes 2" sheetId="2" r:id="rId2"/>');
    expect(files['[Content_Types].xml']).toContain('/xl/worksheets/sheet2.xml');
  });
});
