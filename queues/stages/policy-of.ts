import { readFileSync } from 'node:fs';
import { parse as parseYaml } from 'yaml';
import { loadPolicy, type Policy } from '../../bots/route/index.ts';
import { type Role, type UsersFile, usersSchema } from '../../config/policy-schema.ts';
import { BusinessError, SystemError } from '../../runner/errors.ts';
import type { Runtime } from '../runtime.ts';

const policies = new WeakMap<Runtime, Policy | null>();
const directories = new WeakMap<Runtime, UsersFile | null>();

/** Default exception route when no policy file is configured. */
export const NO_POLICY_ROUTE = { owner: 'unassigned', deadlineHours: 24, escalateTo: [] };

/** The routing policy named by `policyFile`, loaded once per runtime; null without one. */
export function policyOf(rt: Runtime): Policy | null {
  if (!policies.has(rt))
    policies.set(rt, rt.config.policyFile ? loadPolicy(rt.config.policyFile) : null);
  return policies.get(rt)!;
}

/**
 * When an approval level that becomes due at `from` must be signed: the policy's
 * `approvalDeadlineHours` later. Undefined without a policy, which has no chains.
 */
export function approvalDeadlineAt(rt: Runtime, from = new Date()): string | undefined {
  const policy = policyOf(rt);
  if (!policy) return undefined;
  return new Date(from.getTime() + policy.approvalDeadlineHours * 3_600_000).toISOString();
}

/** The user directory: the policy's, else `usersFile`; null when neither is configured. */
export function directoryOf(rt: Runtime): UsersFile | null {
  if (directories.has(rt)) return directories.get(rt)!;
  const policy = policyOf(rt);
  const directory = policy
    ? policy.users
    : rt.config.usersFile
      ? readUsers(rt.config.usersFile)
      : null;
  directories.set(rt, directory);
  return directory;
}

function readUsers(file: string): UsersFile {
  const parsed = usersSchema.safeParse(parseYaml(readFileSync(file, 'utf8')) ?? {});
  if (parsed.success) return parsed.data;
  const problems = parsed.error.issues.map((i) => `${i.path.join('.')}: ${i.message}`);
  throw new SystemError('POLICY_INVALID', `User directory ${file} refused: ${problems.join('; ')}`);
}

/**
 * The roles of `user`.
 *
 * @throws BusinessError USER_UNKNOWN when there is no directory or the user is not in it.
 */
export function rolesOf(rt: Runtime, user: string): Role[] {
  const directory = directoryOf(rt);
  if (!directory)
    throw new BusinessError(
      'USER_UNKNOWN',
      'No user directory: set policyFile or usersFile in the config',
    );
  const entry = directory.users.find((u) => u.id === user);
  if (!entry)
    throw new BusinessError('USER_UNKNOWN', `User "${user}" is not in the user directory`);
  return entry.roles;
}

/** Whether `user` is `entry` itself or a member of the group `entry`. */
export function isMember(rt: Runtime, user: string, entry: string): boolean {
  if (user === entry) return true;
  const directory = directoryOf(rt);
  return directory?.users.some((u) => u.id === user && u.groups.includes(entry)) ?? false;
}

/** The groups of `user`, for inbox filtering. */
export function groupsOf(rt: Runtime, user: string): string[] {
  return directoryOf(rt)?.users.find((u) => u.id === user)?.groups ?? [];
}
