/**
 * A sign-in user for testing: AdminCreateUser without an invitation, AdminSetUserPassword
 * --permanent (so it is not left in FORCE_CHANGE_PASSWORD), optional group (created if missing).
 */
import { awsCliCommand, type PlanStep } from '../lib/plan.js';
import { DEFAULT_PASSWORD_POLICY, type PasswordPolicy } from '../domain/oauth.js';
import type { CognitoApi } from '../aws/cognito.js';
import type { Progress } from './progress.js';

export interface UserRead {
  policy: PasswordPolicy;
  /** The user's status, when it exists. */
  status?: string;
  groupExists?: boolean;
  member?: boolean;
}

export async function readUser(cognito: CognitoApi, poolId: string, username: string, group?: string): Promise<UserRead> {
  const pool = await cognito.describePool(poolId);
  const existing = await cognito.getUser(poolId, username);
  const read: UserRead = { policy: pool.Policies?.PasswordPolicy ?? DEFAULT_PASSWORD_POLICY, ...(existing ? { status: existing.UserStatus ?? 'UNKNOWN' } : {}) };
  if (group) {
    read.groupExists = Boolean(await cognito.getGroup(poolId, group));
    read.member = existing && read.groupExists ? (await cognito.adminListGroupsForUser(poolId, username)).includes(group) : false;
  }
  return read;
}

/** A user that exists but cannot sign in yet (its password must be set). */
export const cannotSignIn = (status: string | undefined) => status === 'FORCE_CHANGE_PASSWORD' || status === 'RESET_REQUIRED';

export interface UserPlan {
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
  const username = o.email;
  const exists = read.status !== undefined;
  const setPasswordCli = awsCliCommand('cognito-idp', 'AdminSetUserPassword', { UserPoolId: poolId, Username: username, Password: '<password>', Permanent: true }, region);
  const steps: PlanStep[] = [];
  const plan: UserPlan = { username, email: o.email, group: o.group, create: !exists, setPassword: !exists || cannotSignIn(read.status) || o.updatePassword, createGroup: false, addToGroup: false, steps };
  if (!exists) {
    steps.push({ action: 'create', resource: `sign-in user ${username} (no invitation e-mail, permanent password)`, awsCli: awsCliCommand('cognito-idp', 'AdminCreateUser', { UserPoolId: poolId, Username: username, MessageAction: 'SUPPRESS' }, region) });
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
  status: string;
  created: boolean;
  passwordSet: boolean;
  groupCreated?: boolean;
  addedToGroup?: boolean;
}

/** Apply the plan. `password` is needed when the plan sets one; it is never logged. */
export async function applyUser(cognito: CognitoApi, poolId: string, plan: UserPlan, read: UserRead, password: string | undefined, progress: Progress): Promise<UserApplied> {
  const { username } = plan;
  let status = read.status ?? 'CONFIRMED';
  const out: UserApplied = { status, created: false, passwordSet: false };
  if (plan.create) {
    await cognito.adminCreateUser(poolId, username, plan.email);
    out.created = true;
    status = 'FORCE_CHANGE_PASSWORD';
    progress.step(`Created user ${username} (no invitation e-mail sent)`);
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
