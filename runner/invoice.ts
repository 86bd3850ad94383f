/**
 * The shape of what extraction reads from a document. Field names follow the corpus's
 * `*.expected.json` files (snake_case) so that a result can be scored against them directly.
 * Money, quantities and prices are decimal strings with `.` as the point; dates are YYYY-MM-DD.
 */
export const HEADER_FIELDS = [
  'seller_name',
  'seller_vat_id',
  'buyer_name',
  'invoice_number',
  'issue_date',
  'due_date',
  'currency',
  'net_total',
  'tax_total',
  'gross_total',
  'order_reference',
  'iban',
] as const;

export type HeaderField = (typeof HEADER_FIELDS)[number];

export interface LineItem {
  description?: string;
  quantity?: string;
  unit_price?: string;
  line_total?: string;
}

/** Where a value was read: the XML, the PDF's text layer, OCR, or a vendor template. */
export type FieldSource = 'xml' | 'text' | 'ocr' | 'template';

export interface FieldValue<T = string> {
  value: T;
  /** 0..1; 1 for values read exactly from structured XML. */
  confidence: number;
  source: FieldSource;
  /** 1-based page the value was read on, when it came from a page. */
  page?: number;
}

export type InvoiceFields = { [K in HeaderField]?: FieldValue } & {
  line_items?: FieldValue<LineItem[]>;
};

export type DocumentKind = 'invoice' | 'credit-note' | 'reminder' | 'remittance-advice' | 'other';

export type ExtractionMethod = 'ubl' | 'cii' | 'facturx' | 'pdf-text' | 'ocr';

export interface Extraction {
  method: ExtractionMethod;
  documentKind: DocumentKind;
  fields: InvoiceFields;
  pageCount: number;
  /** Things a person should know: "OCR on page 2", "embedded XML ignored: unsafe". */
  warnings: string[];
}

/** Plain values without confidences, in the corpus's expected-file format. */
export function plainFields(fields: InvoiceFields): Record<string, unknown> {
  const out: Record<string, unknown> = {};
  for (const [name, field] of Object.entries(fields)) {
    if (field) out[name] = field.value;
  }
  return out;
}
