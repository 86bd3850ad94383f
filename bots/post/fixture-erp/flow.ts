import type { Step } from '../../../runner/step-runner.ts';
import { openPage } from '../page-actions.ts';
import type { PostContext, PostingFlow, SessionContext } from '../types.ts';
import {
  attachOriginal,
  ensureLoggedIn,
  fillHeader,
  fillLines,
  findExisting,
  go,
  openEntryForm,
  readDocumentNumber,
  save,
  searchPosted,
} from './steps.ts';

/** The posting bot for the fixture ERP, step by step. Each step leaves a screenshot. */
const ENTRY_STEPS: ReadonlyArray<Step<PostContext>> = [
  { name: 'login', run: async (ctx) => void (await ensureLoggedIn(ctx)) },
  // Idempotency: a posting is looked up before it is entered; found means done.
  { name: 'find-existing', run: findExisting },
  { name: 'open-entry-form', run: openEntryForm },
  { name: 'fill-header', run: fillHeader },
  { name: 'fill-lines', run: fillLines },
  { name: 'attach-original', run: attachOriginal },
];

const SAVE_STEPS: ReadonlyArray<Step<PostContext>> = [
  { name: 'save', run: save },
  { name: 'read-document-number', run: readDocumentNumber, readsOnly: true },
];

export const fixtureErpFlow: PostingFlow = {
  requiredElements: [
    'login.user',
    'login.password',
    'login.submit',
    'login.error_message',
    'page.error_message',
    'menu.invoice_entry',
    'menu.invoice_search',
    'search.vendor',
    'search.invoice_number',
    'search.submit',
    'search.results',
    'search.result_row',
    'search.result_document_number',
    'search.result_vendor',
    'search.result_invoice_number',
    'invoice.vendor_name',
    'invoice.invoice_number',
    'invoice.issue_date',
    'invoice.currency',
    'invoice.net_total',
    'invoice.tax_total',
    'invoice.gross_total',
    'invoice.original_file',
    'invoice.add_line',
    'invoice.save',
    'invoice.document_number',
    'line.description',
  ],
  // Shadow mode stops before the save: everything filled and photographed, nothing stored.
  steps: (shadow) => (shadow ? ENTRY_STEPS : [...ENTRY_STEPS, ...SAVE_STEPS]),
  findPosted: async (ctx, vendor, invoiceNumber) => {
    await ensureLoggedIn(ctx);
    return searchPosted(ctx, vendor, invoiceNumber);
  },
  check: {
    walk: walkScreens,
    lists: ['search.result_row'],
    within: {
      'search.result_document_number': 'search.result_row',
      'search.result_vendor': 'search.result_row',
      'search.result_invoice_number': 'search.result_row',
    },
    unreachable: [
      'login.error_message',
      'page.error_message',
      'invoice.document_number',
      'popup.dismiss',
      'page.processing',
    ],
  },
};

/** Login, home, search and its results (unfiltered), the entry form, v2's confirm dialog. */
async function walkScreens(ctx: SessionContext, visit: (screen: string) => Promise<void>) {
  const { page, selectors: sel } = ctx;
  await openPage(page, ctx.baseUrl, ctx.timeoutMs);
  await visit('login');
  await ensureLoggedIn(ctx);
  await visit('home');
  await go(ctx, 'menu.invoice_search', 'search screen');
  await visit('search');
  await go(ctx, 'search.submit', 'search results');
  await visit('search results');
  await go(ctx, 'menu.invoice_entry', 'invoice entry');
  await visit('entry form');
  // The dialog only opens a confirmation; its "yes" is never clicked.
  if (sel.has('invoice.confirm_save')) {
    await (await sel.resolve(page, 'invoice.save')).click();
    await visit('confirm dialog');
  }
}
