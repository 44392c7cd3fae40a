/**
 * `facade remove` (and `teardown`): take away exactly what `facade deploy` made, as the state file
 * records it: the function URL, the two permissions, the function, the role's inline policy and the
 * role, the two parameters; the façade's callback on the client only when deploy added it. The
 * client's place on the gateway is left alone (it may predate the façade). Idempotent: what is
 * already gone is skipped.
 */
import type { Ctx } from '../../lib/context.js';
import { awsCliCommand, listDiff, type PlanStep, type Prepared } from '../../lib/plan.js';
import { toUpdateUserPoolClientRequest, type UserPoolClientType } from '../../aws/rmw.js';
import { clientShape } from '../client/add-callbacks.js';
import { mergeAndVerify } from '../merge.js';
import { resourceKey, withResourceLock } from '../../lib/resource-lock.js';
import { facadeCallbackUrl } from './target.js';
import { URL_PERMISSIONS, facadeNames } from './resources.js';
import { assertOurFunction } from './ownership.js';

export interface FacadeRemoveResult {
  functionName?: string;
  removed: string[];
  callbackRemoved: boolean;
  changed: boolean;
}

/** Plan and (on apply) remove the façade the state file records. No façade recorded: nothing to do. */
export async function prepareFacadeRemoval(ctx: Ctx): Promise<Prepared<FacadeRemoveResult>> {
  const f = ctx.state.get().facade;
  if (!f) {
    const served = ctx.state.get().facadeServe;
    ctx.out.info(ctx.out.c.dim(`No deployed façade is recorded in ${ctx.state.path}; nothing to remove${served ? ` (the façade's client ${served.clientId} and the callbacks facade serve registered on it stay; forgetting that a façade uses them)` : ''}.`));
    const none: FacadeRemoveResult = { removed: [], callbackRemoved: false, changed: false };
    return { steps: [], preview: () => none, apply: async () => (served && !ctx.dryRun ? (ctx.state.update({ facadeServe: undefined }), none) : none) };
  }
  const n = { ...facadeNames(f.functionName), roleName: f.roleName };
  const region = f.region;
  const [lambda, iam, ssm] = await Promise.all([ctx.lambda(), ctx.iam(), ctx.ssm()]);
  const [fn, role, params] = await Promise.all([lambda.getFunction(n.functionName), iam.getRole(n.roleName), ssm.getParameters(f.parameterNames, false)]);
  // The state's record is the evidence (tags shown by GetFunction that say otherwise still refuse).
  if (fn) await assertOurFunction(lambda, fn, n.functionName, f.created === true, 'remove leaves it alone');
  const [urlConfig, statements, policyDoc] = await Promise.all([
    fn ? lambda.getFunctionUrlConfig(n.functionName) : Promise.resolve(undefined),
    fn ? lambda.getPolicyStatements(n.functionName) : Promise.resolve([]),
    role ? iam.getRolePolicy(n.roleName, n.policyName) : Promise.resolve(undefined),
  ]);
  const sids = new Set(statements.map((s) => s.Sid));
  const permissions = URL_PERMISSIONS.filter((p) => sids.has(p.sid));
  const existingParams = f.parameterNames.filter((p) => params.has(p));

  let client: UserPoolClientType | undefined;
  const poolId = ctx.state.get().userPoolId;
  const callback = f.url ? facadeCallbackUrl(f.url) : undefined;
  if (f.callbackAdded && callback && poolId) {
    const cognito = await ctx.cognito();
    client = await cognito.describeClient(poolId, f.clientId).catch(() => undefined);
    if (client && !(client.CallbackURLs ?? []).includes(callback)) client = undefined;
    // The façade's own client keeps its last callback (Cognito refuses a code-flow client without one; teardown deletes the client).
    if (client && (client.CallbackURLs ?? []).length <= 1) client = undefined;
  }

  const cli = (service: 'iam' | 'lambda' | 'ssm', op: string, args: Record<string, unknown>) => awsCliCommand(service, op, args, region);
  const steps: PlanStep[] = [];
  if (urlConfig) steps.push({ action: 'delete', resource: `function URL ${urlConfig.FunctionUrl}`, awsCli: cli('lambda', 'DeleteFunctionUrlConfig', { FunctionName: n.functionName }) });
  for (const p of permissions) steps.push({ action: 'delete', resource: `permission ${p.sid} on ${n.functionName}`, awsCli: cli('lambda', 'RemovePermission', { FunctionName: n.functionName, StatementId: p.sid }) });
  if (fn) steps.push({ action: 'delete', resource: `Lambda function ${n.functionName}`, awsCli: cli('lambda', 'DeleteFunction', { FunctionName: n.functionName }) });
  if (policyDoc) steps.push({ action: 'delete', resource: `inline policy ${n.policyName} of role ${n.roleName}`, awsCli: cli('iam', 'DeleteRolePolicy', { RoleName: n.roleName, PolicyName: n.policyName }) });
  if (role) steps.push({ action: 'delete', resource: `IAM role ${n.roleName}`, awsCli: cli('iam', 'DeleteRole', { RoleName: n.roleName }) });
  if (existingParams.length) steps.push({ action: 'delete', resource: `SSM parameters ${existingParams.join(', ')}`, awsCli: `aws ssm delete-parameters --region ${region} --names ${existingParams.join(' ')}` });
  if (client && callback) {
    const after = (client.CallbackURLs ?? []).filter((u) => u !== callback);
    steps.push({
      action: 'update',
      resource: `callback URLs of app client ${client.ClientName ?? f.clientId} (deploy added the façade's)`,
      diff: listDiff(client.CallbackURLs ?? [], after),
      awsCli: awsCliCommand('cognito-idp', 'UpdateUserPoolClient', { ...toUpdateUserPoolClientRequest(withoutCallback(client, callback)) }, region),
    });
  }

  const result = (removed: string[], callbackRemoved: boolean): FacadeRemoveResult => ({ functionName: n.functionName, removed, callbackRemoved, changed: removed.length > 0 || callbackRemoved });
  return {
    steps,
    question: `Remove the OAuth façade ${n.functionName}?`,
    preview: () => result([], false),
    // Under the façade's lock (rotate-secret writes its parameter and configuration under it too).
    apply: () => withResourceLock(resourceKey.facade(region, n.functionName), `the façade ${n.functionName}`, async () => {
      const removed: string[] = [];
      const done = (what: string) => {
        removed.push(what);
        ctx.out.step(`Removed ${what}`);
      };
      if (urlConfig) {
        await lambda.deleteFunctionUrlConfig(n.functionName);
        done(`function URL ${urlConfig.FunctionUrl}`);
      }
      for (const p of permissions) {
        await lambda.removePermission(n.functionName, p.sid);
        done(`permission ${p.sid}`);
      }
      if (fn) {
        await lambda.deleteFunction(n.functionName);
        done(`function ${n.functionName}`);
      }
      if (policyDoc) {
        await iam.deleteRolePolicy(n.roleName, n.policyName);
        done(`policy ${n.policyName}`);
      }
      if (role) {
        await iam.deleteRole(n.roleName);
        done(`role ${n.roleName}`);
      }
      if (existingParams.length) {
        await ssm.deleteParameters(existingParams);
        done(`parameters ${existingParams.join(', ')}`);
      }
      let callbackRemoved = false;
      if (client && callback && poolId) {
        const cognito = await ctx.cognito();
        await mergeAndVerify({
          what: `app client ${f.clientId}`,
          operation: 'UpdateUserPoolClient',
          lockKey: resourceKey.client(poolId, f.clientId),
          planned: client,
          change: (c) => withoutCallback(c, callback),
          shape: clientShape('CallbackURLs'),
          read: () => cognito.describeClient(poolId, f.clientId, { fresh: true }),
          write: async (next) => {
            await cognito.updateClient(toUpdateUserPoolClientRequest(next));
          },
          hint: `Check the client (aws cognito-idp describe-user-pool-client --user-pool-id ${poolId} --client-id ${f.clientId}) and run the command again.`,
        });
        callbackRemoved = true;
        ctx.out.step(`Removed ${callback} from the callback URLs of ${client.ClientName ?? f.clientId}`);
      }
      ctx.state.update({ facade: undefined, facadeServe: undefined });
      ctx.out.info(ctx.out.c.dim(`App client ${f.clientId} stays authorized on the gateway (it may have been before the façade); take it off there yourself if you want.`));
      return result(removed, callbackRemoved);
    }),
  };
}

function withoutCallback(c: UserPoolClientType, url: string): UserPoolClientType {
  const next: UserPoolClientType = { ...c, CallbackURLs: (c.CallbackURLs ?? []).filter((u) => u !== url) };
  if (next.DefaultRedirectURI === url) delete next.DefaultRedirectURI;
  return next;
}
