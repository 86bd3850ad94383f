import type { DocumentKind, LineItem } from '../../runner/invoice.ts';
import type { PlainFields } from './field-values.ts';
import { compact, compactDate, isIbanShaped, money, quantity } from './field-values.ts';
import { attrOf, firstText, select, textOf, type XmlNode } from './xml-tree.ts';

const SUPPLIER = 'AccountingSupplierParty/Party';
const CUSTOMER = 'AccountingCustomerParty/Party';

/** Reads a UBL 2.1 Invoice or CreditNote (Peppol BIS 3, XRechnung UBL) per EN 16931. */
export function readUbl(
  root: XmlNode,
  rootName: string,
): { fields: PlainFields; kind: DocumentKind } {
  const currency = firstText(root, 'DocumentCurrencyCode');
  const fields: PlainFields = {
    seller_name: partyName(root, SUPPLIER),
    seller_vat_id: sellerTaxId(root),
    buyer_name: partyName(root, CUSTOMER),
    invoice_number: firstText(root, 'ID'),
    issue_date: compactDate(firstText(root, 'IssueDate')),
    due_date: compactDate(firstText(root, 'DueDate', 'PaymentMeans/PaymentDueDate')),
    currency,
    net_total: money(firstText(root, 'LegalMonetaryTotal/TaxExclusiveAmount')),
    tax_total: money(taxTotal(root, currency)),
    gross_total: money(firstText(root, 'LegalMonetaryTotal/TaxInclusiveAmount')),
    order_reference: firstText(root, 'OrderReference/ID'),
    iban: payeeIban(root),
    line_items: readLines(root, rootName),
  };
  return { fields, kind: ublKind(root, rootName) };
}

function partyName(root: XmlNode, party: string): string | undefined {
  return firstText(root, `${party}/PartyLegalEntity/RegistrationName`, `${party}/PartyName/Name`);
}

// BT-31 is the VAT-scheme registration; a seller without one may state a local tax number (BT-32).
function sellerTaxId(root: XmlNode): string | undefined {
  const schemes = select(root, `${SUPPLIER}/PartyTaxScheme`);
  const vat = schemes.find((s) => firstText(s, 'TaxScheme/ID')?.toUpperCase() === 'VAT');
  const chosen = vat ?? schemes[0];
  return compact(firstText(chosen, 'CompanyID'));
}

// A UBL file may carry a second TaxTotal in the tax accounting currency (BT-111); BT-110 is the
// one in the document currency.
function taxTotal(root: XmlNode, currency: string | undefined): string | undefined {
  const amounts = select(root, 'TaxTotal/TaxAmount');
  const inCurrency = amounts.find((a) => !currency || attrOf(a, 'currencyID') === currency);
  return textOf(inCurrency ?? amounts[0]);
}

function payeeIban(root: XmlNode): string | undefined {
  const ids = select(root, 'PaymentMeans/PayeeFinancialAccount/ID');
  return ids.map((id) => compact(textOf(id))).find((id) => id !== undefined && isIbanShaped(id));
}

function readLines(root: XmlNode, rootName: string): LineItem[] {
  const isCredit = rootName === 'CreditNote';
  const lines = select(root, isCredit ? 'CreditNoteLine' : 'InvoiceLine');
  const items = lines.map((line) => {
    const item: LineItem = {
      description: firstText(line, 'Item/Name'),
      quantity: quantity(firstText(line, isCredit ? 'CreditedQuantity' : 'InvoicedQuantity')),
      unit_price: money(firstText(line, 'Price/PriceAmount')),
      line_total: money(firstText(line, 'LineExtensionAmount')),
    };
    return dropUndefined(item);
  });
  return items.filter((item) => Object.keys(item).length > 0);
}

function ublKind(root: XmlNode, rootName: string): DocumentKind {
  if (rootName === 'CreditNote') return 'credit-note';
  return kindFromTypeCode(firstText(root, 'InvoiceTypeCode'));
}

/** UNTDID 1001 codes: 381/396/532 are credit notes; the invoice family otherwise. */
export function kindFromTypeCode(code: string | undefined): DocumentKind {
  if (code === undefined) return 'invoice';
  if (['381', '396', '532', '81', '83', '261', '262', '308'].includes(code)) return 'credit-note';
  return 'invoice';
}

export function dropUndefined<T extends object>(value: T): T {
  return Object.fromEntries(Object.entries(value).filter(([, v]) => v !== undefined)) as T;
}
