import { readFileSync } from 'node:fs';
import { describe, expect, it } from 'vitest';
import { errorCodeOf } from '../../runner/errors.ts';
import { plainFields } from '../../runner/invoice.ts';
import { silentLogger } from '../../runner/logger.ts';
import { listCorpus, scoreFields } from '../../scripts/lib/corpus.ts';
import { extractDocument } from './index.ts';

const options = {
  ocrWorkers: 1,
  ocrPageTimeoutMs: 60_000,
  ocrRenderScale: 3,
  logger: silentLogger,
};
const xmlFiles = listCorpus().filter((e) => e.kind === 'xml-ubl' || e.kind === 'xml-cii');
const facturx = listCorpus().filter((e) => e.kind === 'facturx-pdf');

async function extract(bytes: Uint8Array, fileName: string, readEmbeddedXml = true) {
  return extractDocument({ bytes, fileName }, { ...options, readEmbeddedXml });
}

describe('e-invoice XML', () => {
  it('finds the corpus', () => {
    expect(xmlFiles.length).toBeGreaterThanOrEqual(46);
  });

  it.each(xmlFiles.map((e) => [e.path.split('/').slice(-2).join('/'), e] as const))(
    'reads every stated field of %s exactly',
    async (_name, entry) => {
      const result = await extract(readFileSync(entry.path), entry.path);
      const misses = scoreFields(plainFields(result.fields), entry.expected).filter((s) => !s.hit);
      expect(misses).toEqual([]);
      expect(result.fields.invoice_number?.confidence).toBe(1);
    },
  );

  it('tells credit notes from invoices by type code and root element', async () => {
    const credit = xmlFiles.find((e) => e.path.endsWith('ubl-tc434-creditnote1.xml'))!;
    const invoice = xmlFiles.find((e) => e.path.endsWith('CII_example1.xml'))!;
    expect((await extract(readFileSync(credit.path), 'c.xml')).documentKind).toBe('credit-note');
    expect((await extract(readFileSync(invoice.path), 'i.xml')).documentKind).toBe('invoice');
  });
});

describe('Factur-X / ZUGFeRD PDFs', () => {
  it.each(facturx.map((e) => [e.path.split('/').pop(), e] as const))(
    'reads the embedded XML of %s exactly',
    async (_name, entry) => {
      const result = await extract(readFileSync(entry.path), entry.path);
      expect(result.method).toBe('facturx');
      const misses = scoreFields(plainFields(result.fields), entry.expected).filter((s) => !s.hit);
      expect(misses).toEqual([]);
    },
  );
});

describe('hostile XML', () => {
  const bomb = `<?xml version="1.0"?>
<!DOCTYPE lolz [<!ENTITY lol "lol"><!ENTITY lol2 "&lol;&lol;&lol;&lol;&lol;&lol;">]>
<Invoice xmlns="urn:oasis:names:specification:ubl:schema:xsd:Invoice-2"><ID>&lol2;</ID></Invoice>`;
  const external = `<?xml version="1.0"?>
<!DOCTYPE Invoice [<!ENTITY xxe SYSTEM "file:///etc/passwd">]>
<Invoice xmlns="urn:oasis:names:specification:ubl:schema:xsd:Invoice-2"><ID>&xxe;</ID></Invoice>`;
  const xinclude = `<?xml version="1.0"?>
<Invoice xmlns="urn:oasis:names:specification:ubl:schema:xsd:Invoice-2"
  xmlns:xi="http://www.w3.org/2001/XInclude"><xi:include href="file:///etc/passwd"/></Invoice>`;

  it.each([
    ['an entity expansion bomb', bomb, 'DOCTYPE'],
    ['an external entity', external, 'DOCTYPE'],
    ['an XInclude', xinclude, 'XInclude'],
  ])('refuses %s with XML_UNSAFE before parsing', async (_what, xml, mention) => {
    const error = await extract(new TextEncoder().encode(xml), 'evil.xml').catch((e) => e);
    expect(errorCodeOf(error)).toBe('XML_UNSAFE');
    expect(error.message).toContain('evil.xml');
    expect(error.message).toContain(mention);
  });

  it('refuses XML that is not an invoice with XML_INVALID', async () => {
    const error = await extract(new TextEncoder().encode('<note><to>x</to></note>'), 'n.xml').catch(
      (e) => e,
    );
    expect(errorCodeOf(error)).toBe('XML_INVALID');
    expect(error.message).toMatch(/n\.xml: XML root <note>/);
  });
});
