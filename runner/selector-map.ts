import { existsSync, readdirSync, readFileSync } from 'node:fs';
import path from 'node:path';
import { fileURLToPath } from 'node:url';
import { parse as parseYaml } from 'yaml';
import { z } from 'zod';
import { SystemError } from './errors.ts';

/**
 * The selector map file (`selectors/<system>/<release>.yaml`): what a release of a target's UI
 * looks like, as data. Business names map to selectors; frames are declared once by name and
 * elements say which frame they sit in, so a release that moves screens into an iframe is a
 * new file, not new code.
 */

const selector = z.string().min(1);

// A frame is referred to by name. Someone who writes a selector here instead ("iframe#main")
// gets told what is wanted rather than a bare "invalid string".
const frameName = z
  .string()
  .regex(
    /^[a-z][a-z0-9_]*$/,
    'must be the name of a frame declared under `frames:` (lower case letters, digits, _), not a selector',
  );

const frameSchema = z
  .object({
    /** Selector of the `<iframe>` or `<frame>` element, in its parent's document. Tried first. */
    primary: selector,
    /** Tried in order when the primary matches nothing; each use is logged as a warning. */
    fallbacks: z.array(selector).default([]),
    /** The frame this one is nested in, by name. Unset: it sits in the top-level page. */
    parent: frameName.optional(),
  })
  .strict();

const elementSchema = z
  .object({
    /** Tried first. May hold `{row}`-style placeholders filled at resolve time. */
    primary: selector,
    /** Tried in order when the primary matches nothing; each use is logged as a warning. */
    fallbacks: z.array(selector).default([]),
    /** Hidden (painted over) in every screenshot. */
    mask: z.boolean().default(false),
    /** The frame the element sits in, by name under `frames:`. Unset: the top-level page. */
    frame: frameName.optional(),
  })
  .strict();

const mapShape = z
  .object({
    system: z.string().min(1),
    release: z.string().min(1),
    /** How to recognise this release on the login page: a regex on an attribute or the text. */
    detect: z
      .object({
        selector: z.string(),
        attribute: z.string().optional(),
        pattern: z.string(),
        frame: frameName.optional(),
      })
      .strict(),
    /** How the release wants values typed. */
    formats: z
      .object({
        date: z.enum(['DD.MM.YYYY', 'MM/DD/YYYY', 'YYYY-MM-DD']).default('YYYY-MM-DD'),
        decimalSeparator: z.enum(['.', ',']).default('.'),
      })
      .strict()
      .default({ date: 'YYYY-MM-DD', decimalSeparator: '.' }),
    /** Frames (iframes of a portal shell, old framesets) by name; elements refer to them. */
    frames: z.record(frameName, frameSchema).default({}),
    elements: z.record(z.string().regex(/^[a-z_]+\.[a-z_]+$/), elementSchema),
  })
  .strict();

export type SelectorMap = z.infer<typeof mapShape>;
export type SelectorElement = z.infer<typeof elementSchema>;
export type SelectorFrame = z.infer<typeof frameSchema>;

export const selectorMapSchema = mapShape.superRefine(checkFrameReferences);

/** Every frame named by an element, the detect rule or another frame exists; no loops. */
function checkFrameReferences(map: SelectorMap, ctx: z.RefinementCtx<SelectorMap>): void {
  const declared = Object.keys(map.frames);
  const known = declared.length > 0 ? `declared: ${declared.join(', ')}` : 'none is declared';
  const need = (name: string | undefined, at: Array<string | number>) => {
    if (name === undefined || Object.hasOwn(map.frames, name)) return;
    ctx.addIssue({
      code: 'custom',
      path: at,
      message: `frame "${name}" is not declared under frames (${known})`,
    });
  };
  need(map.detect.frame, ['detect', 'frame']);
  for (const [name, element] of Object.entries(map.elements)) {
    need(element.frame, ['elements', name, 'frame']);
  }
  for (const [name, frame] of Object.entries(map.frames)) {
    need(frame.parent, ['frames', name, 'parent']);
    const loop = parentLoop(map.frames, name);
    if (loop) {
      ctx.addIssue({
        code: 'custom',
        path: ['frames', name, 'parent'],
        message: `frames are nested in a loop: ${loop.join(' in ')}`,
      });
    }
  }
}

/** The chain `name`, its parent, … when it comes back to `name`; else null. */
function parentLoop(frames: Record<string, SelectorFrame>, name: string): string[] | null {
  const chain = [name];
  for (let at = frames[name]?.parent; at !== undefined; at = frames[at]?.parent) {
    if (at === name) return [...chain, at];
    // A loop further up that does not pass through `name` is reported at its own members.
    if (chain.includes(at)) return null;
    chain.push(at);
  }
  return null;
}

/**
 * The frames around a frame or element, outermost first: `["portal", "work"]` for `work`
 * nested in `portal`. Empty for the top-level page. The map was checked free of loops.
 */
export function framePath(map: SelectorMap, frame: string | undefined): string[] {
  const names: string[] = [];
  for (let at = frame; at !== undefined; at = map.frames[at]?.parent) names.unshift(at);
  return names;
}

/** The repository's `selectors/` folder, found from this file so any working directory works. */
export const DEFAULT_SELECTORS_DIR = path.resolve(
  path.dirname(fileURLToPath(import.meta.url)),
  '../selectors',
);

/**
 * Reads and validates `<dir>/<system>/<release>.yaml`. Throws SystemError
 * ('SELECTOR_MAP_INVALID') naming the file and every problem with its path in the map.
 */
export function loadSelectorMap(
  system: string,
  release: string,
  dir = DEFAULT_SELECTORS_DIR,
): SelectorMap {
  const file = path.join(dir, system, `${release}.yaml`);
  if (!existsSync(file)) {
    throw new SystemError('SELECTOR_MAP_INVALID', `no selector map ${file}`, {
      details: { system, release },
    });
  }
  const parsed = selectorMapSchema.safeParse(parseYaml(readFileSync(file, 'utf8')));
  if (!parsed.success) {
    const problems = parsed.error.issues.map((i) => `${i.path.join('.')}: ${i.message}`);
    throw new SystemError('SELECTOR_MAP_INVALID', `${file}: ${problems.join('; ')}`);
  }
  if (parsed.data.system !== system || parsed.data.release !== release) {
    throw new SystemError('SELECTOR_MAP_INVALID', `${file} declares another system or release`);
  }
  return parsed.data;
}

/** Every map of a system, in release order. */
export function loadSelectorMaps(system: string, dir = DEFAULT_SELECTORS_DIR): SelectorMap[] {
  const folder = path.join(dir, system);
  const files = existsSync(folder) ? readdirSync(folder).filter((f) => f.endsWith('.yaml')) : [];
  if (files.length === 0) {
    throw new SystemError('SELECTOR_MAP_INVALID', `no selector maps for ${system} in ${folder}`);
  }
  return files.sort().map((f) => loadSelectorMap(system, f.replace(/\.yaml$/, ''), dir));
}
