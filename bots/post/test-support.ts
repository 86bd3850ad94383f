import { mkdtempSync, readFileSync, rmSync } from 'node:fs';
import os from 'node:os';
import path from 'node:path';
import {
  type FixtureErp,
  type FixtureErpOptions,
  type PostedInvoice,
  startFixtureErp,
} from '../../fixtures/erp/server.ts';
import type { LogFields } from '../../runner/log-fields.ts';
import type { Logger } from '../../runner/logger.ts';
import type { PostInvoice } from './types.ts';

/** Shared by the posting tests only: corpus invoices, a fixture ERP, a logger that keeps lines. */

export const CORPUS = path.resolve(import.meta.dirname, '../../../shared/corpus');
export const PASSWORD = 'S3cret-Pw!2026';

export function corpusInvoice(relativePdf: string): { invoice: PostInvoice; originalPath: string } {
  const originalPath = path.join(CORPUS, relativePdf);
  const expected = JSON.parse(readFileSync(`${originalPath}.expected.json`, 'utf8'));
  const invoice: PostInvoice = {
    seller_name: expected.seller_name,
    seller_vat_id: expected.seller_vat_id,
    invoice_number: expected.invoice_number,
    issue_date: expected.issue_date,
    due_date: expected.due_date,
    currency: expected.currency,
    net_total: expected.net_total,
    tax_total: expected.tax_total,
    gross_total: expected.gross_total,
    order_reference: expected.order_reference,
    line_items: expected.line_items,
  };
  return { invoice, originalPath };
}

export const EN16931 = 'akretion-factur-x/tests/fixtures/pdf/invoice_EN16931.pdf';
export const EINFACH = 'zugferd-corpus/XML-Rechnung/FX/EN16931_Einfach.pdf';
export const AZURE = 'invoice2data/tests/compare/AzureInterior.pdf';

export interface LogLine extends LogFields {
  level: string;
  message: string;
}

export function recordingLogger(lines: LogLine[], base: LogFields = {}): Logger {
  const at =
    (level: string) =>
    (message: string, fields: LogFields = {}) =>
      lines.push({ ...base, ...fields, level, message });
  return {
    error: at('error'),
    warn: at('warn'),
    info: at('info'),
    debug: at('debug'),
    child: (fields) => recordingLogger(lines, { ...base, ...fields }),
  };
}

export interface ErpWorld {
  erp: FixtureErp;
  dir: string;
  cleanup(): Promise<void>;
}

export async function startErpWorld(
  release: 'v1' | 'v2' = 'v1',
  more: Pick<FixtureErpOptions, 'faults' | 'onEvent'> = {},
): Promise<ErpWorld> {
  const dir = mkdtempSync(path.join(os.tmpdir(), `erp-${release}-`));
  const erp = await startFixtureErp({
    dataFile: path.join(dir, 'erp.json'),
    users: { bot: PASSWORD },
    release,
    ...more,
  });
  return {
    erp,
    dir,
    cleanup: async () => {
      await erp.close();
      rmSync(dir, { recursive: true, force: true });
    },
  };
}

/** What the ERP should hold after the bot posted `invoice`, in the ERP's own field names. */
export function expectedPosting(invoice: PostInvoice): Partial<PostedInvoice> {
  return {
    vendorName: invoice.seller_name,
    vendorVatId: invoice.seller_vat_id ?? '',
    invoiceNumber: invoice.invoice_number,
    invoiceDate: invoice.issue_date,
    dueDate: invoice.due_date ?? '',
    currency: invoice.currency,
    net: invoice.net_total,
    tax: invoice.tax_total,
    gross: invoice.gross_total,
    poReference: invoice.order_reference ?? '',
    lines: (invoice.line_items ?? []).map((l) => ({
      description: l.description ?? '',
      quantity: l.quantity ?? '',
      unitPrice: l.unit_price ?? '',
      lineTotal: l.line_total ?? '',
    })),
  };
}
