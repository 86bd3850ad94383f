import {
  type CheckResult,
  describeInvoice,
  hold,
  pass,
  type ValidationInput,
} from './check-result.ts';
import { capitalise } from './required-fields.ts';

/**
 * NOT_AN_INVOICE for documents that must not be posted as a payable: reminders (the invoice they
 * chase should already be here), remittance advices and anything else. Credit notes pass: they are
 * posted too, with their own approval rules.
 */
export function checkDocumentKind(input: ValidationInput): CheckResult {
  const kind = input.extraction.documentKind;
  if (kind === 'invoice' || kind === 'credit-note') {
    return pass(
      'document-kind',
      `${capitalise(describeInvoice(input))} is ${article(kind)} ${kind}.`,
      {
        documentKind: kind,
      },
    );
  }
  return hold(
    'document-kind',
    'NOT_AN_INVOICE',
    `Case ${input.caseId} is ${article(kind)} ${kind}, not an invoice or credit note, and is not posted.`,
    { documentKind: kind, method: input.extraction.method },
  );
}

function article(word: string): string {
  return /^[aeiou]/i.test(word) ? 'an' : 'a';
}
