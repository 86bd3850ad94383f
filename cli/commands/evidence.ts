import { listAudit } from '../../runner/audit.ts';
import { BusinessError } from '../../runner/errors.ts';
import { plainFields } from '../../runner/invoice.ts';
import { getCase } from '../../runner/store/cases.ts';
import { getApproval } from '../../runner/store/decisions.ts';
import { listChecks } from '../../runner/store/checks.ts';
import { listArrivals } from '../../runner/store/documents.ts';
import { getPosting } from '../../runner/store/postings.ts';
import { listSteps } from '../../runner/store/steps.ts';
import type { Db } from '../../runner/store/db.ts';
import { writeFileSync } from 'node:fs';
import { configFrom, type GlobalOptions, openStore } from '../open-runtime.ts';
import { postingStateText } from './outcomes.ts';
import { renderEvidenceHtml } from './evidence-html.ts';
import { maskIban, maskIbansIn } from '../iban-display.ts';

/** Everything recorded about one case, in the order an auditor reads it. */
export async function collectEvidence(db: Db, caseId: string) {
  const c = await getCase(db, caseId);
  if (!c) throw new BusinessError('CASE_NOT_FOUND', `No case ${caseId}; see \`rpa status\``);
  const audit = await listAudit(db, c.id);
  return {
    case: {
      id: c.id,
      state: c.state,
      holdCode: c.holdCode,
      holdReason: c.holdReason,
      documentKind: c.documentKind,
      createdAt: c.createdAt,
      updatedAt: c.updatedAt,
    },
    document: { sha256: c.sha256, fileName: c.fileName, original: c.storedPath },
    arrivals: await listArrivals(db, c.sha256),
    extraction: c.extraction && {
      method: c.extraction.method,
      warnings: c.extraction.warnings,
      fields: plainFields(c.extraction.fields),
      confidence: Object.fromEntries(
        Object.entries(c.extraction.fields).map(([k, v]) => [k, v?.confidence]),
      ),
    },
    checks: await listChecks(db, c.id),
    posting: (await getPosting(db, c.id)) ?? null,
    steps: await listSteps(db, c.id),
    approval: (await getApproval(db, c.id)) ?? null,
    audit,
    // Who decided what: every person's action, and the routing and escalation bots' choices.
    decisions: audit.filter((a) => !a.actor.startsWith('bot:') || DECIDING_BOTS.has(a.actor)),
  };
}

const DECIDING_BOTS = new Set(['bot:route', 'bot:escalate']);

/** `rpa evidence CASE`: the case's data, checks, steps with screenshots, and audit events. */
export async function showEvidence(
  caseId: string,
  options: GlobalOptions & { json?: boolean; html?: string },
) {
  const db = await openStore(configFrom(options));
  try {
    const e = await collectEvidence(db, caseId);
    if (options.html) {
      writeFileSync(options.html, renderEvidenceHtml(e));
      console.log(`Evidence of ${caseId} written to ${options.html}`);
      return;
    }
    if (options.json) {
      console.log(JSON.stringify(e, null, 2));
      return;
    }
    console.log(
      `Case ${e.case.id}: ${e.case.state}${e.case.holdCode ? ` (${e.case.holdCode}: ${maskIbansIn(String(e.case.holdReason))})` : ''}`,
    );
    console.log(
      `Original: ${e.document.fileName}  sha256 ${e.document.sha256}\n  ${e.document.original}`,
    );
    for (const a of e.arrivals)
      console.log(`Arrived: ${a.arrived_at} by ${a.channel} (${a.source_ref})`);
    if (e.extraction) {
      console.log(`Extraction (${e.extraction.method}):`);
      for (const [k, v] of Object.entries(e.extraction.fields)) {
        if (k === 'line_items') continue;
        const value = k === 'iban' && v ? maskIban(String(v)) : String(v);
        console.log(`  ${k.padEnd(16)} ${value}  (confidence ${e.extraction.confidence[k]})`);
      }
      const lines = (e.extraction.fields.line_items ?? []) as Array<Record<string, unknown>>;
      for (const [i, l] of lines.entries()) {
        const [quantity, price, total] = [l.quantity, l.unit_price, l.line_total].map(
          (v) => v ?? '?',
        );
        console.log(
          `  line ${String(i + 1).padEnd(11)} ${l.description ?? ''}: ${quantity} x ${price} = ${total}`,
        );
      }
    }
    for (const c of e.checks)
      console.log(`Check ${c.result.padEnd(4)} ${c.rule}: ${maskIbansIn(c.reason)}`);
    if (e.posting)
      console.log(
        `Posting: ${postingStateText(e.posting.state)} ${e.posting.erpDocumentNumber ?? ''} on ${e.posting.target}`,
      );
    for (const s of e.steps) {
      console.log(
        `Step ${s.step.padEnd(14)} ${s.status.padEnd(6)} ${s.durationMs} ms ${s.screenshotPath ?? ''}`,
      );
      if (s.message) console.log(`  ${s.errorCode}: ${s.message}`);
      if (s.htmlPath) console.log(`  page at the failure: ${s.htmlPath}`);
    }
    for (const d of e.decisions) console.log(`Decision: ${d.at} ${d.actor} ${d.action}`);
    for (const a of e.audit) console.log(`Audit #${a.seq} ${a.at} ${a.actor} ${a.action}`);
  } finally {
    await db.close();
  }
}
