import { Command } from 'commander';
import { InputError, UsageError } from '../lib/errors.js';
import { runAction, type Ctx } from '../lib/context.js';
import type { Output } from '../lib/output.js';
import { awsCliCommand } from '../lib/plan.js';
import type { Holder } from '../cli.js';

export interface PasswordPolicy {
  MinimumLength?: number;
  RequireUppercase?: boolean;
  RequireLowercase?: boolean;
  RequireNumbers?: boolean;
  RequireSymbols?: boolean;
}

/** The policy `init-pool` gives a new pool; also Cognito's default. */
export const DEFAULT_PASSWORD_POLICY: PasswordPolicy = { MinimumLength: 8, RequireUppercase: true, RequireLowercase: true, RequireNumbers: true, RequireSymbols: false };

export interface CreateUserInput {
  poolId?: string;
  email: string;
  group?: string;
  /** Never logged, never in a result or the state file. */
  password?: string;
  /** Set the password of a user that already exists and can sign in. */
  updatePassword: boolean;
}

export interface CreateUserResult {
  userPoolId: string;
  username: string;
  email: string;
  /** CONFIRMED once the permanent password is set. */
  status: string;
  created: boolean;
  passwordSet: boolean;
  group?: string;
  groupCreated?: boolean;
  addedToGroup?: boolean;
  /** Set by --dry-run (with `plan`). */
  dryRun?: boolean;
}

interface CreateUserFlags {
  poolId?: string;
  email?: string;
  group?: string;
  passwordStdin?: boolean;
  updatePassword?: boolean;
}

const EMAIL_RE = /^[^\s@"<>()[\],;:\\]+@[A-Za-z0-9](?:[A-Za-z0-9-]*[A-Za-z0-9])?(?:\.[A-Za-z0-9](?:[A-Za-z0-9-]*[A-Za-z0-9])?)+$/;
const GROUP_RE = /^[\p{L}\p{M}\p{S}\p{N}\p{P}]{1,128}$/u;
const SYMBOLS = /[\^$*.[\]{}()?"!@#%&/\\,><':;|_~`=+-]/;

/** One sentence describing what is wrong with an e-mail address, or undefined. */
export function emailProblem(v: string): string | undefined {
  if (v.length > 254) return 'is longer than 254 characters';
  return EMAIL_RE.test(v) ? undefined : 'is not an e-mail address';
}

export function groupProblem(v: string): string | undefined {
  return GROUP_RE.test(v) ? undefined : 'must be 1 to 128 characters without spaces';
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

/** Validate the flags that need no AWS call (exit 2). */
export function parseCreateUserFlags(f: CreateUserFlags, password?: string): CreateUserInput {
  if (f.email === undefined) throw new UsageError('Missing --email <address>: the sign-in user\'s e-mail address (also its user name).');
  const ep = emailProblem(f.email);
  if (ep) throw new InputError(`--email "${f.email}" ${ep}.`);
  const gp = f.group === undefined ? undefined : groupProblem(f.group);
  if (gp) throw new InputError(`--group "${f.group}" ${gp}.`);
  return { poolId: f.poolId, email: f.email, group: f.group, password, updatePassword: Boolean(f.updatePassword) };
}

/** Read a secret from stdin: everything up to the first line end. */
export async function readSecretFromStdin(stdin: NodeJS.ReadableStream = process.stdin): Promise<string> {
  const chunks: Buffer[] = [];
  for await (const chunk of stdin) chunks.push(typeof chunk === 'string' ? Buffer.from(chunk) : (chunk as Buffer));
  return Buffer.concat(chunks).toString('utf8').split(/\r?\n/)[0] ?? '';
}

/** Ask for a new password twice, checked against the pool's policy as it is typed. */
export async function askPassword(ctx: Ctx, email: string, policy: PasswordPolicy): Promise<string> {
  for (;;) {
    const pw = await ctx.prompt.password({ message: `Permanent password for ${email}`, validate: (v) => passwordProblem(v, policy) ?? true });
    const again = await ctx.prompt.password({ message: 'The same password again' });
    if (pw === again) return pw;
    ctx.out.warn('The two passwords differ; try again.');
  }
}

/**
 * A sign-in user for testing: AdminCreateUser without an invitation, AdminSetUserPassword
 * --permanent (so it is not left in FORCE_CHANGE_PASSWORD), optional group (created if missing).
 * Idempotent: an existing user keeps its password unless `updatePassword` (or it is still in
 * FORCE_CHANGE_PASSWORD or RESET_REQUIRED, i.e. it cannot sign in yet).
 *
 * Setting the password of a user that existed before this run changes an existing resource, so it
 * is planned and approved (ctx.approve: --yes, or a confirmation on a terminal; otherwise exit 2
 * before any write), whatever the user's status. That includes a user left in
 * FORCE_CHANGE_PASSWORD by an interrupted earlier run: nothing records who created it (the state
 * file holds no users), and it may be someone's invited user whose temporary password is in their
 * mailbox, which AdminSetUserPassword would void. Only a user created by this very run is ours:
 * its password is part of creating it and needs no approval.
 *
 * Under --dry-run no password is needed, read or asked for: the plan (with the aws CLI commands,
 * password redacted) is shown and nothing is written.
 */
export async function createUser(input: CreateUserInput, ctx: Ctx): Promise<CreateUserResult> {
  const poolId = await ctx.poolId(input.poolId);
  const region = await ctx.region();
  const cognito = await ctx.cognito();
  const pool = await cognito.describePool(poolId);
  const policy = pool.Policies?.PasswordPolicy ?? DEFAULT_PASSWORD_POLICY;
  const username = input.email;

  const existing = await cognito.getUser(poolId, username);
  const cannotSignIn = existing?.UserStatus === 'FORCE_CHANGE_PASSWORD' || existing?.UserStatus === 'RESET_REQUIRED';
  const needsPassword = !existing || cannotSignIn || input.updatePassword;
  // Under --dry-run the password is neither required nor used (it is not even read from stdin).
  let password = ctx.dryRun ? undefined : input.password;
  if (needsPassword && !ctx.dryRun) {
    // Validated before anything is approved or written (exit 2 changes nothing).
    if (password === undefined && !ctx.canPrompt) {
      throw new UsageError(`A password is needed for ${username}: pipe it on stdin with --password-stdin.`, 'Example: printf %s "$PASSWORD" | mcp-cognito create-user --email you@example.com --password-stdin');
    }
    const problem = password === undefined ? undefined : passwordProblem(password, policy);
    if (problem) throw new InputError(`The password ${problem}.`);
  } else if (!needsPassword && input.password !== undefined) {
    ctx.out.warn(`${username} already exists and can sign in; its password is left unchanged (pass --update-password to set it).`);
  }

  const setPasswordCli = awsCliCommand('cognito-idp', 'AdminSetUserPassword', { UserPoolId: poolId, Username: username, Password: '<password>', Permanent: true }, region);
  let created = false;
  let passwordSet = false;
  let setPassword = false;
  let status = existing?.UserStatus ?? 'CONFIRMED';
  if (existing) {
    ctx.out.step(`User ${username} exists (${existing.UserStatus ?? 'unknown status'})`);
    if (needsPassword) {
      const why = cannotSignIn ? `it is in ${existing.UserStatus} and cannot sign in yet` : '--update-password';
      const step = { action: 'update' as const, resource: `password of user ${username} (${why})`, diff: [cannotSignIn ? `~ status: ${existing.UserStatus} → CONFIRMED (permanent password)` : '~ password: replaced (permanent; not shown)'], awsCli: setPasswordCli };
      // false only under --dry-run; no terminal and no --yes: a usage error before any write.
      setPassword = await ctx.approve([step], cannotSignIn ? `Set a permanent password for ${username}?` : 'Replace this user\'s password?');
    }
  } else {
    if (ctx.willCreate({ resource: `sign-in user ${username} (no invitation e-mail, permanent password)`, awsCli: awsCliCommand('cognito-idp', 'AdminCreateUser', { UserPoolId: poolId, Username: username, MessageAction: 'SUPPRESS' }, region) })) {
      // Asked before the user is created: Ctrl-C at the prompt leaves nothing behind.
      password ??= await askPassword(ctx, username, policy);
      await cognito.adminCreateUser(poolId, username, input.email);
      created = true;
      status = 'FORCE_CHANGE_PASSWORD';
      ctx.out.step(`Created user ${username} (no invitation e-mail sent)`);
    }
    // Part of creating the user this run created: no approval.
    setPassword = ctx.willCreate({ resource: `permanent password of user ${username}`, awsCli: setPasswordCli });
  }
  if (setPassword && !ctx.dryRun) {
    password ??= await askPassword(ctx, username, policy);
    await cognito.adminSetUserPassword(poolId, username, password);
    passwordSet = true;
    status = 'CONFIRMED';
    ctx.out.step(`Set a permanent password for ${username}`);
  }

  const result: CreateUserResult = { userPoolId: poolId, username, email: input.email, status, created, passwordSet };
  if (input.group) {
    const group = input.group;
    result.group = group;
    result.groupCreated = false;
    result.addedToGroup = false;
    const exists = await cognito.getGroup(poolId, group);
    if (!exists && ctx.willCreate({ resource: `group ${group}`, awsCli: awsCliCommand('cognito-idp', 'CreateGroup', { UserPoolId: poolId, GroupName: group }, region) })) {
      await cognito.createGroup(poolId, group, 'Created by mcp-cognito');
      result.groupCreated = true;
      ctx.out.step(`Created group ${group}`);
    }
    const member = existing && exists ? (await cognito.adminListGroupsForUser(poolId, username)).includes(group) : false;
    if (member) {
      ctx.out.step(`${username} is in group ${group}`);
    } else if (ctx.willCreate({ resource: `membership of ${username} in group ${group}`, awsCli: awsCliCommand('cognito-idp', 'AdminAddUserToGroup', { UserPoolId: poolId, Username: username, GroupName: group }, region) })) {
      await cognito.adminAddUserToGroup(poolId, username, group);
      result.addedToGroup = true;
      ctx.out.step(`Added ${username} to group ${group}`);
    }
  }
  return result;
}

export function renderCreateUser(r: CreateUserResult, out: Output): string {
  if (r.dryRun) return out.c.dim('Dry run: nothing was changed. The plan and the equivalent aws CLI commands (password not shown) are above.');
  const rows: [string, string][] = [
    ['User pool', r.userPoolId],
    ['User name', r.username],
    ['Status', r.status],
    ['Password', r.passwordSet ? 'set (permanent; not shown)' : 'unchanged'],
    ...(r.group ? ([['Group', r.group]] as [string, string][]) : []),
  ];
  const head = r.created ? `Created sign-in user ${r.username}` : `Sign-in user ${r.username} ${r.passwordSet ? 'updated' : 'already exists'}`;
  return `${head}\n\n${out.table(rows)}\n\nUse it to sign in when Copilot Studio opens the Cognito login page.`;
}

export function createUserCommand(holder: Holder): Command {
  return new Command('create-user')
    .description('Create a user in the state file\'s pool (or --pool-id) that can sign in at once: AdminCreateUser without an invitation e-mail, then AdminSetUserPassword --permanent, so the user is not left in FORCE_CHANGE_PASSWORD. Optionally adds it to a group (created if missing). The password is asked for on a terminal or read from stdin; it is never echoed, logged or stored. An existing user keeps its password unless --update-password is given, or it cannot sign in yet (FORCE_CHANGE_PASSWORD, RESET_REQUIRED); setting the password of a user that existed before the run is a change: it is shown and confirmed (--yes without a terminal). --dry-run needs no password.')
    .option('--pool-id <id>', 'user pool (default: the state file\'s)')
    .option('--email <address>', 'e-mail address, also the user name')
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
