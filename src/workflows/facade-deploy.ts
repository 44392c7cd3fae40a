/**
 * `facade deploy`: read what exists → plan (create what is missing, update what drifted) → one
 * approval → apply in order: role and its policy, parameters, function (code only when the bundle's
 * hash differs), function URL, its two permissions, the callback on the client, the client on the
 * gateway; recorded in the state file as it goes, so an interrupted deploy resumes or is removed.
 */
import { randomBytes } from 'node:crypto';
import { RefusedError } from '../lib/errors.js';
import { readyForUpdate } from '../aws/lambda.js';
import type { Ctx } from '../lib/context.js';
import { awsCliCommand, type PlanStep, type Prepared } from '../lib/plan.js';
import { codeSha256, zip } from '../lib/zip.js';
import { resourceKey, withResourceLock } from '../lib/resource-lock.js';
import type { StateFacade } from '../lib/state.js';
import { withoutIntents } from '../lib/intents.js';
import { facadeCallbackUrl, type FacadeTargetInput } from '../steps/facade/target.js';
import { assertOurFunction, assertOurRole } from '../steps/facade/ownership.js';
import { prepareFacadeClient } from './facade-client.js';
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

/** The ID of the client's only secret (the one the façade was just given); undefined when it has several or they cannot be listed. */
async function onlySecretId(ctx: Ctx, poolId: string, clientId: string): Promise<string | undefined> {
  const list = await (await ctx.cognito()).listClientSecrets(poolId, clientId, { fresh: true }).catch(() => undefined);
  return list?.length === 1 ? list[0]!.ClientSecretId : undefined;
}

export async function prepareFacadeDeploy(input: FacadeDeployInput, ctx: Ctx): Promise<Prepared<FacadeDeployResult>> {
  const n = facadeNames(input.name);
  const prev = ctx.state.get().facade;
  const recorded = prev?.functionName === n.functionName && prev.created === true;
  const [lambda, iam, ssm] = await Promise.all([ctx.lambda(), ctx.iam(), ctx.ssm()]);
  const paramNames = [n.signingKeyParameter, n.clientSecretParameter];
  const [fn, role, params] = await Promise.all([lambda.getFunction(n.functionName), iam.getRole(n.roleName), ssm.getParameters(paramNames, false)]);
  const doing = 'deploy will not take it over';
  if (fn) await assertOurFunction(lambda, fn, n.functionName, recorded, doing);
  if (role) assertOurRole(role.Tags, n.roleName, recorded, doing);
  const [policyDoc, urlConfig, statements] = await Promise.all([
    role ? iam.getRolePolicy(n.roleName, n.policyName) : Promise.resolve(undefined),
    fn ? lambda.getFunctionUrlConfig(n.functionName) : Promise.resolve(undefined),
    fn ? lambda.getPolicyStatements(n.functionName) : Promise.resolve([]),
  ]);
  const origin = urlConfig?.FunctionUrl ? trimSlash(urlConfig.FunctionUrl) : undefined;
  // The façade's own app client (created, adopted, or found in the state file), with its callback and its place on the gateway.
  // Copilot Studio's Dynamic discovery (the flag, else as last deployed): its MCP version on the gateway too.
  const copilotStudio = input.copilotStudio ?? fn?.Configuration?.Environment?.Variables?.[ENV.copilotStudio] === '1';
  const setup = await prepareFacadeClient(input, ctx, origin ? facadeCallbackUrl(origin) : undefined, { wait: input.wait, waitTimeoutSeconds: input.waitTimeoutSeconds, ...(copilotStudio ? { mcpVersions: [COPILOT_STUDIO_MCP_VERSION] } : {}) });
  const t = setup.target;
  const region = t.region;
  const pkg = zip([{ name: 'index.mjs', data: input.bundle }]);
  const sha = codeSha256(pkg);
  const roleArnFor = (account: string, partition = 'aws') => `arn:${partition}:iam::${account}:role/${n.roleName}`;
  const policyFor = (arn: string) => runtimePolicy(n, { region, ...arnParts(arn), withSecret: true, ...(input.kmsKeyArn ? { kmsKeyArn: input.kmsKeyArn } : {}) });

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

  // The secret the façade uses is the one it got at creation (or a rotation) and keeps in its parameter:
  // a parameter for this client is kept; DescribeUserPoolClient is asked only when nothing holds it.
  const secretParam = params.get(n.clientSecretParameter);
  const sameClient = Boolean(setup.existing) && (prev?.clientId ?? t.clientId) === t.clientId;
  const staleId = sameClient && prev?.secretId && setup.existing ? !(await (await ctx.cognito()).listClientSecrets(t.poolId, t.clientId).then((l) => l.some((d) => d.ClientSecretId === prev.secretId)).catch(() => true)) : false;
  const secretNeeded = !secretParam || secretParam.type !== 'SecureString' || !sameClient || staleId;
  if (secretNeeded && setup.existing && !setup.existing.ClientSecret) {
    throw new RefusedError(
      `The secret of the façade's app client ${t.clientName ?? t.clientId} cannot be read (DescribeUserPoolClient returns none) and ${secretParam ? 'the parameter ' + n.clientSecretParameter + ' holds ' + (staleId ? 'a deleted one' : "another client's") : 'no parameter holds it'}.`,
      `Give the client a new secret, which is delivered to the façade: mcp-cognito rotate-secret --client-id ${t.clientId}`,
    );
  }
  if (secretNeeded) steps.push({ action: secretParam ? 'update' : 'create', resource: `SSM SecureString parameter ${n.clientSecretParameter} (the secret of the façade's app client ${t.clientName ?? (t.clientId || '(new)')}, not shown)${staleId ? ': the secret it holds no longer exists' : ''}` });

  const current = fn?.Configuration;
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
  steps.push(...setup.steps);

  const result = (changes: string[], url = origin, clientId = t.clientId): FacadeDeployResult => ({
    functionName: n.functionName,
    roleName: n.roleName,
    parameterNames: paramNames,
    ...(url ? { url, mcpUrl: `${url}/mcp`, ...clientCommands(t.gatewayName?.replace(/[^A-Za-z0-9_-]+/g, '-') || 'agentcore-gateway', `${url}/mcp`) } : {}),
    copilotStudio,
    clientId: clientId || '(new)',
    gatewayId: t.gatewayId,
    codeSha256: sha,
    changes,
    changed: changes.length > 0,
  });

  const record = (patch: Partial<StateFacade>) => {
    const before = ctx.state.get().facade;
    const base: StateFacade = before?.functionName === n.functionName ? before : { functionName: n.functionName, roleName: n.roleName, parameterNames: paramNames, region, clientId: t.clientId, created: true, callbackAdded: false };
    const { kmsKeyArn: _k, ...rest } = base;
    ctx.state.update({ facade: { ...rest, parameterNames: paramNames, ...(input.kmsKeyArn ? { kmsKeyArn: input.kmsKeyArn } : {}), ...patch } });
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
      record(prev?.functionName === n.functionName ? {} : { clientId: t.clientId });
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
      // A new client needs the function URL for its callback: the function is made first, without the client's ID,
      // and is given it once the client exists (before anyone has been told the URL).
      const settingsFor = (target: typeof t) => desiredSettings(target, n, r.Arn!, input.allowedRedirectUris, options);
      const waitUpdated = () => lambda.waitReady(n.functionName, input.waitTimeoutSeconds);
      let deployed = current;
      if (!current) {
        deployed = await lambda.createFunction({ FunctionName: n.functionName, Code: { ZipFile: pkg }, Architectures: [ARCHITECTURE], Tags: { [MANAGED_TAG.key]: MANAGED_TAG.value }, ...settingsFor(t) });
        changes.push(`created function ${n.functionName}`);
        ctx.out.step(`Created Lambda function ${n.functionName}`);
        await waitUpdated();
      } else if (codeStale) {
        // A function still Pending or being updated (an interrupted run, another writer) takes no update yet.
        if (!readyForUpdate(current)) await waitUpdated();
        await lambda.updateFunctionCode(n.functionName, pkg, input.waitTimeoutSeconds);
        await waitUpdated();
        changes.push('updated code');
        ctx.out.step(`Updated the code of ${n.functionName}`);
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

      // The callback is recorded before the write that adds it: `facade remove` takes it away even after a
      // kill mid-write (and leaves the client alone when the callback is not there).
      const applied = await setup.apply(facadeCallbackUrl(url), { beforeCallback: (clientId) => record({ url, ...(clientId ? { clientId } : {}), callbackAdded: true }) });
      const target = applied.target;
      if (applied.created) changes.push(`created the façade's app client ${target.clientName ?? target.clientId}`);
      if (applied.callbackAdded) changes.push(`added ${facadeCallbackUrl(url)} to the façade's client`);
      record({ url, clientId: target.clientId, callbackAdded: applied.callbackAdded || (prev?.callbackAdded === true && prev.clientId === target.clientId) });
      if (secretNeeded) {
        if (!applied.secret) throw new RefusedError(`The secret of the façade's app client ${target.clientId} cannot be read.`, `mcp-cognito rotate-secret --client-id ${target.clientId}`);
        // Under the façade's lock, and not when rotate-secret gave the façade a newer secret meanwhile (facade.secretId changed).
        const written = await withResourceLock(resourceKey.facade(region, n.functionName), `the façade ${n.functionName}`, async () => {
          const now = ctx.state.fresh().facade;
          if (secretParam && now?.secretId && now.secretId !== prev?.secretId) return false;
          await ssm.putSecureString(n.clientSecretParameter, applied.secret!, { overwrite: Boolean(secretParam), description: `App client secret for the OAuth façade ${n.functionName}`, keyId: input.kmsKeyArn });
          const secretId = await onlySecretId(ctx, target.poolId, target.clientId);
          const { secretId: _old, ...rest } = ctx.state.get().facade!;
          ctx.state.update({ facade: { ...rest, ...(secretId ? { secretId } : {}) } });
          return true;
        });
        if (written) {
          changes.push(`${secretParam ? 'updated' : 'created'} parameter ${n.clientSecretParameter}`);
          ctx.out.step(`Stored the façade's client secret in ${n.clientSecretParameter}`);
        }
      }
      const settings = settingsFor(target);
      const drifted = settingsDrift(deployed, settings);
      if (drifted.length) {
        // A function still Pending or being updated (an interrupted run, another writer) takes no update yet (no conflict sent).
        if (deployed === current && !codeStale && !readyForUpdate(current)) await waitUpdated();
        await lambda.updateFunctionConfiguration({ FunctionName: n.functionName, ...settings }, input.waitTimeoutSeconds);
        await waitUpdated();
        changes.push(`updated configuration (${drifted.join(', ')})`);
        ctx.out.step(`Updated the configuration of ${n.functionName} (${drifted.join(', ')})`);
      }
      // Every piece exists now and the façade record covers them: no Create of them is pending any more.
      const pieces = new Set([n.roleName, n.functionName]);
      ctx.state.change((s) => withoutIntents(s, (i) => (i.kind === 'role' || i.kind === 'function' || i.kind === 'functionUrl') && pieces.has(i.name)));
      // The façade works on its own client now: the callbacks it had put on another client come off.
      for (const u of await setup.moveOff()) changes.push(`removed ${u} from the client the façade used before`);
      return result(changes, url, target.clientId);
    },
  };
}

export type { FacadeNames };
