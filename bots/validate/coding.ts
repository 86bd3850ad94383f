import {
  type CheckResult,
  describeInvoice,
  hold,
  pass,
  type ValidationInput,
} from './check-result.ts';
import { capitalise } from './required-fields.ts';
import { findVendor } from './vendor-master.ts';
import { isSameSeller } from './duplicate-invoice.ts';

const RULE = 'coding';

/** Where a proposed account assignment came from, most binding first. */
type CodingSource = 'purchase-order' | 'vendor-master' | 'vendor-history';

interface Proposal {
  glAccount?: string;
  costCentre?: string;
  source: CodingSource;
  basis: Record<string, unknown>;
}

/**
 * V6: proposes the GL account and cost centre of an invoice: from the purchase order it quotes,
 * else from the vendor's default coding in the master, else from the coding most often given to
 * the seller's earlier invoices. CODING_UNRESOLVED when nothing proposes a GL account, or when
 * the proposal is not in the chart of accounts or the cost centres loaded. Skipped without a
 * vendor master or purchase orders, as there is nothing to code from.
 */
export function checkCoding(input: ValidationInput): CheckResult | null {
  if (!input.vendors && !input.purchaseOrders) return null;
  if (input.extraction.documentKind === 'other') return null;
  const name = capitalise(describeInvoice(input));
  const proposal = fromOrder(input) ?? fromVendor(input) ?? fromHistory(input);
  if (!proposal?.glAccount) {
    return hold(
      RULE,
      'CODING_UNRESOLVED',
      `${name}: no purchase order, vendor default or earlier invoice proposes a GL account.`,
      { orderReference: input.extraction.fields.order_reference?.value ?? null },
    );
  }
  const evidence = {
    glAccount: proposal.glAccount,
    costCentre: proposal.costCentre ?? null,
    source: proposal.source,
    ...proposal.basis,
  };
  const accounts = input.glAccounts ?? [];
  if (accounts.length > 0 && !accounts.some((a) => a.id === proposal.glAccount))
    return hold(
      RULE,
      'CODING_UNRESOLVED',
      `${name}: GL account ${proposal.glAccount} (from the ${proposal.source}) is not in the chart of accounts.`,
      evidence,
    );
  const centres = input.costCentres ?? [];
  if (
    proposal.costCentre &&
    centres.length > 0 &&
    !centres.some((c) => c.id === proposal.costCentre)
  )
    return hold(
      RULE,
      'CODING_UNRESOLVED',
      `${name}: cost centre ${proposal.costCentre} (from the ${proposal.source}) is not a known cost centre.`,
      evidence,
    );
  return pass(
    RULE,
    `${name} is coded to GL ${proposal.glAccount}${proposal.costCentre ? `, cost centre ${proposal.costCentre}` : ''} from the ${proposal.source}.`,
    evidence,
  );
}

function fromOrder(input: ValidationInput): Proposal | null {
  const reference = input.extraction.fields.order_reference?.value?.trim();
  const order = reference
    ? input.purchaseOrders?.find((po) => po.number.trim() === reference)
    : undefined;
  if (!order?.glAccount) return null;
  return {
    glAccount: order.glAccount,
    ...(order.costCentre ? { costCentre: order.costCentre } : {}),
    source: 'purchase-order',
    basis: { poNumber: order.number },
  };
}

function fromVendor(input: ValidationInput): Proposal | null {
  const vendor = input.vendors
    ? findVendor(input.extraction.fields, input.vendors)?.vendor
    : undefined;
  if (!vendor?.glAccount) return null;
  return {
    glAccount: vendor.glAccount,
    ...(vendor.costCentre ? { costCentre: vendor.costCentre } : {}),
    source: 'vendor-master',
    basis: { vendorId: vendor.id },
  };
}

/** The coding given most often to the seller's earlier invoices; the latest wins a tie. */
function fromHistory(input: ValidationInput): Proposal | null {
  const coded = input.earlier.filter(
    (e) => e.caseId !== input.caseId && e.glAccount && isSameSeller(input.extraction.fields, e),
  );
  if (coded.length === 0) return null;
  const counts = new Map<string, number>();
  for (const e of coded) {
    const key = `${e.glAccount}|${e.costCentre ?? ''}`;
    counts.set(key, (counts.get(key) ?? 0) + 1);
  }
  let best = '';
  let bestCount = 0;
  for (const [key, n] of counts) {
    if (n >= bestCount) {
      best = key;
      bestCount = n;
    }
  }
  const [glAccount, costCentre] = best.split('|');
  return {
    glAccount: glAccount!,
    ...(costCentre ? { costCentre } : {}),
    source: 'vendor-history',
    basis: {
      historyCaseIds: coded.map((e) => e.caseId),
      sameCodingCount: bestCount,
    },
  };
}
