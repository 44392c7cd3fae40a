/**
 * A sign-in user for testing: AdminCreateUser without an invitation, AdminSetUserPassword
 * --permanent (so it is not left in FORCE_CHANGE_PASSWORD), optional group (created if missing).
 */
import { awsCliCommand, type PlanStep } from '../../lib/plan.js';
import { DEFAULT_PASSWORD_POLICY, type PasswordPolicy } from '../../domain/oauth.js';
import type { CognitoApi, UserPoolType, UserType } from '../../aws/cognito.js';
import { CliError, RefusedError } from '../../lib/errors.js';
import type { Progress } from '../progress.js';

/**
 * How a pool names its users (DescribeUserPool's UsernameAttributes and AliasAttributes), which
 * decides the user name create-user sends and the name the person signs in with:
 * - `email-username` (UsernameAttributes [email]): the e-mail address is given as Username and
 *   Cognito generates the user name (the `sub`); people sign in with the e-mail address.
 * - `email-alias` (AliasAttributes [email]): Cognito rejects an e-mail-shaped Username
 *   ("Username cannot be of email format, since user pool is configured for email alias."); the
 *   user name is derived from the address's local part, the address is a verified alias.
 * - `username`: the user name is the e-mail address as given.
 * Evidence: SDK-C CreateUserPoolRequest.UsernameAttributes/AliasAttributes docs;
 * docs.aws.amazon.com/cognito/latest/developerguide/user-pool-settings-attributes.html#user-pool-settings-aliases.
 */
export type UserNaming = 'username' | 'email-username' | 'email-alias';

export function userNaming(pool: Pick<UserPoolType, 'Id' | 'UsernameAttributes' | 'AliasAttributes'>): UserNaming {
  const usernameAttributes = (pool.UsernameAttributes ?? []) as string[];
  if (usernameAttributes.includes('email')) return 'email-username';
  if (usernameAttributes.length) {
    throw new RefusedError(
      `User pool ${pool.Id ?? ''} signs people in with a phone number (UsernameAttributes: ${usernameAttributes.join(', ')}), not an e-mail address; create-user makes users who sign in with an e-mail address.`,
      'Create the user in the Amazon Cognito console (or `aws cognito-idp admin-create-user --username <phone number>`), or use a pool that signs in with e-mail addresses.',
    );
  }
  if (((pool.AliasAttributes ?? []) as string[]).includes('email')) return 'email-alias';
  return 'username';
}

export interface UserRead {
  policy: PasswordPolicy;
  naming: UserNaming;
  /** The user's name: the existing user's, or the one to create (for `email-username` pools, the e-mail address; Cognito generates the name). */
  username: string;
  /** What the person types on the login page. */
  signInName: string;
  /** The user's status, when it exists. */
  status?: string;
  groupExists?: boolean;
  member?: boolean;
}

/** How many derived names (tester, tester-2, …) are tried on an alias pool before giving up. */
const NAME_TRIES = 5;

/**
 * The user an e-mail address belongs to in this pool, or the name to create it under. One
 * DescribeUserPool (cached for the run), then: AdminGetUser on the address (plain and
 * `email-username` pools; AWS resolves a username attribute), or on an alias pool ListUsers with
 * `email = "<address>"` (an alias only resolves once verified, so the list is what finds a user
 * whose address is not verified) and, to create, AdminGetUser on derived names until one is free.
 */
export async function findUser(cognito: CognitoApi, poolId: string, email: string): Promise<Omit<UserRead, 'groupExists' | 'member'>> {
  const pool = await cognito.describePool(poolId);
  const policy = pool.Policies?.PasswordPolicy ?? DEFAULT_PASSWORD_POLICY;
  const naming = userNaming({ ...pool, Id: pool.Id ?? poolId });
  if (naming !== 'email-alias') {
    const existing = await cognito.getUser(poolId, email);
    // email-username pools: Cognito generated the name (the sub); the address is what people type.
    return { policy, naming, username: existing?.Username ?? email, signInName: email, ...(existing ? { status: existing.UserStatus ?? 'UNKNOWN' } : {}) };
  }
  const found = await cognito.listUsers(poolId, `email = "${email}"`);
  const attr = (u: UserType, name: string) => u.Attributes?.find((a) => a.Name === name)?.Value;
  // Several users may share an unverified address; the verified one owns the alias.
  const user = found.find((u) => attr(u, 'email_verified') === 'true') ?? found[0];
  if (user?.Username) {
    const verified = attr(user, 'email_verified') === 'true';
    return { policy, naming, username: user.Username, signInName: verified ? email : user.Username, status: user.UserStatus ?? 'UNKNOWN' };
  }
  const base = aliasUsername(email);
  for (let i = 1; i <= NAME_TRIES; i++) {
    const candidate = i === 1 ? base : `${base}-${i}`;
    if (!(await cognito.getUser(poolId, candidate))) return { policy, naming, username: candidate, signInName: email };
  }
  throw new CliError(`User names ${base} to ${base}-${NAME_TRIES} are all taken in user pool ${poolId} by users with other e-mail addresses.`, {
    code: 'CONFLICT',
    hint: `Create the user with another e-mail address, or with \`aws cognito-idp admin-create-user --user-pool-id ${poolId} --username <a free name> --user-attributes Name=email,Value=${email} Name=email_verified,Value=true\`.`,
  });
}

/**
 * A user name for an e-mail address on a pool with the e-mail alias: its local part (Cognito
 * refuses e-mail-shaped names there). Lower-cased: user names are case-insensitive on new pools.
 */
export function aliasUsername(email: string): string {
  const local = email.slice(0, email.lastIndexOf('@')).toLowerCase();
  // A local part that looks like a phone number would clash with a phone alias; keep it a name.
  return /^\+?\d+$/.test(local) ? `user-${local.replace(/^\+/, '')}` : local;
}

export async function readUser(cognito: CognitoApi, poolId: string, email: string, group?: string): Promise<UserRead> {
  const read: UserRead = await findUser(cognito, poolId, email);
  if (group) {
    read.groupExists = Boolean(await cognito.getGroup(poolId, group));
    read.member = read.status !== undefined && read.groupExists ? (await cognito.adminListGroupsForUser(poolId, read.username)).includes(group) : false;
  }
  return read;
}

/** A user that exists but cannot sign in yet (its password must be set). */
export const cannotSignIn = (status: string | undefined) => status === 'FORCE_CHANGE_PASSWORD' || status === 'RESET_REQUIRED';

export interface UserPlan {
  /** The name to send: an existing user's name, or the one to create under (email-username pools: the address). */
  username: string;
  email: string;
  group?: string;
  create: boolean;
  /** Set the permanent password (part of creating; a change for a user that existed before). */
  setPassword: boolean;
  createGroup: boolean;
  addToGroup: boolean;
  steps: PlanStep[];
}

export function planUser(poolId: string, o: { email: string; group?: string; updatePassword: boolean }, read: UserRead, region: string): UserPlan {
  const username = read.username;
  const exists = read.status !== undefined;
  const setPasswordCli = awsCliCommand('cognito-idp', 'AdminSetUserPassword', { UserPoolId: poolId, Username: username, Password: '<password>', Permanent: true }, region);
  const steps: PlanStep[] = [];
  const plan: UserPlan = { username, email: o.email, group: o.group, create: !exists, setPassword: !exists || cannotSignIn(read.status) || o.updatePassword, createGroup: false, addToGroup: false, steps };
  if (!exists) {
    const named = read.naming === 'email-username' ? `${o.email} (Cognito generates the user name; sign in with the e-mail address)` : read.naming === 'email-alias' ? `${username} (e-mail alias ${o.email}, verified)` : username;
    const UserAttributes = [
      { Name: 'email', Value: o.email },
      { Name: 'email_verified', Value: 'true' },
    ];
    steps.push({ action: 'create', resource: `sign-in user ${named} (no invitation e-mail, permanent password)`, awsCli: awsCliCommand('cognito-idp', 'AdminCreateUser', { UserPoolId: poolId, Username: username, MessageAction: 'SUPPRESS', UserAttributes }, region) });
    // Part of creating the user this run creates: no approval.
    steps.push({ action: 'create', resource: `permanent password of user ${username}`, awsCli: setPasswordCli });
  } else if (plan.setPassword) {
    const stuck = cannotSignIn(read.status);
    const why = stuck ? `it is in ${read.status} and cannot sign in yet` : '--update-password';
    steps.push({ action: 'update', resource: `password of user ${username} (${why})`, diff: [stuck ? `~ status: ${read.status} → CONFIRMED (permanent password)` : '~ password: replaced (permanent; not shown)'], awsCli: setPasswordCli });
  }
  if (o.group) {
    plan.createGroup = !read.groupExists;
    plan.addToGroup = !read.member;
    if (plan.createGroup) steps.push({ action: 'create', resource: `group ${o.group}`, awsCli: awsCliCommand('cognito-idp', 'CreateGroup', { UserPoolId: poolId, GroupName: o.group }, region) });
    if (plan.addToGroup) steps.push({ action: 'create', resource: `membership of ${username} in group ${o.group}`, awsCli: awsCliCommand('cognito-idp', 'AdminAddUserToGroup', { UserPoolId: poolId, Username: username, GroupName: o.group }, region) });
  }
  return plan;
}

export interface UserApplied {
  /** The user's name in the pool (on email-username pools the one Cognito generated). */
  username: string;
  status: string;
  created: boolean;
  passwordSet: boolean;
  groupCreated?: boolean;
  addedToGroup?: boolean;
}

/** Apply the plan. `password` is needed when the plan sets one; it is never logged. */
export async function applyUser(cognito: CognitoApi, poolId: string, plan: UserPlan, read: UserRead, password: string | undefined, progress: Progress): Promise<UserApplied> {
  let { username } = plan;
  let status = read.status ?? 'CONFIRMED';
  const out: UserApplied = { username, status, created: false, passwordSet: false };
  if (plan.create) {
    const made = await cognito.adminCreateUser(poolId, username, plan.email);
    // email-username pools: Cognito answers with the name it generated; later calls use it.
    username = made.Username ?? username;
    out.username = username;
    out.created = true;
    status = 'FORCE_CHANGE_PASSWORD';
    // People know the user by the e-mail address; the pool's user name (a UUID where e-mail is the user name) follows it.
    progress.step(`Created user ${plan.email && plan.email !== username ? `${plan.email} (user name ${username})` : username} (no invitation e-mail sent)`);
  } else {
    progress.step(`User ${username} exists (${read.status ?? 'unknown status'})`);
  }
  if (plan.setPassword && password !== undefined) {
    await cognito.adminSetUserPassword(poolId, username, password);
    out.passwordSet = true;
    status = 'CONFIRMED';
    progress.step(`Set a permanent password for ${username}`);
  }
  out.status = status;
  if (plan.group) {
    out.groupCreated = false;
    out.addedToGroup = false;
    if (plan.createGroup) {
      await cognito.createGroup(poolId, plan.group, 'Created by mcp-cognito');
      out.groupCreated = true;
      progress.step(`Created group ${plan.group}`);
    }
    if (!plan.addToGroup) {
      progress.step(`${username} is in group ${plan.group}`);
    } else {
      await cognito.adminAddUserToGroup(poolId, username, plan.group);
      out.addedToGroup = true;
      progress.step(`Added ${username} to group ${plan.group}`);
    }
  }
  return out;
}
