import { describe, expect, it } from 'vitest';
import { forwardMail, resendMail, writeMail } from '../../../fixtures/mail/write-mail.ts';
import { collectFiles } from './collect-files.ts';

describe('collectFiles', () => {
  it('takes PDF, PNG and XML but not a text file or the inline logo', async () => {
    const mail = await collectFiles((await writeMail('several', 1)).raw);
    expect(mail.files.map((f) => [f.fileName, f.mediaType])).toEqual([
      ['invoice.pdf', 'application/pdf'],
      ['scan.png', 'image/png'],
      ['invoice.xml', 'application/xml'],
    ]);
    expect(mail.skipped).toEqual([
      { fileName: 'logo.png', reason: 'inline' },
      { fileName: 'terms.txt', reason: 'unsupported' },
    ]);
  });

  it('takes the attachment of a forwarded mail sent as message/rfc822 or as an .eml file', async () => {
    for (const kind of ['forwarded', 'forwarded-octet'] as const) {
      const mail = await collectFiles((await writeMail(kind, 1)).raw);
      expect(mail.files.map((f) => f.fileName)).toEqual(['forwarded-invoice.pdf']);
    }
  });

  it('stops at the depth limit and reports it', async () => {
    const mail = await collectFiles((await writeMail('forwarded-octet', 1)).raw, { maxDepth: 0 });
    expect(mail.files).toEqual([]);
    expect(mail.skipped).toEqual([{ fileName: 'Invoice.eml', reason: 'too-deep' }]);
  });

  it('reports winmail.dat instead of taking it', async () => {
    const mail = await collectFiles((await writeMail('winmail', 1)).raw);
    expect(mail.files).toEqual([]);
    expect(mail.skipped).toEqual([{ fileName: 'winmail.dat', reason: 'winmail' }]);
  });

  it('skips a file above the size limit', async () => {
    const mail = await collectFiles((await writeMail('pdf', 1)).raw, { maxFileBytes: 100 });
    expect(mail.skipped[0]?.reason).toBe('too-large');
  });

  it('decodes encoded names and a legacy-charset subject', async () => {
    const rfc2231 = await collectFiles((await writeMail('rfc2231-name', 1)).raw);
    expect(rfc2231.files[0]?.fileName).toMatch(/^Rechnung_Müller_Straße_.*\.pdf$/);
    const rfc2047 = await collectFiles((await writeMail('rfc2047-name', 1)).raw);
    expect(rfc2047.files[0]?.fileName).toBe('Facture_été_№42.pdf');
    const legacy = await collectFiles((await writeMail('legacy-charset', 1)).raw);
    expect(legacy.subject).toBe('Rechnung für März');
  });

  it('keeps the Message-ID and sender address', async () => {
    const fixture = await writeMail('pdf', 3);
    const mail = await collectFiles(fixture.raw);
    expect(mail.messageId).toBe(fixture.messageId);
    expect(mail.from).toBe('billing@supplier.example');
  });

  it('takes a JPEG photo and a multi-page TIFF fax by their bytes', async () => {
    const jpeg = await collectFiles((await writeMail('jpeg', 4)).raw);
    expect(jpeg.files.map((f) => [f.fileName, f.mediaType])).toEqual([
      ['Rechnung Foto.jpg', 'image/jpeg'],
    ]);
    const tiff = await collectFiles((await writeMail('tiff', 4)).raw);
    expect(tiff.files.map((f) => [f.fileName, f.mediaType])).toEqual([
      ['fax-3-pages.tif', 'image/tiff'],
    ]);
  });

  it('takes an inline photo that stands on its own but not the logo the HTML shows', async () => {
    const mail = await collectFiles((await writeMail('inline-images', 4)).raw);
    expect(mail.files.map((f) => f.fileName)).toEqual(['IMG_0042.jpg']);
    expect(mail.skipped).toEqual([{ fileName: 'logo.png', reason: 'inline' }]);
  });

  it('decodes file names in ISO-8859-1 (RFC 2047), windows-1252 (RFC 2231) and bare Latin-1', async () => {
    const mail = await collectFiles((await writeMail('legacy-name', 4)).raw);
    expect(mail.files.map((f) => f.fileName)).toEqual([
      'Rechnung Köln.pdf',
      'Rechnung_Müller_€_„Nr“.pdf',
      'Rechnung_Bäcker.pdf',
    ]);
  });

  it('finds the same attachment bytes in a re-sent and in a forwarded copy, under new Message-IDs', async () => {
    const original = await writeMail('pdf', 4);
    for (const copy of [await resendMail(original, 4), await forwardMail(original, 4)]) {
      const mail = await collectFiles(copy.raw);
      expect(mail.messageId).toBe(copy.messageId);
      expect(mail.messageId).not.toBe(original.messageId);
      expect(mail.files.map((f) => f.bytes)).toEqual(original.expected.map((e) => e.bytes));
    }
  });
});
