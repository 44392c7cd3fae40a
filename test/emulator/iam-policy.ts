/**
 * IAM policy enforcement for requests signed with access keys moto issued (CreateAccessKey).
 *
 * moto can authorize requests itself (INITIAL_NO_AUTH_ACTION_COUNT), but (moto 5.2.1
 * moto/core/authorization.py, moto/iam/access_control.py) it checks every action against the
 * resource `*`, so a documented policy scoped to a pool, a gateway or a function ARN is denied
 * everything; it is one switch for the whole server (the worker slot's moto is shared by files and
 * by the front's own requests, signed with `test`); and it skips services whose responses do not go
 * through `BaseResponse.call_action`. So the front evaluates instead, for the actions it sees:
 *
 * - the caller is the IAM user that owns the access key (moto: GetAccessKeyLastUsed → UserName);
 * - its policies are the user's inline policies and attached managed policies, read from moto;
 * - an action is allowed when an Allow statement's `Action` matches it (wildcards as IAM:
 *   `*` and `?`, case-insensitive) and no Deny statement's does. `NotAction`, `Resource`, `Condition`
 *   and `NotResource` are NOT evaluated: every statement applies to every resource. The policy is
 *   checked per action, which is what docs/iam.md can get wrong by forgetting one.
 *
 * Requests signed with the default `test` key (and the front's own) are not checked: only a test that
 * made a user and a key runs under a policy. Denied: AccessDeniedException (AccessDenied for IAM)
 * "User: <arn> is not authorized to perform: <action> because no identity-based policy allows the
 * <action> action" — the message shape of docs.aws.amazon.com/IAM/latest/UserGuide/troubleshoot_access-denied.html
 * ("…is not authorized to perform: … because no identity-based policy allows the … action").
 */
import { IAMClient, GetAccessKeyLastUsedCommand, ListUserPoliciesCommand, GetUserPolicyCommand, ListAttachedUserPoliciesCommand, GetPolicyCommand, GetPolicyVersionCommand, GetUserCommand } from '@aws-sdk/client-iam';

interface Statement {
  Effect?: string;
  Action?: string | string[];
}

export class CallerPolicy {
  constructor(
    readonly userArn: string,
    private readonly statements: Statement[],
  ) {}

  private static matches(pattern: string, action: string): boolean {
    const re = new RegExp('^' + pattern.replace(/[.+^${}()|[\]\\]/g, '\\$&').replace(/\*/g, '.*').replace(/\?/g, '.') + '$', 'i');
    return re.test(action);
  }

  private matching(effect: string, action: string): boolean {
    return this.statements.some((s) => s.Effect === effect && (Array.isArray(s.Action) ? s.Action : s.Action ? [s.Action] : []).some((p) => CallerPolicy.matches(p, action)));
  }

  /** `service:Action` allowed (an Allow matches, no Deny does; resources and conditions not evaluated). */
  allows(action: string): boolean {
    return this.matching('Allow', action) && !this.matching('Deny', action);
  }

  denial(action: string): string {
    return `User: ${this.userArn} is not authorized to perform: ${action} because no identity-based policy allows the ${action} action`;
  }
}

const decode = (doc: string | undefined): Statement[] => {
  if (!doc) return [];
  const parsed = JSON.parse(decodeURIComponent(doc)) as { Statement?: Statement | Statement[] };
  return Array.isArray(parsed.Statement) ? parsed.Statement : parsed.Statement ? [parsed.Statement] : [];
};

/** Reads the policies of the user owning `accessKeyId` from moto; undefined when moto issued no such key. */
export async function loadCallerPolicy(iam: IAMClient, accessKeyId: string): Promise<CallerPolicy | undefined> {
  let userName: string | undefined;
  try {
    userName = (await iam.send(new GetAccessKeyLastUsedCommand({ AccessKeyId: accessKeyId }))).UserName;
  } catch {
    return undefined;
  }
  if (!userName) return undefined;
  const user = await iam.send(new GetUserCommand({ UserName: userName }));
  const statements: Statement[] = [];
  for (const name of (await iam.send(new ListUserPoliciesCommand({ UserName: userName }))).PolicyNames ?? []) {
    statements.push(...decode((await iam.send(new GetUserPolicyCommand({ UserName: userName, PolicyName: name }))).PolicyDocument));
  }
  for (const p of (await iam.send(new ListAttachedUserPoliciesCommand({ UserName: userName }))).AttachedPolicies ?? []) {
    const pol = (await iam.send(new GetPolicyCommand({ PolicyArn: p.PolicyArn }))).Policy;
    statements.push(...decode((await iam.send(new GetPolicyVersionCommand({ PolicyArn: p.PolicyArn, VersionId: pol?.DefaultVersionId }))).PolicyVersion?.Document));
  }
  return new CallerPolicy(user.User?.Arn ?? `arn:aws:iam::123456789012:user/${userName}`, statements);
}

/** The IAM action a request of the front is authorized as (`cognito-idp:X`, `bedrock-agentcore:X`, `lambda:X`…). */
export function iamAction(service: string, operation: string): string {
  return `${service}:${operation}`;
}
