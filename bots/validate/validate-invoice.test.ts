import { describe, expect, it } from 'vitest';
import type { ExtractionMethod } from '../../runner/invoice.ts';
import { duplicateKey } from './duplicate-key.ts';
import { corpusEntries, makeInput, readExpected } from './test-input.ts';
import { validateInvoice } from './validate-invoice.ts';

const METHOD: Record<string, ExtractionMethod> = {
  'xml-ubl': 'ubl',
  'xml-cii': 'cii',
  'facturx-pdf': 'facturx',
  'text-pdf': 'pdf-text',
  'image-render': 'ocr',
  'image-scan': 'ocr',
};

/** Holds the rules raise on the corpus's own ground truth, by file. */
function corpusHolds(): Map<string, string[]> {
  const holds = new Map<string, string[]>();
  for (const entry of corpusEntries()) {
    const values = readExpected(entry.expected);
    const results = validateInvoice(
      makeInput(values, { method: METHOD[entry.kind], caseId: entry.path }),
    );
    const codes = results.filter((r) => r.result === 'hold').map((r) => r.code);
    if (codes.length > 0) holds.set(entry.path, codes);
  }
  return holds;
}

describe('validateInvoice on the corpus ground truth', () => {
  it('holds the non-receipt files only for placeholder IBANs, large first invoices and two line layouts', () => {
    const placeholderIbans = new Set([
      'DE1212344321987600',
      'DE12123456789012345678',
      'DE75123456780000001234',
      'SE1212341234123412',
      'DK1212341234123412',
    ]);
    const byCode = new Map<string, string[]>();
    for (const [path, codes] of corpusHolds()) {
      if (path.startsWith('sroie/')) continue;
      for (const code of codes) byCode.set(code, [...(byCode.get(code) ?? []), path]);
    }
    expect([...byCode.keys()].sort()).toEqual([
      'IBAN_INVALID',
      'LINES_MISMATCH',
      'NEW_VENDOR_LARGE_AMOUNT',
    ]);
    const values = (path: string) =>
      readExpected(corpusEntries().find((e) => e.path === path)!.expected);
    for (const path of byCode.get('IBAN_INVALID')!)
      expect(placeholderIbans.has(String(values(path).iban)), path).toBe(true);
    expect(byCode.get('IBAN_INVALID')).toHaveLength(13);
    for (const path of byCode.get('NEW_VENDOR_LARGE_AMOUNT')!)
      expect(Number(values(path).gross_total) >= 5000, path).toBe(true);
    // Known false holds: coolblue's included levy sub-line, maxRechnung's document-level allowance.
    expect(byCode.get('LINES_MISMATCH')).toEqual([
      'invoice2data/tests/compare/coolblue1.pdf',
      'xrechnung-visualization/test-transformed-pdf/maxRechnung-xr.pdf',
    ]);
  });

  it('holds every scanned receipt, which has no invoice number or currency', () => {
    const receipts = [...corpusHolds()].filter(([path]) => path.startsWith('sroie/'));
    expect(receipts).toHaveLength(12);
    for (const [, codes] of receipts) expect(codes).toContain('FIELD_MISSING');
  });

  it('gives the same invoice in CII, UBL and PDF one duplicate key', () => {
    const keys = [
      'XML-Rechnung/CII/EN16931_Einfach.cii.xml',
      'XML-Rechnung/UBL/EN16931_Einfach.ubl.xml',
      'XML-Rechnung/FX/EN16931_Einfach.pdf',
    ].map((p) =>
      duplicateKey(readExpected(`zugferd-corpus/${p}.expected.json`) as Record<string, string>),
    );
    expect(new Set(keys).size).toBe(1);
    expect(keys[0]).toBe('vat:DE123456789|471102');
  });
});

describe('validateInvoice', () => {
  const values = readExpected('en16931-cef/ubl/examples/ubl-tc434-example2.xml.expected.json');

  it('returns one pass per applicable rule for a clean invoice, stamped with the rules version', () => {
    const results = validateInvoice(makeInput(values, {}, { rulesVersion: 'rules-2' }));
    expect(results.map((r) => r.rule)).toEqual([
      'document-kind',
      'required-fields',
      'field-confidence',
      'duplicate',
      'totals',
      'line-items',
      'bank-details',
      'new-vendor',
    ]);
    expect(results.every((r) => r.result === 'pass' && r.evidence.rulesVersion === 'rules-2')).toBe(
      true,
    );
  });

  it('judges nothing else on a document that is not an invoice', () => {
    const results = validateInvoice(makeInput(values, { documentKind: 'remittance-advice' }));
    expect(results.map((r) => r.code)).toEqual(['NOT_AN_INVOICE']);
  });
});
