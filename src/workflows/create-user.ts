/** create-user's work (also init's sign-in user): read, plan, create the user, set its password, add it to a group. */
import { InputError, UsageError } from '../lib/errors.js';
import type { Ctx } from '../lib/context.js';
import type { PlanStep } from '../lib/plan.js';
import { passwordProblem } from '../lib/user.js';
import type { PasswordPolicy } from '../domain/oauth.js';
import { withOrigin } from '../lib/ownership.js';
import { applyUser, cannotSignIn, planUser, readUser } from '../steps/user/create.js';

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
  /** The user's name in the pool: the e-mail address, a name derived from it (e-mail alias pools) or the one Cognito generated (e-mail sign-in pools). */
  username: string;
  /** What the person types on the login page. */
  signInName: string;
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

/** Prepared like the other commands' work; applying may need the password the command asks for. */
export interface PreparedUser {
  steps: PlanStep[];
  question: string;
  policy: PasswordPolicy;
  /** A password must be given to apply (none was piped in). */
  needsPassword: boolean;
  preview(): CreateUserResult;
  apply(password?: string): Promise<CreateUserResult>;
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
export async function prepareCreateUser(input: CreateUserInput, ctx: Ctx): Promise<PreparedUser> {
  const poolId = await ctx.poolId(input.poolId);
  const region = await ctx.region();
  const cognito = await ctx.cognito();
  const read = await readUser(cognito, poolId, input.email, input.group);
  const username = read.username;
  const who = username === input.email ? username : `${input.email} (user name ${username})`;
  const plan = planUser(poolId, { email: input.email, group: input.group, updatePassword: input.updatePassword }, read, region);

  // Under --dry-run the password is neither required nor used (it is not even read from stdin).
  const password = ctx.dryRun ? undefined : input.password;
  if (plan.setPassword && !ctx.dryRun) {
    // Validated before anything is approved or written (exit 2 changes nothing).
    if (password === undefined && !ctx.canPrompt) {
      throw new UsageError(`A password is needed for ${who}: pipe it on stdin with --password-stdin.`, 'Example: printf %s "$PASSWORD" | mcp-cognito create-user --email you@example.com --password-stdin');
    }
    const problem = password === undefined ? undefined : passwordProblem(password, read.policy);
    if (problem) throw new InputError(`The password ${problem}.`);
  } else if (!plan.setPassword && input.password !== undefined) {
    ctx.out.warn(`${who} already exists and can sign in; its password is left unchanged (pass --update-password to set it).`);
  }

  const stuck = cannotSignIn(read.status);
  return {
    steps: plan.steps,
    question: stuck ? `Set a permanent password for ${who}?` : "Replace this user's password?",
    policy: read.policy,
    needsPassword: plan.setPassword && password === undefined,
    preview: () => ({ userPoolId: poolId, username, signInName: read.signInName, email: input.email, status: read.status ?? 'CONFIRMED', created: false, passwordSet: false, ...(input.group ? { group: input.group, groupCreated: false, addedToGroup: false } : {}) }),
    apply: async (asked?: string) => {
      const applied = await applyUser(cognito, poolId, plan, read, password ?? asked, ctx.out);
      // The name Cognito knows the user by (generated on e-mail sign-in pools): what the state records.
      recordUser(ctx, poolId, { username: applied.username, email: input.email }, applied.created, input.group, applied.groupCreated);
      return { userPoolId: poolId, signInName: read.signInName, email: input.email, ...applied, ...(input.group ? { group: input.group } : {}) };
    },
  };
}


/** Record the user (and group) as created or adopted, when they belong to the state file's pool. */
function recordUser(ctx: Ctx, poolId: string, user: { username: string; email: string }, created: boolean, group: string | undefined, groupCreated: boolean | undefined): void {
  if (ctx.state.get().userPoolId !== poolId) return;
  ctx.state.change((s) => {
    // A Create of ours pending for it (by the name it was created with) makes it ours.
    const withUser = withOrigin(s, created ? 'created' : 'adopted', 'users', user.username, [user.username, user.email]);
    return group ? withOrigin(withUser, groupCreated ? 'created' : 'adopted', 'groups', group) : withUser;
  });
}
