import type { Stage, StageHandler } from './names.ts';
import type { Runtime } from './runtime.ts';
import { runExtractStage } from './stages/extract-stage.ts';
import { runPostStage } from './stages/post-stage.ts';
import { runRouteStage } from './stages/route-stage.ts';
import { guardStage } from './stages/stage-guard.ts';
import { runValidateStage } from './stages/validate-stage.ts';

/** The handler of every stage, each wrapped with the failure policy. */
export function pipelineHandlers(rt: Runtime): Record<Stage, StageHandler> {
  return {
    extract: guardStage(rt, 'extract', (p) => runExtractStage(rt, p)),
    validate: guardStage(rt, 'validate', (p) => runValidateStage(rt, p)),
    route: guardStage(rt, 'route', (p) => runRouteStage(rt, p)),
    post: guardStage(rt, 'post', (p) => runPostStage(rt, p)),
  };
}
