import type { DocumentKind, LineItem } from '../../runner/invoice.ts';
import type { PlainFields } from './field-values.ts';
import { compact, compactDate, isIbanShaped, money, quantity } from './field-values.ts';
import { dropUndefined, kindFromTypeCode } from './ubl-reader.ts';
import { attrOf, firstText, select, selectFirst, textOf, type XmlNode } from './xml-tree.ts';

/**
 * Element names of CII D16B (Factur-X / ZUGFeRD 2.x / XRechnung CII) and of the D12A-based
 * ZUGFeRD 1.0 `CrossIndustryDocument`: same business terms, different aggregate names.
 */
interface CiiDialect {
  document: string;
  transaction: string;
  agreement: string;
  settlement: string;
  summation: string;
  lineAgreement: string;
  lineDelivery: string;
  lineSettlement: string;
  lineSummation: string;
}

const D16B: CiiDialect = {
  document: 'ExchangedDocument',
  transaction: 'SupplyChainTradeTransaction',
  agreement: 'ApplicableHeaderTradeAgreement',
  settlement: 'ApplicableHeaderTradeSettlement',
  summation: 'SpecifiedTradeSettlementHeaderMonetarySummation',
  lineAgreement: 'SpecifiedLineTradeAgreement',
  lineDelivery: 'SpecifiedLineTradeDelivery',
  lineSettlement: 'SpecifiedLineTradeSettlement',
  lineSummation: 'SpecifiedTradeSettlementLineMonetarySummation',
};

const ZUGFERD1: CiiDialect = {
  document: 'HeaderExchangedDocument',
  transaction: 'SpecifiedSupplyChainTradeTransaction',
  agreement: 'ApplicableSupplyChainTradeAgreement',
  settlement: 'ApplicableSupplyChainTradeSettlement',
  summation: 'SpecifiedTradeSettlementMonetarySummation',
  lineAgreement: 'SpecifiedSupplyChainTradeAgreement',
  lineDelivery: 'SpecifiedSupplyChainTradeDelivery',
  lineSettlement: 'SpecifiedSupplyChainTradeSettlement',
  lineSummation: 'SpecifiedTradeSettlementMonetarySummation',
};

/** Reads a CII invoice; `rootName` tells D16B (`CrossIndustryInvoice`) from ZUGFeRD 1.0. */
export function readCii(
  root: XmlNode,
  rootName: string,
): { fields: PlainFields; kind: DocumentKind } {
  const d = rootName === 'CrossIndustryDocument' ? ZUGFERD1 : D16B;
  const trade = selectFirst(root, d.transaction);
  const agreement = selectFirst(trade, d.agreement);
  const settlement = selectFirst(trade, d.settlement);
  const sums = selectFirst(settlement, d.summation);
  const currency = firstText(settlement, 'InvoiceCurrencyCode');
  const fields: PlainFields = {
    seller_name: firstText(agreement, 'SellerTradeParty/Name'),
    seller_vat_id: sellerTaxId(agreement),
    buyer_name: firstText(agreement, 'BuyerTradeParty/Name'),
    invoice_number: firstText(root, `${d.document}/ID`),
    issue_date: compactDate(firstText(root, `${d.document}/IssueDateTime/DateTimeString`)),
    due_date: compactDate(
      firstText(settlement, 'SpecifiedTradePaymentTerms/DueDateDateTime/DateTimeString'),
    ),
    currency,
    net_total: money(firstText(sums, 'TaxBasisTotalAmount')),
    tax_total: money(amountIn(select(sums, 'TaxTotalAmount'), currency)),
    gross_total: money(amountIn(select(sums, 'GrandTotalAmount'), currency)),
    order_reference: firstText(agreement, 'BuyerOrderReferencedDocument/IssuerAssignedID'),
    iban: payeeIban(settlement),
    line_items: readLines(trade, d),
  };
  return { fields, kind: kindFromTypeCode(firstText(root, `${d.document}/TypeCode`)) };
}

// BT-31 (scheme VA) first; a seller with only a national tax number (FC, BT-32) gets that.
function sellerTaxId(agreement: XmlNode | undefined): string | undefined {
  const ids = select(agreement, 'SellerTradeParty/SpecifiedTaxRegistration/ID');
  const vat = ids.find((id) => attrOf(id, 'schemeID') === 'VA');
  const fc = ids.find((id) => attrOf(id, 'schemeID') === 'FC');
  return compact(textOf(vat ?? fc));
}

// The tax total may appear twice, once in the tax currency (BT-111); pick the invoice currency.
function amountIn(amounts: XmlNode[], currency: string | undefined): string | undefined {
  const match = amounts.find((a) => {
    const id = attrOf(a, 'currencyID');
    return id === undefined || id === currency;
  });
  return textOf(match ?? amounts[0]);
}

function payeeIban(settlement: XmlNode | undefined): string | undefined {
  const path = 'SpecifiedTradeSettlementPaymentMeans/PayeePartyCreditorFinancialAccount/IBANID';
  return select(settlement, path)
    .map((id) => compact(textOf(id)))
    .find((id) => id !== undefined && isIbanShaped(id));
}

function readLines(trade: XmlNode | undefined, d: CiiDialect): LineItem[] {
  // Note-only lines (no product, quantity or amount) carry no business value: skipped.
  const lines = select(trade, 'IncludedSupplyChainTradeLineItem').map((line) =>
    dropUndefined<LineItem>({
      description: firstText(line, 'SpecifiedTradeProduct/Name'),
      quantity: quantity(firstText(line, `${d.lineDelivery}/BilledQuantity`)),
      unit_price: money(
        firstText(line, `${d.lineAgreement}/NetPriceProductTradePrice/ChargeAmount`),
      ),
      line_total: money(firstText(line, `${d.lineSettlement}/${d.lineSummation}/LineTotalAmount`)),
    }),
  );
  return lines.filter((item) => Object.keys(item).length > 0);
}
