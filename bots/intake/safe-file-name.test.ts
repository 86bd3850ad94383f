import fc from 'fast-check';
import { describe, expect, it } from 'vitest';
import { sniffInvoiceMediaType } from './media-type.ts';
import { safeFileName } from './safe-file-name.ts';

describe('safeFileName', () => {
  it('keeps only the last path part of a traversal attempt', () => {
    expect(safeFileName('../../etc/passwd.pdf', 'application/pdf', 0)).toBe('passwd.pdf');
    expect(safeFileName('..\\..\\win.ini.pdf', 'application/pdf', 0)).toBe('win.ini.pdf');
  });

  it('drops control and text-reordering characters and leading dots', () => {
    expect(safeFileName('in\u0000vo\u202eice\r\n.pdf', 'application/pdf', 0)).toBe('invoice.pdf');
    expect(safeFileName('..hidden.xml', 'application/xml', 0)).toBe('hidden.xml');
  });

  it('names a nameless file after its position and type, and adds a missing extension', () => {
    expect(safeFileName(undefined, 'image/png', 2)).toBe('attachment-3.png');
    expect(safeFileName('../', 'application/pdf', 0)).toBe('attachment-1.pdf');
    expect(safeFileName('scan', 'image/jpeg', 0)).toBe('scan.jpg');
  });

  it('never yields a path part, a control character or more than 200 bytes', () => {
    fc.assert(
      fc.property(fc.string({ unit: 'binary', maxLength: 400 }), (name) => {
        const safe = safeFileName(name, 'application/pdf', 0);
        expect([...safe].some((c) => c === '/' || c === '\\' || c < ' ')).toBe(false);
        expect(safe.startsWith('.')).toBe(false);
        expect(Buffer.byteLength(safe)).toBeLessThanOrEqual(200);
        expect(safe.length).toBeGreaterThan(0);
      }),
    );
  });
});

describe('sniffInvoiceMediaType', () => {
  it('trusts the bytes over the declared type', () => {
    const pdf = Buffer.from('%PDF-1.7\n');
    expect(sniffInvoiceMediaType(pdf, { contentType: 'application/octet-stream' })).toBe(
      'application/pdf',
    );
    expect(sniffInvoiceMediaType(Buffer.from([0xff, 0xd8, 0xff, 0xe0]))).toBe('image/jpeg');
    expect(sniffInvoiceMediaType(Buffer.from('II*\u0000', 'latin1'))).toBe('image/tiff');
  });

  it('takes XML by prolog or declared type, but not HTML or plain text', () => {
    expect(sniffInvoiceMediaType(Buffer.from('\uFEFF<?xml version="1.0"?><a/>'))).toBe(
      'application/xml',
    );
    expect(sniffInvoiceMediaType(Buffer.from('<Invoice/>'), { fileName: 'x.xml' })).toBe(
      'application/xml',
    );
    expect(sniffInvoiceMediaType(Buffer.from('<Invoice/>'))).toBeUndefined();
    expect(
      sniffInvoiceMediaType(Buffer.from('<html></html>'), { contentType: 'text/xml' }),
    ).toBeUndefined();
    expect(
      sniffInvoiceMediaType(Buffer.from('Net 30 days'), { fileName: 'terms.txt' }),
    ).toBeUndefined();
  });
});
