export {
  canAct,
  canApprove,
  type CaseAction,
  type HistoryEntry,
  type SodVerdict,
} from './segregation.ts';
export { loadPolicy, type Policy } from './load-policy.ts';
export {
  delegateOf,
  exceptionFor,
  type RouteDecision,
  type RouteInput,
  routeCase,
} from './route-case.ts';
