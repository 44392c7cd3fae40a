import { Command } from 'commander';
import { InputError, UsageError } from '../lib/errors.js';
import { runAction, type Ctx, type Holder } from '../lib/context.js';
import type { Output } from '../lib/output.js';
import { quote } from '../lib/validate.js';
import { askPassword, emailProblem, groupProblem, passwordProblem, readSecretFromStdin } from '../lib/user.js';
import { prepareCreateUser, type CreateUserInput, type CreateUserResult } from '../workflows/create-user.js';

export type { CreateUserInput, CreateUserResult } from '../workflows/create-user.js';

import { DEFAULT_PASSWORD_POLICY, type PasswordPolicy } from '../domain/oauth.js';

export { DEFAULT_PASSWORD_POLICY, type PasswordPolicy };
export { emailProblem, groupProblem, passwordProblem, readSecretFromStdin };

interface CreateUserFlags {
  poolId?: string;
  email?: string;
  group?: string;
  passwordStdin?: boolean;
  updatePassword?: boolean;
}

/** Validate the flags that need no AWS call (exit 2). */
export function parseCreateUserFlags(f: CreateUserFlags, password?: string): CreateUserInput {
  if (f.email === undefined) throw new UsageError('Missing --email <address>: the sign-in user\'s e-mail address (also its user name).');
  const ep = emailProblem(f.email);
  if (ep) throw new InputError(`--email ${quote(f.email)} ${ep}.`);
  const gp = f.group === undefined ? undefined : groupProblem(f.group);
  if (gp) throw new InputError(`--group ${quote(f.group!)} ${gp}.`);
  return { poolId: f.poolId, email: f.email, group: f.group, password, updatePassword: Boolean(f.updatePassword) };
}

/** create-user: read, plan, approve once, ask for the password when needed, apply. */
export async function createUser(input: CreateUserInput, ctx: Ctx): Promise<CreateUserResult> {
  const p = await prepareCreateUser(input, ctx);
  // false only under --dry-run; a password change without a terminal and without --yes: a usage error before any write.
  if (!(await ctx.approve(p.steps, p.question))) return p.preview();
  // Asked before the user is created: Ctrl-C at the prompt leaves nothing behind.
  const password = p.needsPassword ? await askPassword(ctx.prompt, (w) => ctx.out.warn(w), input.email, p.policy) : undefined;
  return p.apply(password);
}

export function renderCreateUser(r: CreateUserResult, out: Output): string {
  if (r.dryRun) return out.c.dim('Dry run: nothing was changed. The plan and the equivalent aws CLI commands (password not shown) are above.');
  const rows: [string, string][] = [
    ['User pool', r.userPoolId],
    ['Sign in with', r.signInName],
    ['User name', r.username === r.signInName ? r.username : `${r.username} (its name in the pool)`],
    ['E-mail', `${r.email} (verified)`],
    ['Status', r.status],
    ['Password', r.passwordSet ? 'set (permanent; not shown)' : 'unchanged'],
    ...(r.group ? ([['Group', r.group]] as [string, string][]) : []),
  ];
  const head = r.created ? `Created sign-in user ${r.signInName}` : `Sign-in user ${r.signInName} ${r.passwordSet ? 'updated' : 'already exists'}`;
  return `${head}\n\n${out.table(rows)}\n\nSign in as ${r.signInName} when Copilot Studio opens the Cognito login page.`;
}

export function createUserCommand(holder: Holder): Command {
  return new Command('create-user')
    .description('Create a user in the state file\'s pool (or --pool-id) that can sign in at once: AdminCreateUser without an invitation e-mail, then AdminSetUserPassword --permanent, so the user is not left in FORCE_CHANGE_PASSWORD. Optionally adds it to a group (created if missing). The password is asked for on a terminal or read from stdin; it is never echoed, logged or stored. An existing user keeps its password unless --update-password is given, or it cannot sign in yet (FORCE_CHANGE_PASSWORD, RESET_REQUIRED); setting the password of a user that existed before the run is a change: it is shown and confirmed (--yes without a terminal). --dry-run needs no password.')
    .option('--pool-id <id>', 'user pool (default: the state file\'s)')
    .option('--email <address>', "e-mail address; the user name too, unless the pool's settings say otherwise (see below)")
    .option('--group <name>', 'add the user to this group (created if missing)')
    .option('--password-stdin', 'read the password from stdin (first line) instead of prompting')
    .option('--update-password', 'set a new password for a user that already exists')
    .addHelpText('after', '\nExamples:\n  $ mcp-cognito create-user --email tester@example.com                 # asks for the password\n  $ printf %s "$PASSWORD" | mcp-cognito create-user --email tester@example.com --group testers --password-stdin')
    .action(
      runAction<CreateUserFlags, CreateUserResult>('create-user', holder, async (flags, ctx) => {
        let email = flags.email;
        if (email === undefined && ctx.canPrompt) {
          email = await ctx.prompt.input({ message: 'E-mail address of the sign-in user', validate: (v) => emailProblem(v) ?? true });
        }
        const input = parseCreateUserFlags({ ...flags, email });
        // --dry-run needs no password: stdin is not read (the plan shows the command with it redacted).
        if (flags.passwordStdin && !ctx.dryRun) {
          input.password = await readSecretFromStdin();
          if (!input.password) throw new InputError('--password-stdin: stdin was empty; pipe the password into the command.');
        }
        return { result: await createUser(input, ctx), render: renderCreateUser };
      }),
    );
}
