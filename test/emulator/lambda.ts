/**
 * Lambda rules of the emulator front (moto 5.2.1 makes a function Active at once, accepts any
 * number of updates at once, lets a role be assumed the moment it exists and returns tags to
 * anyone). Each rule quotes its evidence; README.md lists them.
 */
import { AwsError } from './protocol';
import { relay, type Ctx, type Rule } from './context';

type Json = Record<string, unknown>;

const err = (code: string, message: string) => AwsError.of('lambda', code, message);
const fnName = (ctx: Ctx) => {
  // FunctionName may be a name, an ARN or a partial ARN; the product uses names.
  const raw = String(ctx.op.labels.FunctionName ?? ctx.input.FunctionName ?? '');
  return raw.includes(':function:') ? (raw.split(':function:')[1]?.split(':')[0] ?? raw) : raw;
};

/**
 * Rule L1 — states. "Pending – After Lambda creates the function, it sets the state to pending …
 * Any invocations or other API actions that operate on the function will fail. Active – Your
 * function transitions to active state after Lambda completes resource configuration and
 * provisioning." LastUpdateStatus "InProgress – An update is happening on an existing function …
 * Successful – The update has completed." — docs.aws.amazon.com/lambda/latest/dg/functions-states.html
 * (and the CreateFunction API reference's StateReasonCode `Creating`). Delay: `settings.lambdaDelayMs`.
 */
function phaseOf(ctx: Ctx, name: string): { state: 'Pending' | 'Active'; update: 'InProgress' | 'Successful' } {
  const f = ctx.state.functions.get(name);
  const now = Date.now();
  return { state: f && now < f.activeAt ? 'Pending' : 'Active', update: f && now < f.updatedAt ? 'InProgress' : 'Successful' };
}

function withPhase(ctx: Ctx, name: string, config: Json): Json {
  const p = phaseOf(ctx, name);
  const out: Json = { ...config, State: p.state };
  if (p.state === 'Pending') {
    Object.assign(out, { StateReason: 'The function is being created.', StateReasonCode: 'Creating' });
    delete out.LastUpdateStatus;
  } else {
    delete out.StateReason;
    out.StateReasonCode = 'Idle';
    out.LastUpdateStatus = p.update;
    if (p.update === 'InProgress') Object.assign(out, { LastUpdateStatusReason: 'The function is being updated.', LastUpdateStatusReasonCode: 'InProgress' });
    else {
      delete out.LastUpdateStatusReason;
      delete out.LastUpdateStatusReasonCode;
    }
  }
  return out;
}

/**
 * Rule L3 — a role created moments ago cannot be assumed by Lambda yet: CreateFunction answers
 * InvalidParameterValueException "The role defined for the function cannot be assumed by Lambda."
 * IAM is eventually consistent ("changes … take time to become visible", docs.aws.amazon.com/IAM/
 * latest/UserGuide/troubleshoot_general.html#troubleshoot_general_eventual-consistency); the
 * message and its cause (a new role, fixed by waiting) from github.com/ubergeek42/lambda-letsencrypt/
 * issues/30 and github.com/Pizzaface/Alexa-Chromecast-Skill-2.0/issues/9. Window:
 * `settings.roleAssumableAfterMs`.
 */
const createFunction: Rule = async (ctx) => {
  const role = String(ctx.input.Role ?? '');
  const created = ctx.state.rolesCreated.get(role) ?? ctx.state.rolesCreated.get(role.split(':role/')[1]?.split('/').pop() ?? '');
  if (created !== undefined && Date.now() - created < ctx.settings.roleAssumableAfterMs) throw err('InvalidParameterValueException', 'The role defined for the function cannot be assumed by Lambda.');
  const a = await ctx.forward();
  if (!a.ok) return relay(ctx, a);
  const name = String(a.json.FunctionName ?? ctx.input.FunctionName ?? '');
  const now = Date.now();
  ctx.state.functions.set(name, { activeAt: now + ctx.settings.lambdaDelayMs, updatedAt: 0, arn: String(a.json.FunctionArn ?? '') });
  return relay(ctx, a, withPhase(ctx, name, a.json));
};

/**
 * Rule L2 — one update at a time: UpdateFunctionCode / UpdateFunctionConfiguration while the
 * function is Pending or its last update InProgress → ResourceConflictException (409). "While the
 * update is in progress … the following operations fail: UpdateFunctionCode,
 * UpdateFunctionConfiguration …" and during Pending the same — docs.aws.amazon.com/lambda/latest/dg/
 * functions-states.html. Messages: "The operation cannot be performed at this time. An update is in
 * progress for resource: <arn>" (github.com/aws-amplify/amplify-backend/pull/2510,
 * github.com/lumigo-io/SAR-measure-cold-start/issues/16); "The operation cannot be performed at this
 * time. The function is currently in the following state: Pending" (UNCONFIRMED wording).
 * A successful update leaves LastUpdateStatus InProgress for `settings.lambdaDelayMs`.
 */
function update(): Rule {
  return async (ctx) => {
    const name = fnName(ctx);
    const p = phaseOf(ctx, name);
    const known = ctx.state.functions.get(name);
    if (known && p.state === 'Pending') throw err('ResourceConflictException', 'The operation cannot be performed at this time. The function is currently in the following state: Pending');
    if (known && p.update === 'InProgress') throw err('ResourceConflictException', `The operation cannot be performed at this time. An update is in progress for resource: ${known.arn ?? name}`);
    const a = await ctx.forward();
    if (!a.ok) return relay(ctx, a);
    const now = Date.now();
    ctx.state.functions.set(name, { activeAt: known?.activeAt ?? 0, updatedAt: now + ctx.settings.lambdaDelayMs, arn: String(a.json.FunctionArn ?? known?.arn ?? '') });
    return relay(ctx, a, withPhase(ctx, name, a.json));
  };
}

/**
 * Rule L4 — GetFunction's Tags: "Lambda returns tag data only if you have explicit allow
 * permissions for lambda:ListTags." — docs.aws.amazon.com/lambda/latest/api/API_GetFunction.html
 * (response element Tags). Applied when the front enforces a policy for the caller (iam-policy.ts);
 * ListTags itself is then denied by that policy like any action.
 */
const getFunction: Rule = async (ctx) => {
  const a = await ctx.forward();
  if (!a.ok) return relay(ctx, a);
  const name = fnName(ctx);
  const out: Json = { ...a.json };
  if (out.Configuration && typeof out.Configuration === 'object') out.Configuration = withPhase(ctx, name, out.Configuration as Json);
  if ((ctx.callerPolicy && !ctx.callerPolicy.allows('lambda:ListTags')) || ctx.settings.withoutLambdaListTags) delete out.Tags;
  return relay(ctx, a, out);
};

/** Rule L4 for `settings.withoutLambdaListTags` (an identity whose policy lacks lambda:ListTags, without an enforced policy): ListTags is AccessDeniedException. */
const listTags: Rule = async (ctx) => {
  if (!ctx.settings.withoutLambdaListTags) return relay(ctx, await ctx.forward());
  const resource = decodeURIComponent(ctx.path.slice('/2017-03-31/tags/'.length));
  throw AwsError.of('lambda', 'AccessDeniedException', `User: arn:aws:iam::123456789012:user/emulator is not authorized to perform: lambda:ListTags on resource: ${resource} because no identity-based policy allows the lambda:ListTags action`, {}, 403);
};

/**
 * Rule L1 (Pending): "Any invocations or other API actions that operate on the function will fail"
 * while it is Pending (functions-states.html): the function URL and permission calls too.
 */
function notWhilePending(): Rule {
  return async (ctx) => {
    const name = fnName(ctx);
    if (ctx.state.functions.has(name) && phaseOf(ctx, name).state === 'Pending') throw err('ResourceConflictException', 'The operation cannot be performed at this time. The function is currently in the following state: Pending');
    return relay(ctx, await ctx.forward());
  };
}

const getConfiguration: Rule = async (ctx) => {
  const a = await ctx.forward();
  return a.ok ? relay(ctx, a, withPhase(ctx, fnName(ctx), a.json)) : relay(ctx, a);
};

const deleteFunction: Rule = async (ctx) => {
  const a = await ctx.forward();
  if (a.ok) ctx.state.functions.delete(fnName(ctx));
  return relay(ctx, a);
};

export const lambdaRules: Record<string, Rule> = {
  'lambda:CreateFunction': createFunction,
  'lambda:UpdateFunctionCode': update(),
  'lambda:UpdateFunctionConfiguration': update(),
  'lambda:GetFunction': getFunction,
  'lambda:ListTags': listTags,
  'lambda:GetFunctionConfiguration': getConfiguration,
  'lambda:DeleteFunction': deleteFunction,
  'lambda:CreateFunctionUrlConfig': notWhilePending(),
  'lambda:UpdateFunctionUrlConfig': notWhilePending(),
  'lambda:AddPermission': notWhilePending(),
};
