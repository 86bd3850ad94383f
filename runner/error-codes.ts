/**
 * Every error code the runner and its bots can raise, listed once. A code is stable: it is
 * stored with exceptions and audit events, so renaming one breaks history. `kind` decides the
 * policy: business errors go to a person and are never retried; system errors are retried with
 * backoff and fail only when the attempts run out.
 */
export const ERROR_CODES = {
  CONFIG_INVALID: { kind: 'system', text: 'configuration is invalid' },
  SECRET_MISSING: { kind: 'system', text: 'a secret is not set' },
  STORE_UNAVAILABLE: { kind: 'system', text: 'the database cannot be reached' },
  STORE_NOT_FOUND: { kind: 'system', text: 'the data folder holds no store' },
  QUEUE_UNAVAILABLE: { kind: 'system', text: 'the queue backend cannot be reached' },
  MAILBOX_UNAVAILABLE: { kind: 'system', text: 'the mailbox cannot be reached' },
  BROWSER_FAILED: { kind: 'system', text: 'the browser failed' },
  TARGET_UNAVAILABLE: { kind: 'system', text: 'the target system did not answer' },
  SELECTOR_MISSING: { kind: 'system', text: 'an element of the selector map is not on the page' },
  SESSION_EXPIRED: { kind: 'system', text: 'the target system logged the bot out' },
  POSTING_UNKNOWN: { kind: 'system', text: 'a posting may or may not have been saved' },
  OCR_FAILED: { kind: 'system', text: 'OCR failed on a page' },
  FILE_UNREADABLE: { kind: 'business', text: 'the file cannot be read' },
  FILE_TOO_LARGE: { kind: 'business', text: 'the file is larger than allowed' },
  UNSUPPORTED_FILE: { kind: 'business', text: 'the file type is not supported' },
  XML_UNSAFE: { kind: 'business', text: 'the XML declares entities or external references' },
  XML_INVALID: { kind: 'business', text: 'the XML is not a readable invoice' },
  NO_TEXT: { kind: 'business', text: 'no text could be read from the document' },
  FIELD_MISSING: { kind: 'business', text: 'a required field is missing' },
  FIELD_LOW_CONFIDENCE: { kind: 'business', text: 'a required field was read with low confidence' },
  TOTALS_MISMATCH: { kind: 'business', text: 'gross total is not net plus tax' },
  DUPLICATE_INVOICE: { kind: 'business', text: 'the invoice was already received' },
  NOT_AN_INVOICE: { kind: 'business', text: 'the document is not an invoice' },
  TARGET_REJECTED: { kind: 'business', text: 'the target system rejected the entry' },
  CASE_NOT_FOUND: { kind: 'business', text: 'no such case' },
  APPROVAL_REQUIRED: { kind: 'business', text: 'the case waits for a person to approve it' },
  INVALID_ARGUMENT: { kind: 'business', text: 'an argument is invalid' },
  SELECTOR_MAP_INVALID: { kind: 'system', text: 'a selector map is missing or invalid' },
  RELEASE_UNKNOWN: { kind: 'system', text: 'the UI release of the target matches no selector map' },
  TARGET_LOGIN_FAILED: { kind: 'system', text: 'the target system refused the bot login' },
  POSSIBLE_DUPLICATE: { kind: 'business', text: 'the invoice resembles one already received' },
  LINES_MISMATCH: { kind: 'business', text: 'the line totals do not add up to the net total' },
  TAX_RATE_NOT_ALLOWED: { kind: 'business', text: 'the tax rate is not an allowed rate' },
  VENDOR_UNKNOWN: { kind: 'business', text: 'the seller is not in the vendor master' },
  VENDOR_BLOCKED: { kind: 'business', text: 'the vendor is blocked in the vendor master' },
  VAT_ID_MISMATCH: { kind: 'business', text: 'the VAT id differs from the vendor master' },
  PAYMENT_TERMS_MISMATCH: {
    kind: 'business',
    text: 'the due date is sooner than the agreed terms',
  },
  IBAN_INVALID: { kind: 'business', text: 'the IBAN fails its checksum' },
  IBAN_MISMATCH: { kind: 'business', text: 'the IBAN differs from the vendor master (fraud risk)' },
  BANK_CHANGES_REPEATED: {
    kind: 'business',
    text: 'the vendor changed its bank account repeatedly',
  },
  AMOUNT_ANOMALY: { kind: 'business', text: 'the amount is unusual for the vendor' },
  NEW_VENDOR_LARGE_AMOUNT: { kind: 'business', text: 'a new vendor invoices a large amount' },
  CURRENCY_NOT_IN_POLICY: {
    kind: 'business',
    text: 'the routing policy has no limits in this currency',
  },
  SOD_VIOLATION: { kind: 'business', text: 'segregation of duties forbids this action' },
  POLICY_INVALID: { kind: 'system', text: 'the routing policy is invalid' },
  PO_NOT_FOUND: { kind: 'business', text: 'the purchase order is not in the master data' },
  PO_LINE_UNMATCHED: { kind: 'business', text: 'an invoice line matches no purchase order line' },
  GOODS_NOT_RECEIVED: { kind: 'business', text: 'the invoiced goods have not been received' },
  QUANTITY_MISMATCH: {
    kind: 'business',
    text: 'the invoiced quantity exceeds what was received or ordered',
  },
  PRICE_MISMATCH: { kind: 'business', text: 'the invoiced price differs from the purchase order' },
  CODING_UNRESOLVED: {
    kind: 'business',
    text: 'no valid GL account and cost centre could be proposed',
  },
  NOT_AUTHORISED: { kind: 'business', text: 'the user may not take this action on this case' },
  CASE_STATE_CONFLICT: {
    kind: 'business',
    text: 'the case is not in a state allowing this action',
  },
  MASTER_DATA_INVALID: { kind: 'business', text: 'a master data file cannot be read' },
  USER_UNKNOWN: { kind: 'business', text: 'the acting user is not in the user directory' },
  ARCHIVE_UNSAFE: {
    kind: 'business',
    text: 'the archive is damaged or exceeds the entry count, size or compression ratio limits',
  },
  SHEET_MAPPING_INVALID: { kind: 'system', text: 'a spreadsheet column mapping file is invalid' },
} as const satisfies Record<string, { kind: ErrorKind; text: string }>;

export type ErrorKind = 'business' | 'system';
export type ErrorCode = keyof typeof ERROR_CODES;

export function kindOfCode(code: string): ErrorKind {
  return code in ERROR_CODES ? ERROR_CODES[code as ErrorCode].kind : 'system';
}
