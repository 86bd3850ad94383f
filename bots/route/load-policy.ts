import { createHash } from 'node:crypto';
import { readFileSync } from 'node:fs';
import path from 'node:path';
import { parse as parseYaml } from 'yaml';
import type { z } from 'zod';
import {
  type PolicyFile,
  policySchema,
  type UsersFile,
  usersSchema,
} from '../../config/policy-schema.ts';
import { SystemError } from '../../runner/errors.ts';
import { findPolicyProblems } from './policy-checks.ts';

/** A loaded, consistent policy with its user directory. */
export interface Policy extends PolicyFile {
  /** SHA-256 of the policy file's bytes, recorded with every routing decision. */
  policyVersion: string;
  file: string;
  users: UsersFile;
}

/**
 * Reads a routing policy and the user directory it names, and refuses it when it is malformed,
 * names unknown users or groups, has overlapping bands with different chains, or leaves an
 * amount without a route.
 *
 * @throws SystemError POLICY_INVALID, its message naming the file and every problem found.
 */
export function loadPolicy(file: string): Policy {
  const bytes = readOrRefuse(file);
  const policy = parseOrRefuse(file, bytes, policySchema);
  const usersPath = path.resolve(path.dirname(path.resolve(file)), policy.usersFile);
  const users = parseOrRefuse(usersPath, readOrRefuse(usersPath), usersSchema);
  const problems = findPolicyProblems(policy, users);
  if (problems.length > 0) refuse(file, problems);
  const policyVersion = createHash('sha256').update(bytes).digest('hex');
  return { ...policy, policyVersion, file: path.resolve(file), users };
}

function readOrRefuse(file: string): Buffer {
  try {
    return readFileSync(file);
  } catch (error) {
    return refuse(file, [`cannot be read: ${(error as Error).message}`], error);
  }
}

function parseOrRefuse<T extends z.ZodType>(file: string, bytes: Buffer, schema: T): z.infer<T> {
  let raw: unknown;
  try {
    raw = parseYaml(bytes.toString('utf8'));
  } catch (error) {
    return refuse(file, [`is not valid YAML: ${(error as Error).message}`], error);
  }
  const parsed = schema.safeParse(raw ?? {});
  if (!parsed.success) {
    refuse(
      file,
      parsed.error.issues.map((i) => `${i.path.join('.') || '(top)'}: ${i.message}`),
    );
  }
  return parsed.data;
}

function refuse(file: string, problems: string[], cause?: unknown): never {
  const message = `Routing policy ${file} refused:\n${problems.map((p) => `  - ${p}`).join('\n')}`;
  throw new SystemError('POLICY_INVALID', message, { cause, details: { file, problems } });
}
