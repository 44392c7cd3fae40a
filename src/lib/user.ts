/** Input checks and prompts for a sign-in user (create-user, init): e-mail, group, password. */
import { DEFAULT_PASSWORD_POLICY, type PasswordPolicy } from '../domain/oauth.js';
import type { Prompter } from './prompt.js';
import { Email, GroupName, problem } from './validate.js';

const SYMBOLS = /[\^$*.[\]{}()?"!@#%&/\\,><':;|_~`=+-]/;

/** One sentence describing what is wrong with an e-mail address, or undefined. */
export function emailProblem(v: string): string | undefined {
  return problem(Email, v);
}

export function groupProblem(v: string): string | undefined {
  return problem(GroupName, v);
}

/** What the pool's password policy rejects in `pw`, or undefined. The password itself is never repeated. */
export function passwordProblem(pw: string, policy: PasswordPolicy = DEFAULT_PASSWORD_POLICY): string | undefined {
  const min = policy.MinimumLength ?? 8;
  const missing: string[] = [];
  if (pw.length < min) missing.push(`at least ${min} characters`);
  if (pw.length > 256) return 'must be at most 256 characters';
  if (/^\s|\s$/.test(pw)) return 'cannot begin or end with a space';
  if (policy.RequireUppercase && !/[A-Z]/.test(pw)) missing.push('an uppercase letter');
  if (policy.RequireLowercase && !/[a-z]/.test(pw)) missing.push('a lowercase letter');
  if (policy.RequireNumbers && !/[0-9]/.test(pw)) missing.push('a number');
  if (policy.RequireSymbols && !SYMBOLS.test(pw)) missing.push('a symbol');
  return missing.length ? `needs ${missing.join(', ')} (the user pool's password policy)` : undefined;
}

/** Read a secret from stdin: everything up to the first line end. */
export async function readSecretFromStdin(stdin: NodeJS.ReadableStream = process.stdin): Promise<string> {
  const chunks: Buffer[] = [];
  for await (const chunk of stdin) chunks.push(typeof chunk === 'string' ? Buffer.from(chunk) : (chunk as Buffer));
  return Buffer.concat(chunks).toString('utf8').split(/\r?\n/)[0] ?? '';
}

/** Ask for a new password twice, checked against the pool's policy as it is typed. */
export async function askPassword(prompt: Prompter, warn: (text: string) => void, email: string, policy: PasswordPolicy): Promise<string> {
  for (;;) {
    const pw = await prompt.password({ message: `Permanent password for ${email}`, validate: (v) => passwordProblem(v, policy) ?? true });
    const again = await prompt.password({ message: 'The same password again' });
    if (pw === again) return pw;
    warn('The two passwords differ; try again.');
  }
}
