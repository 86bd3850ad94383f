import { sweepEscalations } from '../../queues/escalation.ts';
import { shutdown } from '../../queues/runtime.ts';
import { groupsOf } from '../../queues/stages/policy-of.ts';
import { listCases } from '../../runner/store/cases.ts';
import { getApproval } from '../../runner/store/decisions.ts';
import { getException } from '../../runner/store/exceptions.ts';
import { configFrom, type GlobalOptions, openRuntime } from '../open-runtime.ts';
import { maskIbansIn } from '../iban-display.ts';

export interface InboxItem {
  caseId: string;
  state: string;
  /** The reason code of a hold, or `APPROVAL` with the level for a chain. */
  code: string;
  owner: string;
  deadlineAt?: string;
  file: string;
  /** Whether the document was read at all; a file that could not be read has no fields. */
  wasRead: boolean;
  invoiceNumber: string | null;
  seller: string | null;
  grossTotal: string | null;
  currency: string | null;
  reason: string | null;
}

/** `rpa inbox [--user U] [--json]`: what waits for a person, optionally for one user. */
export async function showInbox(
  options: GlobalOptions & { user?: string; json?: boolean },
): Promise<void> {
  const rt = await openRuntime(configFrom(options), 'inbox', { create: false });
  try {
    const items: InboxItem[] = [];
    for (const state of ['held', 'awaiting-approval'] as const) {
      for (const c of await listCases(rt.db, state)) {
        const e = await getException(rt.db, c.id);
        const a = await getApproval(rt.db, c.id);
        const isChain = state === 'awaiting-approval' && a;
        const deadlineAt = isChain ? a.deadlineAt : e?.deadlineAt;
        items.push({
          caseId: c.id,
          state,
          code: isChain ? `APPROVAL ${a.level + 1}/${a.chain.length}` : (c.holdCode ?? '?'),
          owner: isChain ? a.chain[a.level]! : (e?.owner ?? 'unassigned'),
          ...(deadlineAt ? { deadlineAt } : {}),
          file: c.fileName,
          wasRead: c.extraction !== null,
          invoiceNumber: c.invoiceNumber,
          seller: c.sellerName,
          grossTotal: c.grossTotal,
          currency: c.currency,
          reason: c.holdReason,
        });
      }
    }
    const mine = options.user ? forUser(items, options.user, groupsOf(rt, options.user)) : items;
    if (options.json) console.log(JSON.stringify(mine, null, 2));
    else printInbox(mine);
  } finally {
    await shutdown(rt);
  }
}

function forUser(items: InboxItem[], user: string, groups: string[]): InboxItem[] {
  return items.filter((i) => i.owner === user || groups.includes(i.owner));
}

function printInbox(items: InboxItem[]): void {
  console.log(`Inbox: ${items.length} case(s)`);
  for (const i of items) {
    const due = i.deadlineAt ? ` due ${i.deadlineAt.slice(0, 16)}` : '';
    console.log(`  ${i.caseId}  ${i.code.padEnd(24)} ${i.owner.padEnd(16)}${due}  ${invoiceOf(i)}`);
    if (i.reason) console.log(`      ${maskIbansIn(i.reason)}`);
  }
}

/** Number, seller and amount; the file name for a case none of them was read from. */
function invoiceOf(i: InboxItem): string {
  if (i.invoiceNumber === null && i.seller === null && i.grossTotal === null)
    return `${i.file} (${i.wasRead ? 'no invoice number, seller or amount read' : 'not read'})`;
  return `${i.invoiceNumber ?? '?'} ${i.seller ?? '?'} ${i.grossTotal ?? '?'} ${i.currency ?? ''}`;
}

/** `rpa escalate`: one sweep of exceptions past their deadline. */
export async function escalateNow(options: GlobalOptions): Promise<void> {
  const rt = await openRuntime(configFrom(options), 'escalate', { create: false });
  try {
    const escalated = await sweepEscalations(rt);
    console.log(`Escalated: ${escalated}`);
  } finally {
    await shutdown(rt);
  }
}
