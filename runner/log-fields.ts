/**
 * The names of the facts a log line may carry. Messages are short fixed sentences; everything
 * that varies goes into one of these fields, so logs can be filtered by run, case or step.
 */
export interface LogFields {
  runId?: string;
  caseId?: string;
  jobId?: string;
  queue?: string;
  bot?: string;
  attempt?: number;
  invoiceNumber?: string;
  vendor?: string;
  erp?: string;
  /** The number the target system gave a posted invoice. */
  erpDocumentNumber?: string;
  selectorMapVersion?: string;
  step?: string;
  durationMs?: number;
  code?: string;
  evidencePath?: string;
  mailbox?: string;
  sha256?: string;
  file?: string;
  count?: number;
  element?: string;
  /** A frame of the page, by its name in the selector map. */
  frame?: string;
  error?: string;
  /** 1-based row of a vendor's invoice list. */
  row?: number;
  /** Configured supplier portal name. */
  portal?: string;
  /** A portal's own reference of an invoice. */
  reference?: string;
}
