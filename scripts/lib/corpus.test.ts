import { describe, expect, it } from 'vitest';
import { listCorpus, scoreFields } from './corpus.ts';

describe('listCorpus', () => {
  it('lists every invoice file with a parsed expected file', () => {
    const entries = listCorpus();
    expect(entries.length).toBe(87);
    expect(new Set(entries.map((e) => e.kind))).toEqual(
      new Set(['text-pdf', 'facturx-pdf', 'xml-ubl', 'xml-cii', 'image-render', 'image-scan']),
    );
    expect(entries[0]!.expected['invoice_number']).toBeTypeOf('string');
  });

  it('returns nothing for a folder without index.json', () => {
    expect(listCorpus('/nonexistent-corpus')).toEqual([]);
  });
});

describe('scoreFields', () => {
  const expected = {
    seller_name: 'Lieferant  GmbH',
    seller_vat_id: 'DE123456789',
    gross_total: '529.87',
    iban: 'DE02120300000000202051',
    line_items: [{ description: 'A', quantity: '20', line_total: '198.00' }],
    _notes: ['ignored'],
  };

  it('scores only stated fields, ignoring metadata keys', () => {
    expect(scoreFields({}, expected).map((s) => s.field)).toEqual([
      'seller_name',
      'seller_vat_id',
      'gross_total',
      'iban',
      'line_items',
    ]);
  });

  it('compares money as decimals, names without case or spacing, ids without spaces', () => {
    const actual = {
      seller_name: 'lieferant gmbh',
      seller_vat_id: 'DE 123 456 789',
      gross_total: '529.870',
      iban: 'DE02 1203 0000 0000 2020 51',
      line_items: [{ description: 'other text', quantity: '20.0', line_total: '198' }],
    };
    expect(scoreFields(actual, expected).every((s) => s.hit)).toBe(true);
  });

  it('misses on a wrong amount, a wrong line count or a missing value', () => {
    const actual = { gross_total: '529.86', line_items: [], seller_name: undefined };
    const hits = Object.fromEntries(scoreFields(actual, expected).map((s) => [s.field, s.hit]));
    expect(hits).toMatchObject({ gross_total: false, line_items: false, seller_name: false });
  });
});
