import { SystemError } from '../../runner/errors.ts';
import { fixtureErpFlow } from './fixture-erp/flow.ts';
import type { PostingFlow } from './types.ts';

/** Posting flows by target system; a new ERP is a new folder and one line here. */
const FLOWS: Record<string, PostingFlow> = {
  'fixture-erp': fixtureErpFlow,
};

export function flowFor(system: string): PostingFlow {
  const flow = FLOWS[system];
  if (!flow) {
    throw new SystemError('CONFIG_INVALID', `no posting flow for target system ${system}`);
  }
  return flow;
}
