/**
 * `facade status` (and doctor's deployed-façade check): how the deployed façade is, read only —
 * the function's state, its URL and invoke mode, its permissions, role and parameters, and where
 * its configuration drifted from what deploy would set now.
 */
import type { Ctx } from '../../lib/context.js';
import type { StateFacade } from '../../lib/state.js';
import { codeSha256, zip } from '../../lib/zip.js';
import { ENV } from '../../facade/env.js';
import { readFacadeTarget } from './target.js';
import { URL_PERMISSIONS, desiredSettings, facadeNames, settingsDrift } from './resources.js';

export interface FacadeStatus {
  recorded: boolean;
  functionName?: string;
  url?: string;
  mcpUrl?: string;
  functionState?: string;
  lastUpdateStatus?: string;
  invokeMode?: string;
  authType?: string;
  permissionsMissing: string[];
  roleExists?: boolean;
  parametersMissing: string[];
  /** Configuration settings that differ from what deploy would set now (empty: none). */
  drift: string[];
  /** The deployed code differs from this version's bundle (a deploy updates it). */
  codeOutdated?: boolean;
  /** Environment variables that are not the façade's public settings or parameter names. */
  unexpectedEnvironment: string[];
  /**
   * Whether the secret in the façade's parameter still exists on its client: by the recorded secret ID,
   * else by dates (a parameter written before every secret the client has now holds none of them). Never by value.
   */
  secret?: { status: 'current' | 'gone' | 'unknown'; detail: string };
  /** Whether the deployed façade allows Copilot Studio's consent redirects (deploy --copilot-studio). */
  copilotStudio?: boolean;
  healthy: boolean;
  problems: string[];
}

const KNOWN_ENV = new Set<string>(Object.values(ENV));

/** The façade's secret against ListUserPoolClientSecrets (IDs and creation dates only). */
export async function secretStatus(ctx: Ctx, f: StateFacade, parameterModified: Date | undefined): Promise<NonNullable<FacadeStatus['secret']>> {
  const poolId = ctx.state.get().userPoolId;
  if (!poolId || !f.clientId) return { status: 'unknown', detail: 'The state file names no user pool or client for the façade.' };
  let list;
  try {
    list = await (await ctx.cognito()).listClientSecrets(poolId, f.clientId);
  } catch (e) {
    return { status: 'unknown', detail: `The client's secrets could not be listed: ${(e as Error).message.split('\n')[0]}` };
  }
  if (f.secretId) {
    if (list.some((d) => d.ClientSecretId === f.secretId)) return { status: 'current', detail: `The façade holds secret ${f.secretId}, one of the client's ${list.length}.` };
    return { status: 'gone', detail: `The façade's parameter holds secret ${f.secretId}, which app client ${f.clientId} no longer has (deleted by a rotation).` };
  }
  const created = list.map((d) => (d.ClientSecretCreateDate ? new Date(d.ClientSecretCreateDate).getTime() : NaN)).filter((t) => !Number.isNaN(t));
  if (parameterModified && created.length && created.every((t) => t > parameterModified.getTime() + 1000)) {
    return { status: 'gone', detail: `The façade's secret parameter was last written ${parameterModified.toISOString()}, before every secret app client ${f.clientId} has now: it holds a deleted secret.` };
  }
  return { status: parameterModified && created.length ? 'current' : 'unknown', detail: parameterModified && created.length ? 'The façade\'s parameter was written after one of the client\'s secrets was created.' : 'The secret ID is not recorded and the dates cannot be compared.' };
}

export async function readFacadeStatus(ctx: Ctx, o: { bundle?: Uint8Array; allowedRedirectUris?: string[] } = {}): Promise<FacadeStatus> {
  const f = ctx.state.get().facade;
  const empty: FacadeStatus = { recorded: false, permissionsMissing: [], parametersMissing: [], drift: [], unexpectedEnvironment: [], healthy: false, problems: ['No façade is recorded in the state file (run mcp-cognito facade deploy).'] };
  if (!f) return empty;
  const n = { ...facadeNames(f.functionName), roleName: f.roleName };
  const [lambda, iam, ssm] = await Promise.all([ctx.lambda(), ctx.iam(), ctx.ssm()]);
  const [fn, role, params] = await Promise.all([lambda.getFunction(n.functionName), iam.getRole(n.roleName), ssm.getParameters(f.parameterNames, false)]);
  const problems: string[] = [];
  const s: FacadeStatus = { ...empty, recorded: true, functionName: n.functionName, roleExists: Boolean(role), problems };
  if (!role) problems.push(`The execution role ${n.roleName} is missing.`);
  s.parametersMissing = f.parameterNames.filter((p) => !params.has(p));
  if (s.parametersMissing.length) problems.push(`Parameter${s.parametersMissing.length > 1 ? 's' : ''} missing: ${s.parametersMissing.join(', ')}.`);
  if (!fn?.Configuration) {
    problems.push(`The function ${n.functionName} does not exist.`);
    s.healthy = false;
    return s;
  }
  const c = fn.Configuration;
  s.functionState = c.State;
  s.lastUpdateStatus = c.LastUpdateStatus;
  if (c.State && c.State !== 'Active') problems.push(`The function is ${c.State}${c.StateReason ? `: ${c.StateReason}` : ''}.`);
  if (c.LastUpdateStatus === 'Failed') problems.push(`Its last update failed${c.LastUpdateStatusReason ? `: ${c.LastUpdateStatusReason}` : ''}.`);
  s.copilotStudio = (c.Environment?.Variables ?? {})[ENV.copilotStudio] === '1';
  s.unexpectedEnvironment = Object.keys(c.Environment?.Variables ?? {}).filter((k) => !KNOWN_ENV.has(k));
  if (s.unexpectedEnvironment.length) problems.push(`Its environment has variables deploy did not set: ${s.unexpectedEnvironment.join(', ')}.`);
  const [url, statements] = await Promise.all([lambda.getFunctionUrlConfig(n.functionName), lambda.getPolicyStatements(n.functionName)]);
  if (url) {
    s.url = url.FunctionUrl?.replace(/\/+$/, '');
    s.mcpUrl = `${s.url}/mcp`;
    s.invokeMode = url.InvokeMode;
    s.authType = url.AuthType;
    if (url.InvokeMode !== 'RESPONSE_STREAM') problems.push(`The function URL's invoke mode is ${url.InvokeMode}, not RESPONSE_STREAM (MCP answers cannot stream).`);
  } else problems.push('The function has no function URL.');
  const sids = new Set(statements.map((x) => x.Sid));
  s.permissionsMissing = URL_PERMISSIONS.filter((p) => !sids.has(p.sid)).map((p) => `${p.sid} (${p.action})`);
  if (s.permissionsMissing.length) problems.push(`Permission${s.permissionsMissing.length > 1 ? 's' : ''} missing: ${s.permissionsMissing.join(', ')}; callers get 403 Forbidden.`);
  s.secret = await secretStatus(ctx, f, params.get(n.clientSecretParameter)?.lastModified);
  if (s.secret.status === 'gone') problems.push(`${s.secret.detail} Every sign-in through the façade fails at its token endpoint (502). Run mcp-cognito rotate-secret --client-id ${f.clientId}: it adds a new secret and gives it to the façade (Cognito shows no secret value again after it was created).`);
  if (o.bundle) s.codeOutdated = c.CodeSha256 !== codeSha256(zip([{ name: 'index.mjs', data: o.bundle }]));
  if (role) {
    const t = await readFacadeTarget({ clientId: f.clientId }, ctx).catch(() => undefined);
    const current = (c.Environment?.Variables ?? {})[ENV.allowedRedirectUris];
    // Settings chosen at deploy (--allow-redirect, --client-metadata, --copilot-studio) are compared as deployed.
    const clientMetadata = (c.Environment?.Variables ?? {})[ENV.clientMetadata] !== 'off';
    if (t) s.drift = settingsDrift(c, desiredSettings(t, n, role.Arn!, o.allowedRedirectUris ?? (current ? current.split(' ') : []), { clientMetadata, copilotStudio: s.copilotStudio }));
  }
  s.healthy = problems.length === 0;
  return s;
}
