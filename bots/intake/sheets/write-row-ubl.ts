import type { MappedRow } from './map-row.ts';

const NS =
  'xmlns="urn:oasis:names:specification:ubl:schema:xsd:Invoice-2" ' +
  'xmlns:cac="urn:oasis:names:specification:ubl:schema:xsd:CommonAggregateComponents-2" ' +
  'xmlns:cbc="urn:oasis:names:specification:ubl:schema:xsd:CommonBasicComponents-2"';

/**
 * Writes one row of a vendor's invoice list as a minimal UBL 2.1 Invoice, elements in schema
 * order, so the exact UBL reader of the extract stage reads it like any e-invoice. A field the
 * row lacks is left out (the pipeline then holds the case for a missing field) and the reason
 * goes into a Note a reviewer sees. The same row always gives the same bytes, so a list that
 * arrives twice opens no second case.
 *
 * @param origin e.g. `acme-list.csv row 4 (mapping acme)`, written into the first Note
 */
export function writeRowUbl(row: MappedRow, origin: string): string {
  const f = row.fields;
  const cur = f.currency;
  const amount = (tag: string, value: string | undefined) =>
    value === undefined
      ? ''
      : `<cbc:${tag}${cur ? ` currencyID="${esc(cur)}"` : ''}>${esc(value)}</cbc:${tag}>`;
  const lines = [
    '<?xml version="1.0" encoding="UTF-8"?>',
    `<Invoice ${NS}>`,
    leaf('ID', f.invoice_number),
    leaf('IssueDate', f.issue_date),
    leaf('DueDate', f.due_date),
    leaf('InvoiceTypeCode', '380'),
    leaf('Note', `Derived from ${origin}`),
    ...row.problems.map((problem) => leaf('Note', `Not mapped: ${problem}`)),
    leaf('DocumentCurrencyCode', cur),
    f.order_reference
      ? `<cac:OrderReference>${leaf('ID', f.order_reference)}</cac:OrderReference>`
      : '',
    party('AccountingSupplierParty', f.seller_name, f.seller_vat_id),
    party('AccountingCustomerParty', f.buyer_name, undefined),
    f.tax_total ? `<cac:TaxTotal>${amount('TaxAmount', f.tax_total)}</cac:TaxTotal>` : '',
    '<cac:LegalMonetaryTotal>',
    amount('TaxExclusiveAmount', f.net_total),
    amount('TaxInclusiveAmount', f.gross_total),
    amount('PayableAmount', f.gross_total),
    '</cac:LegalMonetaryTotal>',
    '</Invoice>',
  ];
  return `${lines.filter((line) => line !== '').join('\n')}\n`;
}

function party(tag: string, name: string | undefined, vatId: string | undefined): string {
  if (!name && !vatId) return '';
  const parts = [
    name ? `<cac:PartyName>${leaf('Name', name)}</cac:PartyName>` : '',
    vatId
      ? `<cac:PartyTaxScheme>${leaf('CompanyID', vatId)}<cac:TaxScheme>${leaf('ID', 'VAT')}</cac:TaxScheme></cac:PartyTaxScheme>`
      : '',
    name ? `<cac:PartyLegalEntity>${leaf('RegistrationName', name)}</cac:PartyLegalEntity>` : '',
  ];
  return `<cac:${tag}><cac:Party>${parts.join('')}</cac:Party></cac:${tag}>`;
}

function leaf(tag: string, value: string | undefined): string {
  return value === undefined || value === '' ? '' : `<cbc:${tag}>${esc(value)}</cbc:${tag}>`;
}

function esc(text: string): string {
  return text
    .replace(/&/g, '&amp;')
    .replace(/</g, '&lt;')
    .replace(/>/g, '&gt;')
    .replace(/"/g, '&quot;')
    .replace(/\p{Cc}/gu, (ch) => (ch === '\t' || ch === '\n' || ch === '\r' ? ch : ''));
}
