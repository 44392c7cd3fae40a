/**
 * An AgentCore gateway's CUSTOM_JWT authorizer: which app clients (and scopes, and MCP versions)
 * it lets through. Plan from GetGateway (adding only), apply through the merge-and-verify loop with
 * the status re-checked right before UpdateGateway, then wait for READY.
 */
import { CliError, RefusedError } from '../lib/errors.js';
import { awsCliCommand, listDiff, type PlanStep } from '../lib/plan.js';
import { discoveryUrl, parseCognitoDiscoveryUrl } from '../lib/urls.js';
import { COPILOT_STUDIO_MCP_VERSION } from '../domain/oauth.js';
import { toUpdateGatewayRequest, type AuthorizerConfiguration, type GatewayPatch, type GatewayProtocolConfiguration, type GetGatewayResponse } from '../aws/rmw.js';
import type { AgentCoreApi } from '../aws/agentcore.js';
import { waitUntil } from '../aws/waiter.js';
import { mergeAndVerify, type MergeShape } from './merge.js';
import type { Progress } from './progress.js';

/** What one client brings to the gateway: its ID, its custom scopes, the MCP versions its kind of caller needs. */
export interface ClientGrant {
  clientId: string;
  customScopes: string[];
  /** A Copilot Studio client: the gateway must list the MCP version Copilot Studio speaks. */
  copilotStudio: boolean;
  /** MCP versions this client needs (default: Copilot Studio's for a Copilot Studio client). */
  mcpVersions?: readonly string[];
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
export const jwtOf = (g: GetGatewayResponse): JwtConfig | undefined => (g.authorizerConfiguration as AuthorizerConfiguration.CustomJWTAuthorizerMember | undefined)?.customJWTAuthorizer;
export const mcpOf = (g: GetGatewayResponse) => (g.protocolConfiguration as GatewayProtocolConfiguration.McpMember | undefined)?.mcp;

/** Statuses that mean the gateway's last change did not complete. */
export const FAILED_STATUSES = new Set(['UPDATE_UNSUCCESSFUL', 'FAILED', 'DELETING']);

const versionsOf = (g: ClientGrant) => g.mcpVersions ?? (g.copilotStudio ? [COPILOT_STUDIO_MCP_VERSION] : []);

/**
 * The gateway change that lets `grants` through, adding only: allowedClients gains the client
 * IDs; allowedScopes, when the gateway checks scopes, gains the clients' custom scopes;
 * supportedVersions, when the gateway lists versions, gains the versions the clients need
 * (2025-03-26 for a Copilot Studio client).
 */
export function mergeGatewayAuthorization(got: GetGatewayResponse, grants: ClientGrant[]): GatewayMerge {
  const jwt = jwtOf(got) ?? ({} as JwtConfig);
  const clientsBefore = jwt.allowedClients ?? [];
  const added = grants.map((g) => g.clientId).filter((id, i, a) => !clientsBefore.includes(id) && a.indexOf(id) === i);
  const scopesBefore = jwt.allowedScopes ?? [];
  const addedScopes = scopesBefore.length ? [...new Set(grants.flatMap((g) => g.customScopes))].filter((s) => !scopesBefore.includes(s)) : [];
  const mcp = mcpOf(got);
  const versionsBefore = mcp?.supportedVersions ?? [];
  const addedVersions = versionsBefore.length ? [...new Set(grants.flatMap(versionsOf))].filter((v) => !versionsBefore.includes(v)) : [];

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

/** Refuse (changing nothing) a gateway this pool cannot be added to. */
export function preflightGateway(got: GetGatewayResponse, gatewayId: string, poolId: string, region: string): void {
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

export interface GatewayPlan {
  gatewayId: string;
  name: string;
  merge: GatewayMerge;
  /** The update to approve; undefined when the gateway already lets every client through. */
  step?: PlanStep;
  planned: GetGatewayResponse;
  change: (current: GetGatewayResponse) => GetGatewayResponse;
}

/**
 * Plan letting `grants` through `got` (the diff and, when `got` is a real GetGateway answer, the
 * equivalent aws command). `init` previews with stand-in IDs for clients it has yet to create.
 */
export function planGatewayAuthorization(got: GetGatewayResponse, grants: ClientGrant[], region: string, gatewayId = got.gatewayId ?? ''): GatewayPlan {
  const merge = mergeGatewayAuthorization(got, grants);
  const name = got.name ?? gatewayId;
  const change = (g: GetGatewayResponse): GetGatewayResponse => ({ ...g, ...mergeGatewayAuthorization(g, grants).patch });
  const plan: GatewayPlan = { gatewayId, name, merge, planned: got, change };
  if (Object.keys(merge.patch).length === 0) return plan;
  const before = (xs: string[], added: string[]) => xs.filter((x) => !added.includes(x));
  const diff = [
    ...(merge.added.length ? ['allowedClients:', ...listDiff(before(merge.allowedClients, merge.added), merge.allowedClients)] : []),
    ...(merge.addedScopes.length ? ['allowedScopes:', ...listDiff(before(merge.allowedScopes, merge.addedScopes), merge.allowedScopes)] : []),
    ...(merge.addedVersions.length ? ['protocolConfiguration.mcp.supportedVersions:', ...listDiff(before(merge.supportedVersions, merge.addedVersions), merge.supportedVersions)] : []),
  ];
  const awsCli = got.gatewayId ? awsCliCommand('bedrock-agentcore-control', 'UpdateGateway', { ...toUpdateGatewayRequest(got, merge.patch) }, region) : undefined;
  plan.step = { action: 'update', resource: `gateway ${name} (${gatewayId}) JWT authorizer`, diff, ...(awsCli ? { awsCli } : {}) };
  return plan;
}

const LISTS = {
  allowedClients: 'authorizerConfiguration.customJWTAuthorizer.allowedClients',
  allowedScopes: 'authorizerConfiguration.customJWTAuthorizer.allowedScopes',
  supportedVersions: 'protocolConfiguration.mcp.supportedVersions',
} as const;

/** How the loop sees a gateway: the three lists authorize-client adds to, and everything else. */
export const gatewayShape: MergeShape<GetGatewayResponse> = {
  lists: (g) => ({
    [LISTS.allowedClients]: jwtOf(g)?.allowedClients ?? [],
    [LISTS.allowedScopes]: jwtOf(g)?.allowedScopes ?? [],
    [LISTS.supportedVersions]: mcpOf(g)?.supportedVersions ?? [],
  }),
  withLists: (g, l) => {
    const jwt = jwtOf(g);
    const mcp = mcpOf(g);
    const next: GetGatewayResponse = { ...g };
    if (jwt) {
      next.authorizerConfiguration = {
        customJWTAuthorizer: { ...jwt, allowedClients: l[LISTS.allowedClients] ?? [], ...(jwt.allowedScopes || l[LISTS.allowedScopes]?.length ? { allowedScopes: l[LISTS.allowedScopes] ?? [] } : {}) },
      };
    }
    if (mcp) next.protocolConfiguration = { mcp: { ...mcp, ...(mcp.supportedVersions || l[LISTS.supportedVersions]?.length ? { supportedVersions: l[LISTS.supportedVersions] ?? [] } : {}) } };
    return next;
  },
  others: (g) => {
    if (!g.gatewayId) return {};
    const empty = gatewayShape.withLists(g, { [LISTS.allowedClients]: [], [LISTS.allowedScopes]: [], [LISTS.supportedVersions]: [] });
    const { gatewayIdentifier: _id, ...rest } = toUpdateGatewayRequest(empty) as unknown as Record<string, unknown>;
    return rest;
  },
};

export interface GatewayApplyOptions {
  wait: boolean;
  waitTimeoutSeconds: number;
  /** Called once UpdateGateway is accepted (e.g. to record the gateway in the state file). */
  onAccepted?: () => void;
}

/**
 * Apply a planned gateway change: re-read (the status must still be READY), merge, UpdateGateway
 * with every field, wait for READY (or read once with --no-wait), verify; bounded retries.
 */
export async function applyGatewayAuthorization(agentcore: AgentCoreApi, plan: GatewayPlan, o: GatewayApplyOptions, progress: Progress): Promise<GetGatewayResponse> {
  const { gatewayId, name } = plan;
  let accepted = false;
  const { after } = await mergeAndVerify({
    what: `gateway ${name}`,
    operation: 'UpdateGateway',
    lockKey: `bedrock-agentcore gateway ${gatewayId}`,
    planned: plan.planned,
    change: plan.change,
    shape: gatewayShape,
    read: () => agentcore.getGateway(gatewayId, { fresh: true }),
    check: (current) => {
      if (current.status !== 'READY') {
        throw new CliError(`Gateway ${name} changed while this command was running (status ${current.status}). Nothing was changed.`, { code: 'CONFLICT', hint: 'Run the command again to plan against the current gateway.' });
      }
    },
    write: async (next) => {
      const r = await agentcore.updateGateway(toUpdateGatewayRequest(next));
      progress.step(`UpdateGateway accepted for ${name} (${r.status ?? 'UPDATING'})`);
      if (!accepted) o.onAccepted?.();
      accepted = true;
    },
    readBack: () => (o.wait ? waitForGatewayReady(agentcore, gatewayId, o.waitTimeoutSeconds, progress) : agentcore.getGateway(gatewayId, { fresh: true })),
    hint: `Check the gateway (aws bedrock-agentcore-control get-gateway --gateway-identifier ${gatewayId}) and run the command again.`,
  });
  if (!o.wait) progress.info(`Not waiting for READY (--no-wait); the gateway is ${after.status ?? 'updating'}.`);
  return after;
}

/** Poll GetGateway until READY (the SDK waiter: 2 s → 10 s), failing on a failed status or past the timeout. */
export async function waitForGatewayReady(agentcore: AgentCoreApi, gatewayId: string, timeoutSeconds: number, progress: Progress): Promise<GetGatewayResponse> {
  const spinner = progress.spinner(`Waiting for gateway ${gatewayId} to become READY`);
  let stopped = false;
  const stop = (text?: string) => {
    if (!stopped) spinner.stop(text);
    stopped = true;
  };
  try {
    const { state, last: g } = await waitUntil({
      timeoutSeconds,
      minDelaySeconds: 2,
      maxDelaySeconds: 10,
      poll: () => agentcore.getGateway(gatewayId, { fresh: true }),
      verdict: (x) => (x.status === 'READY' ? 'done' : FAILED_STATUSES.has(x.status ?? 'UNKNOWN') ? 'failed' : 'pending'),
      onPending: (x, elapsed) => spinner.update(`Waiting for gateway ${x.name ?? gatewayId} to become READY (${x.status ?? 'UNKNOWN'}, ${elapsed} s)`),
    });
    const status = g.status ?? 'UNKNOWN';
    if (state === 'done') {
      stop(`Gateway ${g.name ?? gatewayId} is READY`);
      return g;
    }
    stop();
    if (state === 'failed') {
      const reasons = g.statusReasons?.length ? `: ${g.statusReasons.join('; ')}` : ' (AWS gave no reason)';
      throw new CliError(`Gateway ${g.name ?? gatewayId} ended in ${status}${reasons}.`, {
        code: 'AWS_ERROR',
        hint: 'Check the gateway in the AgentCore console; fix the cause and run the command again.',
        result: { gatewayId, status, statusReasons: g.statusReasons ?? [] },
      });
    }
    throw new CliError(`Gateway ${g.name ?? gatewayId} is still ${status} after ${timeoutSeconds} s.`, {
      code: 'TIMEOUT',
      hint: 'The update was accepted; AWS may still finish it. Check later with `mcp-cognito doctor`, or wait longer with --wait-timeout.',
      result: { gatewayId, status },
    });
  } finally {
    stop();
  }
}
