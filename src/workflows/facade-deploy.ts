/**
 * `facade deploy`: read what exists → plan (create what is missing, update what drifted) → one
 * approval → apply in order: role and its policy, parameters, function (code only when the bundle's
 * hash differs), function URL, its two permissions, the callback on the client, the client on the
 * gateway; recorded in the state file as it goes, so an interrupted deploy resumes or is removed.
 */
import { randomBytes } from 'node:crypto';
import { RefusedError } from '../lib/errors.js';
import type { Ctx } from '../lib/context.js';
import { awsCliCommand, type PlanStep, type Prepared } from '../lib/plan.js';
import { codeSha256, zip } from '../lib/zip.js';
import type { StateFacade } from '../lib/state.js';
import { withoutIntents } from '../lib/intents.js';
import { applyCallback } from '../steps/client/add-callbacks.js';
import { facadeCallbackUrl, planFacadeCallback, readFacadeTarget, type FacadeTargetInput } from '../steps/facade/target.js';
import { prepareAuthorizeClient } from './authorize-client.js';
import { COPILOT_STUDIO_MCP_VERSION, clientCommands } from '../domain/oauth.js';
import { ENV } from '../facade/env.js';
import {
  ARCHITECTURE,
  MANAGED_TAG,
  TRUST_POLICY,
  URL_PERMISSIONS,
  arnParts,
  desiredSettings,
  facadeNames,
  runtimePolicy,
  samePolicy,
  settingsDrift,
  type FacadeNames,
} from '../steps/facade/resources.js';

export interface FacadeDeployInput extends FacadeTargetInput {
  name: string;
  allowedRedirectUris: string[];
  /**
   * Allow Copilot Studio's consent redirects (its Dynamic discovery OAuth); the gateway then also
   * speaks Copilot Studio's MCP version. Undefined: as deployed (a later deploy without the flag
   * never silently takes Copilot Studio's access away; --no-copilot-studio does).
   */
  copilotStudio?: boolean;
  kmsKeyArn?: string;
  /** false: --client-metadata off (FACADE_CLIENT_METADATA=off in its environment). */
  clientMetadata?: boolean;
  /** The façade's Lambda bundle (dist/facade-lambda.mjs), zipped as index.mjs. */
  bundle: Uint8Array;
  wait: boolean;
  waitTimeoutSeconds: number;
}

export interface FacadeDeployResult {
  functionName: string;
  roleName: string;
  parameterNames: string[];
  url?: string;
  mcpUrl?: string;
  claudeCommand?: string;
  /** Whether the façade allows Copilot Studio's Dynamic discovery (then the printed steps say how to add it). */
  copilotStudio?: boolean;
  codexCommand?: string;
  clientId: string;
  gatewayId: string;
  codeSha256: string;
  /** What this run created or changed (empty: nothing to do). */
  changes: string[];
  changed: boolean;
}

const trimSlash = (u: string) => u.replace(/\/+$/, '');

/** The ownership tag: deploy adopts only what it made (a function or role of that name made by someone else is refused). */
function refuseForeign(kind: string, name: string, tags: Record<string, string> | undefined): void {
  if (tags?.[MANAGED_TAG.key] !== MANAGED_TAG.value) {
    throw new RefusedError(`A ${kind} named ${name} exists and was not made by mcp-cognito (no ${MANAGED_TAG.key}=${MANAGED_TAG.value} tag); deploy will not take it over.`, 'Pass another --name, or remove that resource yourself.');
  }
}

export async function prepareFacadeDeploy(input: FacadeDeployInput, ctx: Ctx): Promise<Prepared<FacadeDeployResult>> {
  const t = await readFacadeTarget(input, ctx);
  const n = facadeNames(input.name);
  const region = t.region;
  const [lambda, iam, ssm] = await Promise.all([ctx.lambda(), ctx.iam(), ctx.ssm()]);
  const withSecret = Boolean(t.client.ClientSecret);
  const paramNames = [n.signingKeyParameter, ...(withSecret ? [n.clientSecretParameter] : [])];
  const [fn, role, params] = await Promise.all([lambda.getFunction(n.functionName), iam.getRole(n.roleName), ssm.getParameters(paramNames, true)]);
  if (fn) refuseForeign('Lambda function', n.functionName, fn.Tags);
  if (role) refuseForeign('IAM role', n.roleName, Object.fromEntries((role.Tags ?? []).map((x) => [x.Key ?? '', x.Value ?? ''])));
  const [policyDoc, urlConfig, statements] = await Promise.all([
    role ? iam.getRolePolicy(n.roleName, n.policyName) : Promise.resolve(undefined),
    fn ? lambda.getFunctionUrlConfig(n.functionName) : Promise.resolve(undefined),
    fn ? lambda.getPolicyStatements(n.functionName) : Promise.resolve([]),
  ]);
  const pkg = zip([{ name: 'index.mjs', data: input.bundle }]);
  const sha = codeSha256(pkg);
  const roleArnFor = (account: string, partition = 'aws') => `arn:${partition}:iam::${account}:role/${n.roleName}`;
  const policyFor = (arn: string) => runtimePolicy(n, { region, ...arnParts(arn), withSecret, ...(input.kmsKeyArn ? { kmsKeyArn: input.kmsKeyArn } : {}) });

  const steps: PlanStep[] = [];
  const cli = (service: 'iam' | 'lambda' | 'ssm', op: string, args: Record<string, unknown>) => awsCliCommand(service, op, args, region);
  if (!role) steps.push({ action: 'create', resource: `IAM role ${n.roleName} (assumed by lambda.amazonaws.com)`, awsCli: cli('iam', 'CreateRole', { RoleName: n.roleName, AssumeRolePolicyDocument: TRUST_POLICY }) });
  const wantedPolicy = role ? policyFor(role.Arn!) : undefined;
  if (!role || !policyDoc || !samePolicy(policyDoc, wantedPolicy!)) {
    steps.push({
      action: policyDoc ? 'update' : 'create',
      resource: `inline policy ${n.policyName} of role ${n.roleName}`,
      diff: [`logs on ${n.logGroup}`, `ssm:GetParameters on ${paramNames.join(', ')}`, ...(input.kmsKeyArn ? [`kms:Decrypt on ${input.kmsKeyArn} (through SSM only)`] : [])],
      awsCli: cli('iam', 'PutRolePolicy', { RoleName: n.roleName, PolicyName: n.policyName, PolicyDocument: wantedPolicy ?? policyFor(roleArnFor('<account>')) }),
    });
  }
  const keyParam = params.get(n.signingKeyParameter);
  if (!keyParam) steps.push({ action: 'create', resource: `SSM SecureString parameter ${n.signingKeyParameter} (a new random signing key)` });
  const secretParam = withSecret ? params.get(n.clientSecretParameter) : undefined;
  const secretStale = withSecret && (!secretParam || secretParam.value !== t.client.ClientSecret || secretParam.type !== 'SecureString');
  if (secretStale) steps.push({ action: secretParam ? 'update' : 'create', resource: `SSM SecureString parameter ${n.clientSecretParameter} (the secret of app client ${t.clientName ?? t.clientId}, not shown)` });

  const current = fn?.Configuration;
  const copilotStudio = input.copilotStudio ?? current?.Environment?.Variables?.[ENV.copilotStudio] === '1';
  const options = { clientMetadata: input.clientMetadata !== false, copilotStudio };
  const want = desiredSettings(t, n, role?.Arn ?? roleArnFor('<account>'), input.allowedRedirectUris, options);
  const drift = role ? settingsDrift(current, want) : settingsDrift(current, { ...want, Role: current?.Role ?? want.Role });
  const codeStale = Boolean(current) && current!.CodeSha256 !== sha;
  if (!current) {
    steps.push({ action: 'create', resource: `Lambda function ${n.functionName} (${want.Runtime}, ${ARCHITECTURE}, ${want.MemorySize} MB, ${want.Timeout} s; environment: parameter names and public settings only)`, diff: [`code sha256 ${sha}`] });
  } else if (codeStale || drift.length) {
    steps.push({
      action: 'update',
      resource: `Lambda function ${n.functionName}`,
      diff: [...(codeStale ? [`~ code: ${current.CodeSha256} → ${sha}`] : []), ...drift.map((d) => `~ ${d}`)],
    });
  }
  const urlOk = urlConfig && urlConfig.AuthType === 'NONE' && urlConfig.InvokeMode === 'RESPONSE_STREAM';
  if (!urlOk) {
    steps.push({
      action: urlConfig ? 'update' : 'create',
      resource: `function URL of ${n.functionName} (auth NONE: the façade does OAuth itself; invoke mode RESPONSE_STREAM)`,
      awsCli: cli('lambda', urlConfig ? 'UpdateFunctionUrlConfig' : 'CreateFunctionUrlConfig', { FunctionName: n.functionName, AuthType: 'NONE', InvokeMode: 'RESPONSE_STREAM' }),
    });
  }
  const sids = new Set(statements.map((s) => s.Sid));
  const missingPermissions = URL_PERMISSIONS.filter((p) => !sids.has(p.sid));
  for (const p of missingPermissions) steps.push({ action: 'create', resource: `permission ${p.sid} on ${n.functionName} (${p.action} for anyone, through the function URL)` });

  const origin = urlConfig?.FunctionUrl ? trimSlash(urlConfig.FunctionUrl) : undefined;
  const callbackPlan = origin ? planFacadeCallback(t, origin) : undefined;
  if (callbackPlan?.step) steps.push(callbackPlan.step);
  if (!origin) steps.push({ action: 'update', resource: `callback URLs of app client ${t.clientName ?? t.clientId}`, diff: ['+ <the function URL>/callback'] });
  const gateway = await prepareAuthorizeClient(
    { poolId: t.poolId, gatewayId: t.gatewayId, clientIds: [t.clientId], ...(copilotStudio ? { mcpVersions: [COPILOT_STUDIO_MCP_VERSION] } : {}), wait: input.wait, waitTimeoutSeconds: input.waitTimeoutSeconds },
    ctx,
  );
  steps.push(...gateway.steps);

  const prev = ctx.state.get().facade;
  const result = (changes: string[], url = origin): FacadeDeployResult => ({
    functionName: n.functionName,
    roleName: n.roleName,
    parameterNames: paramNames,
    ...(url ? { url, mcpUrl: `${url}/mcp`, ...clientCommands(t.gatewayName?.replace(/[^A-Za-z0-9_-]+/g, '-') || 'agentcore-gateway', `${url}/mcp`) } : {}),
    copilotStudio,
    clientId: t.clientId,
    gatewayId: t.gatewayId,
    codeSha256: sha,
    changes,
    changed: changes.length > 0,
  });

  const record = (patch: Partial<StateFacade>) => {
    const before = ctx.state.get().facade;
    const base: StateFacade = before?.functionName === n.functionName ? before : { functionName: n.functionName, roleName: n.roleName, parameterNames: paramNames, region, clientId: t.clientId, created: true, callbackAdded: false };
    ctx.state.update({ facade: { ...base, parameterNames: paramNames, clientId: t.clientId, ...patch } });
  };

  return {
    steps,
    question: `Deploy the OAuth façade ${n.functionName}?`,
    preview: () => result([]),
    apply: async () => {
      const changes: string[] = [];
      if (steps.length === 0) {
        ctx.out.step(`The façade ${n.functionName} is deployed and up to date; nothing to change`);
        return result([]);
      }
      if (prev && prev.functionName !== n.functionName) {
        throw new RefusedError(`The state file records another façade (${prev.functionName}); one state file records one façade.`, `Remove it first (mcp-cognito facade remove), or use another --state file.`);
      }
      record({});
      const r = role ?? (await iam.createRole(n.roleName, TRUST_POLICY, `Execution role of the OAuth façade ${n.functionName} (mcp-cognito)`, { [MANAGED_TAG.key]: MANAGED_TAG.value }));
      if (!role) {
        changes.push(`created role ${n.roleName}`);
        ctx.out.step(`Created IAM role ${n.roleName}`);
      }
      const doc = policyFor(r.Arn!);
      if (!samePolicy(policyDoc, doc)) {
        await iam.putRolePolicy(n.roleName, n.policyName, doc);
        changes.push(`put policy ${n.policyName}`);
        ctx.out.step(`Put the least-privilege policy ${n.policyName} on ${n.roleName}`);
      }
      if (!keyParam) {
        const how = await ssm.putSecureString(n.signingKeyParameter, randomBytes(32).toString('base64url'), { overwrite: false, description: `Signing key of the OAuth façade ${n.functionName}`, keyId: input.kmsKeyArn });
        changes.push(`created parameter ${n.signingKeyParameter}`);
        ctx.out.step(`Stored a new signing key in ${n.signingKeyParameter}${how === 'already there' ? ' (the first attempt landed; its answer was lost)' : ''}`);
      }
      if (secretStale) {
        await ssm.putSecureString(n.clientSecretParameter, t.client.ClientSecret!, { overwrite: Boolean(secretParam), description: `App client secret for the OAuth façade ${n.functionName}`, keyId: input.kmsKeyArn });
        changes.push(`${secretParam ? 'updated' : 'created'} parameter ${n.clientSecretParameter}`);
        ctx.out.step(`Stored the app client secret in ${n.clientSecretParameter}`);
      }
      const settings = desiredSettings(t, n, r.Arn!, input.allowedRedirectUris, options);
      if (!current) {
        await lambda.createFunction({ FunctionName: n.functionName, Code: { ZipFile: pkg }, Architectures: [ARCHITECTURE], Tags: { [MANAGED_TAG.key]: MANAGED_TAG.value }, ...settings });
        changes.push(`created function ${n.functionName}`);
        ctx.out.step(`Created Lambda function ${n.functionName}`);
        await lambda.waitReady(n.functionName, input.waitTimeoutSeconds);
      } else {
        if (codeStale) {
          await lambda.updateFunctionCode(n.functionName, pkg);
          await lambda.waitReady(n.functionName, input.waitTimeoutSeconds);
          changes.push('updated code');
          ctx.out.step(`Updated the code of ${n.functionName}`);
        }
        const drifted = settingsDrift(current, settings);
        if (drifted.length) {
          await lambda.updateFunctionConfiguration({ FunctionName: n.functionName, ...settings });
          await lambda.waitReady(n.functionName, input.waitTimeoutSeconds);
          changes.push(`updated configuration (${drifted.join(', ')})`);
          ctx.out.step(`Updated the configuration of ${n.functionName} (${drifted.join(', ')})`);
        }
      }
      let urlNow = urlConfig;
      if (!urlOk) {
        urlNow = urlConfig ? await lambda.updateFunctionUrlConfig(n.functionName) : await lambda.createFunctionUrlConfig(n.functionName);
        changes.push(`${urlConfig ? 'updated' : 'created'} function URL`);
        ctx.out.step(`${urlConfig ? 'Updated' : 'Created'} the function URL ${urlNow.FunctionUrl}`);
      }
      for (const p of missingPermissions) {
        const how = await lambda.addPermission({ FunctionName: n.functionName, StatementId: p.sid, Action: p.action, Principal: '*', ...p.extra });
        changes.push(how === 'added' ? `added permission ${p.sid}` : `permission ${p.sid} was there already (an earlier attempt landed)`);
      }
      const url = trimSlash(urlNow!.FunctionUrl!);
      record({ url, copilotStudio });
      const cb = callbackPlan ?? planFacadeCallback(t, url);
      if (cb.step) {
        // Recorded before the write that adds it: `facade remove` takes it away even after a kill mid-write
        // (and leaves the client alone when the callback is not there).
        record({ url, callbackAdded: true });
        await applyCallback(await ctx.cognito(), cb, ctx.out);
        changes.push(`added ${facadeCallbackUrl(url)} to the client`);
      }
      if (gateway.steps.length) {
        await gateway.apply();
        changes.push(`authorized ${t.clientId} on gateway ${t.gatewayId}`);
      }
      // Every piece exists now and the façade record covers them: no Create of them is pending any more.
      const pieces = new Set([n.roleName, n.functionName]);
      ctx.state.change((s) => withoutIntents(s, (i) => (i.kind === 'role' || i.kind === 'function' || i.kind === 'functionUrl') && pieces.has(i.name)));
      return result(changes, url);
    },
  };
}

export type { FacadeNames };
