import fc from 'fast-check';
import { describe, expect, it } from 'vitest';
import {
  duplicateKey,
  fuzzyInvoiceKey,
  normalizeInvoiceNumber,
  normalizeSellerName,
  sellerKey,
} from './duplicate-key.ts';

const letters = fc.string({
  unit: fc.constantFrom(...'ABCDEFGHKMNPRTUVWXY'),
  minLength: 1,
  maxLength: 4,
});
const digits = fc.string({ unit: fc.constantFrom(...'0123456789'), minLength: 1, maxLength: 6 });
const token = fc.oneof(letters, digits);
const separator = fc.constantFrom('-', '/', ' ', '.', '_', ' / ', '');

/** Renders tokens with random separators, case and zero padding; same-type neighbours need one. */
function render(tokens: string[], seps: string[], pads: number[], lower: boolean[]): string {
  return tokens
    .map((t, i) => {
      const text = /^\d/.test(t) ? '0'.repeat(pads[i] ?? 0) + t : lower[i] ? t.toLowerCase() : t;
      if (i === 0) return text;
      const sameType = /^\d/.test(t) === /^\d/.test(tokens[i - 1]!);
      const sep = seps[i] ?? '-';
      return (sameType && sep === '' ? '-' : sep) + text;
    })
    .join('');
}

describe('normalizeInvoiceNumber', () => {
  it('ignores case, separators and zero padding of real corpus numbers', () => {
    expect(normalizeInvoiceNumber('INV/2023/03/0008')).toBe('INV-2023-3-8');
    expect(normalizeInvoiceNumber('inv 2023-03-8')).toBe('INV-2023-3-8');
    expect(normalizeInvoiceNumber('018304 / 28865')).toBe('18304-28865');
    expect(normalizeInvoiceNumber('18304-28865')).toBe('18304-28865');
    expect(normalizeInvoiceNumber('RE2023-042')).toBe(normalizeInvoiceNumber('re 2023 / 42'));
  });

  it('keeps token boundaries, so 12-3 and 1-23 stay two numbers', () => {
    expect(normalizeInvoiceNumber('12-3')).not.toBe(normalizeInvoiceNumber('1-23'));
    expect(normalizeInvoiceNumber('0')).toBe('0');
  });

  it('gives every formatting variant of one number the same key (property)', () => {
    const variant = fc.record({
      seps: fc.array(separator, { maxLength: 8 }),
      pads: fc.array(fc.nat({ max: 3 }), { maxLength: 8 }),
      lower: fc.array(fc.boolean(), { maxLength: 8 }),
    });
    fc.assert(
      fc.property(
        fc.array(token, { minLength: 1, maxLength: 6 }),
        variant,
        variant,
        (tokens, a, b) => {
          const canonical = tokens.map((t) => (/^\d/.test(t) ? t.replace(/^0+(?=\d)/, '') : t));
          const one = render(canonical, a.seps, a.pads, a.lower);
          const two = render(canonical, b.seps, b.pads, b.lower);
          expect(normalizeInvoiceNumber(one)).toBe(normalizeInvoiceNumber(two));
        },
      ),
    );
  });

  it('never gives two different canonical numbers the same key (property)', () => {
    const number = fc.array(
      fc.oneof(
        letters,
        digits.map((d) => d.replace(/^0+(?=\d)/, '')),
      ),
      { minLength: 1, maxLength: 5 },
    );
    fc.assert(
      fc.property(number, number, (a, b) => {
        fc.pre(a.join('-') !== b.join('-'));
        expect(normalizeInvoiceNumber(a.join('-'))).not.toBe(normalizeInvoiceNumber(b.join('-')));
      }),
    );
  });
});

describe('duplicateKey', () => {
  it('combines the VAT id, or else the seller name, with the number', () => {
    expect(
      duplicateKey({
        seller_name: 'X',
        seller_vat_id: 'de 123 456 789',
        invoice_number: '123456XX',
      }),
    ).toBe('vat:DE123456789|123456-XX');
    expect(
      duplicateKey({ seller_name: 'Azure Interior', invoice_number: 'INV/2023/03/0008' }),
    ).toBe('name:azure interior|INV-2023-3-8');
  });

  it('is null without a seller or a number', () => {
    expect(duplicateKey({ invoice_number: '42' })).toBeNull();
    expect(duplicateKey({ seller_name: 'Acme' })).toBeNull();
    expect(duplicateKey({ seller_name: 'Acme', invoice_number: ' / ' })).toBeNull();
  });

  it('treats legal forms, accents and punctuation of seller names as noise', () => {
    expect(normalizeSellerName('Müller & Co. KG')).toBe('muller');
    expect(sellerKey({ seller_name: 'ACME GmbH' })).toBe(sellerKey({ seller_name: 'Acme' }));
    expect(normalizeSellerName('GmbH')).toBe('gmbh');
  });
});

describe('fuzzyInvoiceKey', () => {
  it('survives a dropped prefix, padding, separators and OCR confusions', () => {
    const key = fuzzyInvoiceKey('INV-2023-0042');
    for (const variant of ['2023/42', 'INV 2O23 OO42', 'inv2023-0042', 'RE-2023-42', '2023-OO4Z']) {
      expect(fuzzyInvoiceKey(variant), variant).toBe(key);
    }
    expect(fuzzyInvoiceKey('no number')).toBe('');
  });
});
