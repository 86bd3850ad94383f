import type { Page } from 'playwright-core';
import type { LineItem } from '../../runner/invoice.ts';
import type { Logger } from '../../runner/logger.ts';
import type { Selectors } from '../../runner/selectors.ts';
import type { Step, StepRecord } from '../../runner/step-runner.ts';

/** The invoice as the posting bot enters it: corpus field names, money as decimal strings. */
export interface PostInvoice {
  seller_name: string;
  seller_vat_id?: string;
  invoice_number: string;
  /** YYYY-MM-DD */
  issue_date: string;
  /** YYYY-MM-DD */
  due_date?: string;
  currency: string;
  net_total: string;
  tax_total: string;
  gross_total: string;
  order_reference?: string;
  line_items?: LineItem[];
}

export interface PostRequest {
  caseId: string;
  runId: string;
  invoice: PostInvoice;
  /** The original document, attached to the ERP entry. */
  originalPath: string;
  /** Screenshots and page snapshots of this posting land here. */
  evidenceDir: string;
  /** Fill and photograph every field, never save (go-live rehearsal). Default false. */
  shadow?: boolean;
}

export interface PostResult {
  /** Null in shadow mode, where nothing is saved. */
  erpDocumentNumber: string | null;
  /** The ERP already had this vendor + invoice number; nothing was entered. */
  alreadyPosted: boolean;
  /** The UI release the bot worked against, e.g. `v1`. */
  release: string;
  steps: StepRecord[];
}

export interface PostingSession {
  post(req: PostRequest): Promise<PostResult>;
  /** The ERP document number of an invoice already posted, or null. */
  findPosted(vendor: string, invoiceNumber: string): Promise<string | null>;
  close(): Promise<void>;
}

export interface OpenPostingSessionOptions {
  /** Target system; selects the flow under bots/post/<system> and selectors/<system>/. */
  system: string;
  baseUrl: string;
  user: string;
  password: string;
  /** UI release, or `auto` to detect it on the login page. */
  release: string;
  browser: {
    executablePath?: string;
    headless: boolean;
    /** Longest wait for one page, element or answer, in ms. */
    stepTimeoutMs: number;
    /** Record a Playwright trace per posting as `trace.zip` in its evidence folder. Default false. */
    trace?: boolean;
  };
  logger: Logger;
  /** Where selector maps live. Default: the repository's `selectors/`. */
  selectorsDir?: string;
}

/** What every step of a flow can reach: the page, the map and how to log in. */
export interface SessionContext {
  page: Page;
  selectors: Selectors;
  baseUrl: string;
  user: string;
  password: string;
  timeoutMs: number;
  logger: Logger;
  /**
   * Runs `work` with the Playwright trace paused, for typing and sending a secret (the login):
   * a trace keeps every typed value and request body. Unset where nothing is traced.
   */
  offTheRecord?: <T>(work: () => Promise<T>) => Promise<T>;
}

export interface PostContext extends SessionContext {
  request: PostRequest;
  outcome: { erpDocumentNumber: string | null; alreadyPosted: boolean };
}

/** One target system's posting bot, as data the session runs. */
export interface PostingFlow {
  /** Elements the map must name; checked when the session opens. */
  requiredElements: readonly string[];
  steps(shadow: boolean): ReadonlyArray<Step<PostContext>>;
  findPosted(ctx: SessionContext, vendor: string, invoiceNumber: string): Promise<string | null>;
  /** How `rpa selectors check` walks the live UI without saving anything. */
  check: SelectorTour;
}

export interface SelectorTour {
  /** Visits every screen a posting sees, calling `visit` on each; never saves. */
  walk(ctx: SessionContext, visit: (screen: string) => Promise<void>): Promise<void>;
  /** Elements that match many by design (result rows); never "ambiguous". */
  lists: readonly string[];
  /** Elements looked up inside the first match of another (a cell inside a row). */
  within: Readonly<Record<string, string>>;
  /** Shown only after a save or on an error, which a check must not cause: not checked. */
  unreachable: readonly string[];
}
