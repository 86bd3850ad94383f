import { createHash } from 'node:crypto';
import { readdirSync, readFileSync } from 'node:fs';
import path from 'node:path';
import {
  type EarlierInvoice,
  readMasterFile,
  type ValidationInput,
} from '../../bots/validate/index.ts';
import { type CaseRecord, listEarlierCandidates } from '../../runner/store/cases.ts';
import { listPoInvoices, loadMasterData, saveMasterData } from '../../runner/store/master-data.ts';
import type { Runtime } from '../runtime.ts';
import { policyOf } from './policy-of.ts';

const RULES_DIR = path.resolve(import.meta.dirname, '../../bots/validate');
const loadedMaster = new WeakMap<Runtime, Promise<void>>();
let rulesSourceHash: string | undefined;

/**
 * Loads the master files named in the config into the store, once per runtime, so that a
 * pipeline started with `masterData` files checks against them without a separate command.
 */
export function ensureConfiguredMaster(rt: Runtime): Promise<void> {
  let loading = loadedMaster.get(rt);
  if (!loading) {
    loading = (async () => {
      for (const file of rt.config.masterData)
        await saveMasterData(rt.db, readMasterFile(file), path.resolve(file));
    })();
    loadedMaster.set(rt, loading);
  }
  return loading;
}

/** What the rules need for one case: earlier invoices, the master data and the rules version. */
export async function buildValidationInput(rt: Runtime, c: CaseRecord): Promise<ValidationInput> {
  await ensureConfiguredMaster(rt);
  const master = await loadMasterData(rt.db);
  const earlier = await withCodingAndChannel(
    rt,
    (await listEarlierCandidates(rt.db, c)).map(toEarlier),
  );
  const reference = c.extraction?.fields.order_reference?.value;
  const v = rt.config.validate;
  return {
    caseId: c.id,
    sha256: c.sha256,
    extraction: c.extraction!,
    earlier,
    ...(master.vendors.length > 0 ? { vendors: master.vendors } : {}),
    ...(master.purchaseOrders.length > 0
      ? { purchaseOrders: master.purchaseOrders, goodsReceipts: master.goodsReceipts }
      : {}),
    poInvoices: reference ? await listPoInvoices(rt.db, reference, c.id) : [],
    ...(master.glAccounts.length > 0 ? { glAccounts: master.glAccounts } : {}),
    ...(master.costCentres.length > 0 ? { costCentres: master.costCentres } : {}),
    rulesVersion: rulesVersionOf(rt),
    settings: {
      totalsTolerance: v.totalsTolerance,
      minConfidence: rt.config.extract.minConfidence,
      duplicateWindowDays: v.duplicateWindowDays,
      ...(v.allowedTaxRatesPercent ? { allowedTaxRatesPercent: v.allowedTaxRatesPercent } : {}),
      matchQuantityTolerance: v.matchQuantityTolerance,
      matchPricePercent: v.matchPricePercent,
      matchAmountTolerance: v.matchAmountTolerance,
    },
  };
}

/**
 * SHA-256 over the rule sources, the validation settings and the policy file: two checks with
 * the same version were decided by the same rules, tolerances and policy.
 */
export function rulesVersionOf(rt: Runtime): string {
  rulesSourceHash ??= hashRuleSources();
  return createHash('sha256')
    .update(rulesSourceHash)
    .update(JSON.stringify(rt.config.validate))
    .update(policyOf(rt)?.policyVersion ?? 'no-policy')
    .digest('hex');
}

function hashRuleSources(): string {
  const hash = createHash('sha256');
  const files = readdirSync(RULES_DIR).filter((f) => f.endsWith('.ts') && !f.endsWith('.test.ts'));
  for (const file of files.sort())
    hash.update(file).update(readFileSync(path.join(RULES_DIR, file)));
  return hash.digest('hex');
}

/**
 * Adds to each earlier case the channel it first arrived by (mail, portal, ...: a re-send by
 * another channel is named in the duplicate hold) and the coding its own `coding` check
 * proposed (the vendor history of V6).
 */
async function withCodingAndChannel(
  rt: Runtime,
  earlier: EarlierInvoice[],
): Promise<EarlierInvoice[]> {
  if (earlier.length === 0) return earlier;
  const channels = await rt.db.query<{ sha256: string; channel: string }>(
    `SELECT DISTINCT ON (sha256) sha256, channel FROM document_arrivals
     WHERE sha256 = ANY($1) ORDER BY sha256, id`,
    [earlier.map((e) => e.sha256)],
  );
  const codings = await rt.db.query<{ case_id: string; evidence: Record<string, unknown> }>(
    `SELECT case_id, evidence FROM checks WHERE rule = 'coding' AND result = 'pass'
     AND case_id = ANY($1)`,
    [earlier.map((e) => e.caseId)],
  );
  const channelOf = new Map(channels.map((r) => [r.sha256, r.channel]));
  const codingOf = new Map(codings.map((r) => [r.case_id, r.evidence]));
  return earlier.map((e) => {
    const coding = codingOf.get(e.caseId);
    const channel = channelOf.get(e.sha256);
    return {
      ...e,
      ...(channel ? { channel } : {}),
      ...(typeof coding?.glAccount === 'string' ? { glAccount: coding.glAccount } : {}),
      ...(typeof coding?.costCentre === 'string' ? { costCentre: coding.costCentre } : {}),
    };
  });
}

function toEarlier(c: CaseRecord): EarlierInvoice {
  const f = c.extraction?.fields;
  return {
    caseId: c.id,
    sha256: c.sha256,
    sellerName: f?.seller_name?.value,
    sellerVatId: f?.seller_vat_id?.value,
    invoiceNumber: f?.invoice_number?.value,
    grossTotal: f?.gross_total?.value,
    currency: f?.currency?.value,
    issueDate: f?.issue_date?.value,
    documentKind: c.documentKind ?? undefined,
  };
}
