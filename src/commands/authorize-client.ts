import { Command } from 'commander';
import { CliError, RefusedError, UsageError } from '../lib/errors.js';
import { runAction, type Ctx } from '../lib/context.js';
import type { Output } from '../lib/output.js';
import { awsCliCommand, listDiff, type PlanStep } from '../lib/plan.js';
import { discoveryUrl, parseCognitoDiscoveryUrl } from '../lib/urls.js';
import { GatewayId, check } from '../lib/validate.js';
import { changedGatewayFields, toUpdateGatewayRequest, type AuthorizerConfiguration, type GatewayPatch, type GatewayProtocolConfiguration, type GetGatewayResponse } from '../aws/rmw.js';
import { clientNotFound } from './add-callback.js';
import { OIDC_SCOPES } from './create-client.js';
import { parseSeconds } from './init-pool.js';
import type { Holder } from '../cli.js';

/** The MCP protocol version Copilot Studio speaks; without it the connection fails silently. */
export const COPILOT_STUDIO_MCP_VERSION = '2025-03-26';
export const DEFAULT_WAIT_TIMEOUT_SECONDS = 300;

export interface AuthorizeClientInput {
  poolId?: string;
  /** Default: the state's gateway; on a terminal, picked from the account's gateways. */
  gatewayId?: string;
  /** Default: every client in the state file. */
  clientIds?: string[];
  /** Poll GetGateway until READY after the update (default true). */
  wait: boolean;
  waitTimeoutSeconds: number;
}

/** Seams for tests: how to sleep and what time it is. */
export interface AuthorizeClientHooks {
  sleep?: (ms: number) => Promise<void>;
  now?: () => number;
}

export interface AuthorizeClientResult {
  userPoolId: string;
  gatewayId: string;
  gatewayName?: string;
  gatewayUrl?: string;
  allowedClients: string[];
  added: string[];
  allowedScopes: string[];
  addedScopes: string[];
  supportedVersions: string[];
  addedVersions: string[];
  status?: string;
  changed: boolean;
}

interface AuthorizeClientFlags {
  poolId?: string;
  gatewayId?: string;
  clientId?: string[];
  wait?: boolean;
  waitTimeout?: string;
}

export function parseAuthorizeClientFlags(f: AuthorizeClientFlags): AuthorizeClientInput {
  return {
    poolId: f.poolId,
    gatewayId: f.gatewayId,
    clientIds: f.clientId?.length ? [...new Set(f.clientId)] : undefined,
    wait: f.wait !== false,
    waitTimeoutSeconds: parseSeconds(f.waitTimeout, DEFAULT_WAIT_TIMEOUT_SECONDS, '--wait-timeout'),
  };
}

/** What one client brings to the gateway: its ID, its custom scopes, whether it is a Copilot Studio client. */
export interface ClientGrant {
  clientId: string;
  customScopes: string[];
  copilotStudio: boolean;
}

export interface GatewayMerge {
  patch: GatewayPatch;
  added: string[];
  addedScopes: string[];
  addedVersions: string[];
  allowedClients: string[];
  allowedScopes: string[];
  supportedVersions: string[];
}

type JwtConfig = NonNullable<AuthorizerConfiguration.CustomJWTAuthorizerMember['customJWTAuthorizer']>;
const jwtOf = (g: GetGatewayResponse): JwtConfig | undefined => (g.authorizerConfiguration as AuthorizerConfiguration.CustomJWTAuthorizerMember | undefined)?.customJWTAuthorizer;
const mcpOf = (g: GetGatewayResponse) => (g.protocolConfiguration as GatewayProtocolConfiguration.McpMember | undefined)?.mcp;

/**
 * The gateway change that lets `grants` through, adding only: allowedClients gains the client
 * IDs; allowedScopes, when the gateway checks scopes, gains the clients' custom scopes;
 * supportedVersions, when the gateway lists versions, gains 2025-03-26 for a Copilot Studio client.
 */
export function mergeGatewayAuthorization(got: GetGatewayResponse, grants: ClientGrant[]): GatewayMerge {
  const jwt = jwtOf(got) ?? ({} as JwtConfig);
  const clientsBefore = jwt.allowedClients ?? [];
  const added = grants.map((g) => g.clientId).filter((id, i, a) => !clientsBefore.includes(id) && a.indexOf(id) === i);
  const scopesBefore = jwt.allowedScopes ?? [];
  const addedScopes = scopesBefore.length ? [...new Set(grants.flatMap((g) => g.customScopes))].filter((s) => !scopesBefore.includes(s)) : [];
  const mcp = mcpOf(got);
  const versionsBefore = mcp?.supportedVersions ?? [];
  const addedVersions = versionsBefore.length && grants.some((g) => g.copilotStudio) && !versionsBefore.includes(COPILOT_STUDIO_MCP_VERSION) ? [COPILOT_STUDIO_MCP_VERSION] : [];

  const patch: GatewayPatch = {};
  if (added.length || addedScopes.length) {
    patch.authorizerConfiguration = {
      customJWTAuthorizer: {
        ...jwt,
        allowedClients: [...clientsBefore, ...added],
        ...(scopesBefore.length ? { allowedScopes: [...scopesBefore, ...addedScopes] } : {}),
      },
    };
  }
  if (addedVersions.length && mcp) {
    patch.protocolConfiguration = { mcp: { ...mcp, supportedVersions: [...versionsBefore, ...addedVersions] } };
  }
  return {
    patch,
    added,
    addedScopes,
    addedVersions,
    allowedClients: [...clientsBefore, ...added],
    allowedScopes: [...scopesBefore, ...addedScopes],
    supportedVersions: [...versionsBefore, ...addedVersions],
  };
}

/** The gateway to change: the flag, the state's, or (on a terminal) picked from the account's gateways. */
async function resolveGatewayId(input: AuthorizeClientInput, ctx: Ctx): Promise<string> {
  if (input.gatewayId) return ctx.gatewayId(input.gatewayId);
  const fromState = ctx.state.get().gatewayId;
  // The state file is input too: a malformed ID is an input error (exit 2), never sent to AWS.
  if (fromState) return check(GatewayId, fromState, `The gatewayId in the state file ${ctx.state.path}`);
  if (!ctx.canPrompt) throw new UsageError('No gateway: pass --gateway-id (the state file names none).');
  const agentcore = await ctx.agentcore();
  const gateways = await agentcore.listGateways();
  if (gateways.length === 0) {
    throw new CliError(`There is no AgentCore gateway in ${await ctx.region()}.`, { code: 'NOT_FOUND', hint: 'Create one first (AgentCore console or `agentcore` CLI), or check --region.' });
  }
  return ctx.prompt.select({
    message: 'Which gateway should trust the client?',
    choices: gateways.map((g) => ({ name: `${g.name} (${g.gatewayId}) ${g.authorizerType ?? ''} ${g.status ?? ''}`.trim(), value: g.gatewayId!, disabled: g.authorizerType && g.authorizerType !== 'CUSTOM_JWT' ? `${g.authorizerType} authorizer` : false })),
  });
}

function resolveClientIds(input: AuthorizeClientInput, ctx: Ctx): string[] {
  if (input.clientIds) return input.clientIds.map((id) => ctx.clientId(id));
  const ids = (ctx.state.get().clients ?? []).map((c) => c.clientId);
  if (ids.length === 0) throw new UsageError('No app client: pass --client-id, or run `mcp-cognito create-client` first so the state file knows it.');
  return ids;
}

/** Refuse (changing nothing) a gateway this pool cannot be added to. */
function preflight(got: GetGatewayResponse, gatewayId: string, poolId: string, region: string): void {
  const name = got.name ?? gatewayId;
  if (got.authorizerType !== 'CUSTOM_JWT') {
    throw new RefusedError(
      `Gateway ${name} uses the ${got.authorizerType ?? 'unknown'} authorizer, not CUSTOM_JWT, so it cannot trust Cognito tokens. AWS does not allow changing a gateway's authorizer type in place.`,
      'Create a gateway with a CUSTOM_JWT authorizer whose discovery URL is ' + discoveryUrl(region, poolId) + ', then run authorize-client with its --gateway-id.',
    );
  }
  const jwt = jwtOf(got);
  if (!jwt?.discoveryUrl) {
    throw new RefusedError(`Gateway ${name} has a CUSTOM_JWT authorizer without a discovery URL; this tool will not guess one.`, `Set its discovery URL to ${discoveryUrl(region, poolId)} in the AgentCore console first.`);
  }
  const trusted = parseCognitoDiscoveryUrl(jwt.discoveryUrl);
  if (!trusted) {
    throw new RefusedError(
      `Gateway ${name} trusts another identity provider (${jwt.discoveryUrl}), not Cognito pool ${poolId}: adding this pool's clients would not work, and changing the discovery URL would cut off that provider's callers.`,
      'Use a gateway whose discovery URL is ' + discoveryUrl(region, poolId) + '.',
    );
  }
  if (trusted.poolId !== poolId || trusted.region !== region) {
    throw new RefusedError(
      `Gateway ${name} trusts Cognito pool ${trusted.poolId} in ${trusted.region}, not ${poolId} in ${region}: a gateway trusts one pool, and switching it would cut off that pool's callers.`,
      `Pass --pool-id ${trusted.poolId} to authorize a client of that pool, or use a gateway created for ${poolId}.`,
    );
  }
}

/**
 * Remember the gateway in the state file only beside the pool it trusts (preflight checked that
 * it trusts `poolId`): the state's own pool, or, when the state names no pool yet, this one
 * (recorded with it). With --pool-id naming another pool than the state's, the state is left
 * alone: it would otherwise pair its pool with a gateway that trusts a different one.
 */
function recordGateway(ctx: Ctx, poolId: string, region: string, gatewayId: string): void {
  const state = ctx.state.get();
  if (!state.userPoolId) {
    ctx.state.update({ region, userPoolId: poolId, gatewayId });
  } else if (state.userPoolId !== poolId) {
    ctx.out.info(ctx.out.c.dim(`Not recording gateway ${gatewayId} in ${ctx.state.path}: it trusts pool ${poolId}, and the state file belongs to pool ${state.userPoolId}.`));
  } else if (state.gatewayId !== gatewayId) {
    ctx.state.update({ gatewayId });
  }
}

const FAILED_STATUSES = new Set(['UPDATE_UNSUCCESSFUL', 'FAILED', 'DELETING']);

/** Poll GetGateway until READY (backoff 2 s → 10 s), failing on a failed status or past the timeout. */
export async function waitForGatewayReady(ctx: Ctx, gatewayId: string, timeoutSeconds: number, hooks: AuthorizeClientHooks = {}): Promise<GetGatewayResponse> {
  const sleep = hooks.sleep ?? ((ms: number) => new Promise<void>((r) => setTimeout(r, ms)));
  const now = hooks.now ?? Date.now;
  const agentcore = await ctx.agentcore();
  const started = now();
  const deadline = started + timeoutSeconds * 1000;
  let delay = 2000;
  const spinner = ctx.out.spinner(`Waiting for gateway ${gatewayId} to become READY`);
  let stopped = false;
  const stop = (text?: string) => {
    if (!stopped) spinner.stop(text);
    stopped = true;
  };
  try {
    for (;;) {
      const g = await agentcore.getGateway(gatewayId, { fresh: true });
      const status = g.status ?? 'UNKNOWN';
      if (status === 'READY') {
        stop(`Gateway ${g.name ?? gatewayId} is READY`);
        return g;
      }
      if (FAILED_STATUSES.has(status)) {
        stop();
        const reasons = g.statusReasons?.length ? `: ${g.statusReasons.join('; ')}` : ' (AWS gave no reason)';
        throw new CliError(`Gateway ${g.name ?? gatewayId} ended in ${status}${reasons}.`, {
          code: 'AWS_ERROR',
          hint: 'Check the gateway in the AgentCore console; fix the cause and run the command again.',
          result: { gatewayId, status, statusReasons: g.statusReasons ?? [] },
        });
      }
      const left = deadline - now();
      if (left <= 0) {
        stop();
        throw new CliError(`Gateway ${g.name ?? gatewayId} is still ${status} after ${timeoutSeconds} s.`, {
          code: 'TIMEOUT',
          hint: 'The update was accepted; AWS may still finish it. Check later with `mcp-cognito doctor`, or wait longer with --wait-timeout.',
          result: { gatewayId, status },
        });
      }
      spinner.update(`Waiting for gateway ${g.name ?? gatewayId} to become READY (${status}, ${Math.round((now() - started) / 1000)} s)`);
      await sleep(Math.min(delay, left));
      delay = Math.min(Math.round(delay * 1.5), 10_000);
    }
  } finally {
    stop();
  }
}

/**
 * Let app clients through an AgentCore gateway's JWT authorizer: GetGateway → refuse what
 * cannot work → merge (add only) → plan → approve → UpdateGateway with every field → wait → verify.
 */
export async function authorizeClient(input: AuthorizeClientInput, ctx: Ctx, hooks: AuthorizeClientHooks = {}): Promise<AuthorizeClientResult> {
  const poolId = await ctx.poolId(input.poolId);
  const clientIds = resolveClientIds(input, ctx);
  const gatewayId = await resolveGatewayId(input, ctx);
  const region = await ctx.region();
  const agentcore = await ctx.agentcore();
  const got = await agentcore.getGateway(gatewayId);
  preflight(got, gatewayId, poolId, region);

  const cognito = await ctx.cognito();
  const stateClients = ctx.state.get().clients ?? [];
  const grants: ClientGrant[] = [];
  for (const clientId of clientIds) {
    const c = await cognito.describeClient(poolId, clientId).catch((e: unknown) => {
      throw clientNotFound(e, clientId, poolId, region);
    });
    const preset = stateClients.find((s) => s.clientId === clientId)?.preset;
    grants.push({
      clientId,
      customScopes: (c.AllowedOAuthScopes ?? []).filter((s) => !(OIDC_SCOPES as readonly string[]).includes(s)),
      // Not in the state file: a client with the authorization-code flow may be Copilot Studio's (adding the version only widens).
      copilotStudio: preset ? preset === 'copilot-studio' : (c.AllowedOAuthFlows ?? []).includes('code'),
    });
  }

  const merge = mergeGatewayAuthorization(got, grants);
  const name = got.name ?? gatewayId;
  const result = (changed: boolean, g: GetGatewayResponse = got): AuthorizeClientResult => ({
    userPoolId: poolId,
    gatewayId,
    ...(g.name ? { gatewayName: g.name } : {}),
    ...(g.gatewayUrl ? { gatewayUrl: g.gatewayUrl } : {}),
    allowedClients: merge.allowedClients,
    added: merge.added,
    allowedScopes: merge.allowedScopes,
    addedScopes: merge.addedScopes,
    supportedVersions: merge.supportedVersions,
    addedVersions: merge.addedVersions,
    ...(g.status ? { status: g.status } : {}),
    changed,
  });

  if (Object.keys(merge.patch).length === 0) {
    ctx.out.step(`Gateway ${name} already lets ${clientIds.join(', ')} through; nothing to change`);
    if (got.status && FAILED_STATUSES.has(got.status)) {
      ctx.out.warn(`Gateway ${name} is ${got.status}${got.statusReasons?.length ? `: ${got.statusReasons.join('; ')}` : ''}. Its last change did not complete; check it in the AgentCore console.`);
    }
    if (!ctx.dryRun) recordGateway(ctx, poolId, region, gatewayId);
    return result(false);
  }
  if (got.status !== 'READY') {
    throw new RefusedError(`Gateway ${name} is ${got.status ?? 'in an unknown state'}, not READY: it can only be changed when READY. Nothing was changed.`, 'Wait for the current operation to finish (or fix the gateway), then run the command again.');
  }

  const request = toUpdateGatewayRequest(got, merge.patch);
  const diff = [
    ...(merge.added.length ? ['allowedClients:', ...listDiff(jwtOf(got)?.allowedClients ?? [], merge.allowedClients).map((l) => `${l}`)] : []),
    ...(merge.addedScopes.length ? ['allowedScopes:', ...listDiff(jwtOf(got)?.allowedScopes ?? [], merge.allowedScopes)] : []),
    ...(merge.addedVersions.length ? ['protocolConfiguration.mcp.supportedVersions:', ...listDiff(mcpOf(got)?.supportedVersions ?? [], merge.supportedVersions)] : []),
  ];
  const step: PlanStep = { action: 'update', resource: `gateway ${name} (${gatewayId}) JWT authorizer`, diff, awsCli: awsCliCommand('bedrock-agentcore-control', 'UpdateGateway', { ...request }, region) };
  if (!(await ctx.approve([step], `Update gateway ${name}?`))) return result(false);

  // A person took time to confirm: never overwrite a change made meanwhile.
  const current = ctx.approvalWasAsked ? await agentcore.getGateway(gatewayId, { fresh: true }) : got;
  const moved = changedGatewayFields(toUpdateGatewayRequest(got), current);
  if (moved.length || current.status !== 'READY') {
    throw new CliError(`Gateway ${name} changed while this command was running (${moved.length ? moved.join(', ') : `status ${current.status}`}). Nothing was changed.`, {
      code: 'CONFLICT',
      hint: 'Run the command again to plan against the current gateway.',
    });
  }

  const accepted = await agentcore.updateGateway(request);
  ctx.out.step(`UpdateGateway accepted for ${name} (${accepted.status ?? 'UPDATING'})`);
  recordGateway(ctx, poolId, region, gatewayId);

  const after = input.wait ? await waitForGatewayReady(ctx, gatewayId, input.waitTimeoutSeconds, hooks) : await agentcore.getGateway(gatewayId, { fresh: true });
  const drift = changedGatewayFields(request, after);
  if (drift.length) {
    throw new CliError(`UpdateGateway was accepted, but gateway ${name} does not read back as sent: ${drift.join(', ')} ${drift.length > 1 ? 'differ' : 'differs'}. Another change may have happened at the same time.`, {
      code: 'CONFLICT',
      hint: `Check the gateway (aws bedrock-agentcore-control get-gateway --gateway-identifier ${gatewayId}) and run the command again.`,
    });
  }
  if (!input.wait) ctx.out.info(`Not waiting for READY (--no-wait); the gateway is ${after.status ?? 'updating'}.`);
  return result(true, after);
}

export function renderAuthorizeClient(r: AuthorizeClientResult, out: Output): string {
  const name = r.gatewayName ?? r.gatewayId;
  const what = [
    r.added.length ? `allowed clients + ${r.added.join(', ')}` : '',
    r.addedScopes.length ? `allowed scopes + ${r.addedScopes.join(', ')}` : '',
    r.addedVersions.length ? `MCP versions + ${r.addedVersions.join(', ')}` : '',
  ].filter(Boolean);
  const head = r.changed ? `Updated gateway ${name}: ${what.join('; ')}.` : what.length ? `Would update gateway ${name}: ${what.join('; ')} (nothing was changed).` : `Nothing to change: gateway ${name} already lets these clients through.`;
  const rows: [string, string][] = [
    ['Gateway', `${name} (${r.gatewayId})${r.status ? ` ${r.status}` : ''}`],
    ...(r.gatewayUrl ? ([['Gateway URL', `${r.gatewayUrl}/mcp`]] as [string, string][]) : []),
    ['Allowed clients', r.allowedClients.join(', ') || '(none)'],
    ...(r.allowedScopes.length ? ([['Allowed scopes', r.allowedScopes.join(' ')]] as [string, string][]) : []),
    ...(r.supportedVersions.length ? ([['MCP versions', r.supportedVersions.join(', ')]] as [string, string][]) : []),
  ];
  return `${head}\n${out.table(rows)}`;
}

export function authorizeClientCommand(holder: Holder): Command {
  const collect = (v: string, p: string[] = []) => [...p, v];
  return new Command('authorize-client')
    .description(
      "Add app clients to a CUSTOM_JWT gateway's allowedClients (and, when the gateway checks them, their custom scopes to allowedScopes; for a Copilot Studio client, MCP version 2025-03-26 to the listed supportedVersions), keeping every other gateway setting. Nothing is ever removed. Refused, changing nothing: a gateway with another authorizer type, a gateway that trusts another pool or Region, a gateway that is not READY. A client counts as Copilot Studio's when the state file says so, or, for clients not in the state file, when it uses the authorization-code flow.",
    )
    .option('--gateway-id <id>', "gateway (default: the state file's; on a terminal, pick from the account's gateways)")
    .option('--client-id <id>', 'app client to authorize (repeatable; default: every client in the state file)', collect)
    .option('--pool-id <id>', "user pool of the clients (default: the state file's)")
    .option('--no-wait', 'return once UpdateGateway is accepted, without waiting for READY')
    .option('--wait-timeout <seconds>', `how long to wait for READY (default ${DEFAULT_WAIT_TIMEOUT_SECONDS})`)
    .addHelpText('after', '\nExamples:\n  $ mcp-cognito authorize-client --gateway-id my-gateway-abc1234567\n  $ mcp-cognito authorize-client --client-id <id> --client-id <id2> --yes --no-wait\n  $ mcp-cognito authorize-client --dry-run')
    .action(
      runAction<AuthorizeClientFlags, AuthorizeClientResult>('authorize-client', holder, async (flags, ctx) => {
        const input = parseAuthorizeClientFlags(flags);
        return { result: await authorizeClient(input, ctx), render: renderAuthorizeClient };
      }),
    );
}
