import { describe, expect, it } from 'vitest';
import { type CorpusReport, runCorpusThroughPipeline } from './corpus-pipeline.ts';

/**
 * The whole product on real invoices: every PDF and XML invoice of ../shared/corpus is mailed
 * into a real Dovecot, taken by the mail intake, read, checked and posted into the fixture ERP
 * through Chromium. Each must end posted with the expected number and gross, or held with a
 * stated reason; none may fail or go missing.
 */
describe('corpus through the whole pipeline', () => {
  let report: CorpusReport;

  it('takes every mailed invoice into a case and fails none', { timeout: 600_000 }, async () => {
    report = await runCorpusThroughPipeline();
    expect(report.mailed).toBeGreaterThanOrEqual(70);
    expect(report.missing).toBe(0);
    expect(report.outcomes.filter((o) => o.state === 'failed')).toEqual([]);
    expect(report.posted + report.held).toBe(report.mailed);
  });

  it('posts with the expected invoice number and gross total', () => {
    expect(report.posted).toBeGreaterThan(15);
    const wrong = report.outcomes.filter((o) => o.state === 'posted' && !o.isPostedCorrectly);
    expect(wrong).toEqual([]);
  });

  it('states a reason code and a sentence for every held case', () => {
    for (const o of report.outcomes.filter((x) => x.state === 'held')) {
      expect(o.holdCode, o.file).toMatch(/^[A-Z][A-Z_]+$/);
      expect(o.holdReason, o.file).toMatch(/\w{3,}/);
    }
  });

  it('reads the key fields of XML and text invoices exactly', () => {
    for (const field of ['invoice_number', 'issue_date', 'currency', 'gross_total']) {
      expect(report.accuracy[field]?.accuracy, field).toBeGreaterThanOrEqual(0.95);
    }
  });
});
