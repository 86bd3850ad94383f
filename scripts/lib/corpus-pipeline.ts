import { randomBytes } from 'node:crypto';
import { mkdtempSync, readFileSync, rmSync } from 'node:fs';
import os from 'node:os';
import path from 'node:path';
import MailComposer from 'nodemailer/lib/mail-composer/index.js';
import { openRuntime } from '../../cli/open-runtime.ts';
import { processPass } from '../../cli/commands/run.ts';
import { loadConfig } from '../../config/load.ts';
import { appendMail } from '../../fixtures/dovecot/append-mail.ts';
import { startDovecot } from '../../fixtures/dovecot/start-dovecot.ts';
import { type PostedInvoice, startFixtureErp } from '../../fixtures/erp/server.ts';
import { shutdown } from '../../queues/runtime.ts';
import { plainFields } from '../../runner/invoice.ts';
import { OriginalStore } from '../../runner/originals.ts';
import { listCases } from '../../runner/store/cases.ts';
import { type CorpusEntry, type CorpusKind, listCorpus, scoreFields } from './corpus.ts';

/** The corpus kinds that arrive by mail as PDF or XML attachments. */
export const MAILED_KINDS: CorpusKind[] = ['text-pdf', 'facturx-pdf', 'xml-ubl', 'xml-cii'];

export interface CorpusOutcome {
  file: string;
  kind: CorpusKind;
  caseId: string | null;
  state: string;
  /** For posted cases: the ERP holds the expected invoice number and gross total. */
  isPostedCorrectly?: boolean;
  holdCode?: string | null;
  holdReason?: string | null;
  fields: Array<{ field: string; hit: boolean }>;
}

export interface CorpusReport {
  mailed: number;
  posted: number;
  postedCorrectly: number;
  held: number;
  failed: number;
  missing: number;
  heldByReason: Record<string, number>;
  /** field -> { hits, total, accuracy } over every file that states the field. */
  accuracy: Record<string, { hits: number; total: number; accuracy: number }>;
  outcomes: CorpusOutcome[];
  durationMs: number;
}

/**
 * Mails every PDF and XML invoice of the shared corpus into a real Dovecot mailbox, runs the
 * whole pipeline (mail intake, extraction, checks, posting into the fixture ERP through
 * Chromium) and compares each case with the file's expected fields.
 */
export async function runCorpusThroughPipeline(
  options: { kinds?: CorpusKind[]; limit?: number } = {},
): Promise<CorpusReport> {
  const startedMs = Date.now();
  const kinds = options.kinds ?? MAILED_KINDS;
  const entries = listCorpus()
    .filter((e) => kinds.includes(e.kind))
    .slice(0, options.limit);
  if (entries.length === 0) throw new Error('No corpus files found: is ../shared/corpus there?');
  const workDir = mkdtempSync(path.join(os.tmpdir(), 'rpa-corpus-'));
  const imapPassword = randomBytes(9).toString('hex');
  const erpPassword = randomBytes(9).toString('hex');
  const dovecot = await startDovecot({ users: [{ user: 'ap', password: imapPassword }] });
  const erp = await startFixtureErp({
    dataFile: path.join(workDir, 'erp.json'),
    users: { bot: erpPassword },
  });
  try {
    for (const [i, entry] of entries.entries()) {
      await appendMail(dovecot, 'ap', imapPassword, 'INBOX', await mailFor(entry, i));
    }
    process.env.RPA_CORPUS_IMAP_PASSWORD = imapPassword;
    process.env.RPA_CORPUS_ERP_PASSWORD = erpPassword;
    const config = loadConfig(
      null,
      {},
      {
        dataDir: workDir,
        queue: { mode: 'in-process', concurrency: 2, postConcurrency: 1 },
        sources: {
          mailboxes: [
            {
              name: 'ap',
              host: dovecot.host,
              port: dovecot.port,
              secure: false,
              user: 'ap',
              password: { env: 'RPA_CORPUS_IMAP_PASSWORD' },
            },
          ],
        },
        targets: {
          erp: { baseUrl: erp.url, user: 'bot', password: { env: 'RPA_CORPUS_ERP_PASSWORD' } },
        },
        log: { console: false, level: 'warn' },
      },
    );
    const rt = await openRuntime(config, 'corpus');
    try {
      await processPass(rt);
      const outcomes = await collectOutcomes(rt.db, entries, erp.listInvoices());
      return summarise(entries.length, outcomes, Date.now() - startedMs);
    } finally {
      await shutdown(rt);
    }
  } finally {
    await erp.close();
    await dovecot.stop();
    rmSync(workDir, { recursive: true, force: true });
  }
}

async function mailFor(entry: CorpusEntry, index: number): Promise<Buffer> {
  const fileName = path.basename(entry.path);
  const composer = new MailComposer({
    from: 'Vendor Billing <billing@vendor.example>',
    to: 'ap@buyer.example',
    subject: `Invoice ${fileName}`,
    messageId: `<corpus-${index}@vendor.example>`,
    date: new Date(Date.UTC(2026, 0, 1, 0, index)),
    text: 'Please find our invoice attached.',
    attachments: [{ filename: fileName, content: readFileSync(entry.path) }],
  });
  return composer.compile().build();
}

async function collectOutcomes(
  db: Parameters<typeof listCases>[0],
  entries: CorpusEntry[],
  posted: PostedInvoice[],
): Promise<CorpusOutcome[]> {
  const cases = new Map((await listCases(db)).map((c) => [c.sha256, c]));
  return entries.map((entry) => {
    const c = cases.get(OriginalStore.hash(readFileSync(entry.path)));
    const actual = c?.extraction ? plainFields(c.extraction.fields) : {};
    const fields = scoreFields(actual, entry.expected).map(({ field, hit }) => ({ field, hit }));
    const base = { file: path.relative(process.cwd(), entry.path), kind: entry.kind, fields };
    if (!c) return { ...base, caseId: null, state: 'missing' };
    const erpEntry = posted.find(
      (p) => p.invoiceNumber === c.invoiceNumber && p.gross === c.grossTotal,
    );
    return {
      ...base,
      caseId: c.id,
      state: c.state,
      holdCode: c.holdCode,
      holdReason: c.holdReason,
      isPostedCorrectly:
        c.state === 'posted'
          ? erpEntry?.invoiceNumber === entry.expected.invoice_number &&
            Number(erpEntry?.gross) === Number(entry.expected.gross_total ?? erpEntry?.gross)
          : undefined,
    };
  });
}

function summarise(mailed: number, outcomes: CorpusOutcome[], durationMs: number): CorpusReport {
  const count = (state: string) => outcomes.filter((o) => o.state === state).length;
  const heldByReason: Record<string, number> = {};
  const accuracy: CorpusReport['accuracy'] = {};
  for (const o of outcomes) {
    if (o.state === 'held')
      heldByReason[o.holdCode ?? '?'] = (heldByReason[o.holdCode ?? '?'] ?? 0) + 1;
    for (const f of o.fields) {
      const a = accuracy[f.field] ?? { hits: 0, total: 0, accuracy: 0 };
      accuracy[f.field] = a;
      a.total += 1;
      a.hits += f.hit ? 1 : 0;
      a.accuracy = Math.round((a.hits / a.total) * 1000) / 1000;
    }
  }
  return {
    mailed,
    posted: count('posted'),
    postedCorrectly: outcomes.filter((o) => o.isPostedCorrectly).length,
    held: count('held'),
    failed: count('failed'),
    missing: count('missing'),
    heldByReason,
    accuracy,
    outcomes,
    durationMs,
  };
}
