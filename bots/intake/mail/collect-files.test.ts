import { describe, expect, it } from 'vitest';
import { writeMail } from '../../../fixtures/mail/write-mail.ts';
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
});
