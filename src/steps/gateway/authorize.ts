/**
 * An AgentCore gateway's CUSTOM_JWT authorizer: which app clients (and scopes, and MCP versions)
 * it lets through. Plan from GetGateway (adding only), apply through the merge-and-verify loop with
 * the status re-checked right before UpdateGateway, then wait for READY.
 */
import { CliError, RefusedError } from '../../lib/errors.js';
import { awsCliCommand, listDiff, type PlanStep } from '../../lib/plan.js';
import { discoveryUrl, parseCognitoDiscoveryUrl } from '../../lib/urls.js';
import { authenticatesOnly } from '../../domain/gateway-authorizer.js';
import { COPILOT_STUDIO_MCP_REASON, COPILOT_STUDIO_MCP_VERSION, GATEWAY_BASELINE_MCP_VERSIONS } from '../../domain/oauth.js';
import { toUpdateGatewayRequest, type AuthorizerConfiguration, type GatewayPatch, type GatewayProtocolConfiguration, type GetGatewayResponse } from '../../aws/rmw.js';
import type { AgentCoreApi } from '../../aws/agentcore.js';
import { waitUntil } from '../../aws/waiter.js';
import { mergeAndVerify, type MergeShape } from '../merge.js';
import { resourceKey } from '../../lib/resource-lock.js';
import type { Progress } from '../progress.js';

/** What one client brings to the gateway: its ID, its custom scopes, the MCP versions its kind of caller needs. */
export interface ClientGrant {
  clientId: string;
  /** For the plan: `copilot-studio-mcp`. */
  name?: string;
  customScopes: string[];
  /** A Copilot Studio client: the gateway must list the MCP version Copilot Studio speaks. */
  copilotStudio: boolean;
  /** MCP versions this client needs (default: Copilot Studio's for a Copilot Studio client). */
  mcpVersions?: readonly string[];
}

/** What the person asked for beyond letting clients through (authorize-client's flags). */
export interface GatewayAuthorizationOptions {
  /** Start an allow-list on a gateway that checks no client ID (--restrict-clients): every other client loses access. */
  restrictClients?: boolean;
  /** Scopes the gateway should accept (--allowed-scope), added to allowedScopes. */
  allowedScopes?: readonly string[];
  /** Start a scope rule on a gateway that checks no scope (--restrict-scopes): tokens without a listed scope lose access. */
  restrictScopes?: boolean;
  /** MCP versions the gateway should speak (--mcp-version), added to supportedVersions. */
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

/** authorize-client's merge: what was added, and what was not and why (GatewayMerge stays the shape any gateway planner fills). */
export interface GatewayAuthorizationMerge extends GatewayMerge {
  /** Clients the gateway already accepts because it checks no client ID (allowedClients is empty). */
  acceptedWithoutAllowList: string[];
  /** Scopes asked for that were not added because the gateway checks no scope (allowedScopes is empty). */
  scopesNotChecked: string[];
  /** This change turns "any client of the pool" into an allow-list (--restrict-clients). */
  startsAllowList: boolean;
  /** This change makes a gateway that checks no scope check them (--restrict-scopes). */
  startsScopeRule: boolean;
  /** The gateway listed no MCP version: it is given every version AgentCore documents. */
  listsVersionsFirstTime: boolean;
  /** Why each item is added, by list and item (shown in the plan). */
  why: { clients: Record<string, string>; scopes: Record<string, string>; versions: Record<string, string> };
}

type JwtConfig = NonNullable<AuthorizerConfiguration.CustomJWTAuthorizerMember['customJWTAuthorizer']>;
export const jwtOf = (g: GetGatewayResponse): JwtConfig | undefined => (g.authorizerConfiguration as AuthorizerConfiguration.CustomJWTAuthorizerMember | undefined)?.customJWTAuthorizer;
export const mcpOf = (g: GetGatewayResponse) => (g.protocolConfiguration as GatewayProtocolConfiguration.McpMember | undefined)?.mcp;

/** Statuses that mean the gateway's last change did not complete. */
export const FAILED_STATUSES = new Set(['UPDATE_UNSUCCESSFUL', 'FAILED', 'DELETING']);
/** Statuses in which UpdateGateway may be sent: READY, and UPDATE_UNSUCCESSFUL (an update is how it is repaired). */
export const UPDATABLE_STATUSES = new Set(['READY', 'UPDATE_UNSUCCESSFUL']);

const versionsOf = (g: ClientGrant) => g.mcpVersions ?? (g.copilotStudio ? [COPILOT_STUDIO_MCP_VERSION] : []);
const uniq = <T>(xs: readonly T[]) => [...new Set(xs)];

/**
 * The gateway change that lets `grants` through, adding only:
 * - allowedClients gains the client IDs when the gateway keeps an allow-list. A gateway with no
 *   allowedClients checks no client ID and already accepts them: nothing is added unless
 *   `restrictClients` (the first entry turns "any client of the pool" into an allow-list).
 * - allowedScopes, when the gateway checks scopes, gains the clients' custom scopes and the scopes
 *   asked for; on a gateway that checks no scope they are added only with `restrictScopes`.
 * - supportedVersions gains the versions the clients need (2025-03-26 for a Copilot Studio client)
 *   and those asked for; a gateway that lists none is given every version AgentCore documents
 *   (its default is not documented), so nobody loses a version.
 */
export function mergeGatewayAuthorization(got: GetGatewayResponse, grants: ClientGrant[], opts: GatewayAuthorizationOptions = {}): GatewayAuthorizationMerge {
  const jwt = jwtOf(got) ?? ({} as JwtConfig);
  const why: GatewayAuthorizationMerge['why'] = { clients: {}, scopes: {}, versions: {} };

  const clientsBefore = jwt.allowedClients ?? [];
  const ids = uniq(grants.map((g) => g.clientId));
  const startsAllowList = clientsBefore.length === 0 && Boolean(opts.restrictClients) && ids.length > 0;
  const acceptedWithoutAllowList = clientsBefore.length === 0 && !startsAllowList ? ids : [];
  const added = clientsBefore.length || startsAllowList ? ids.filter((id) => !clientsBefore.includes(id)) : [];
  for (const g of grants) if (added.includes(g.clientId)) why.clients[g.clientId] = g.name ? `app client ${g.name}` : 'app client';

  const scopesBefore = jwt.allowedScopes ?? [];
  const asked = uniq(opts.allowedScopes ?? []);
  const startsScopeRule = scopesBefore.length === 0 && Boolean(opts.restrictScopes) && asked.length > 0;
  const checksScopes = scopesBefore.length > 0 || startsScopeRule;
  const scopesNotChecked = checksScopes ? [] : asked;
  const addedScopes: string[] = [];
  const addScope = (s: string, reason: string) => {
    if (scopesBefore.includes(s) || addedScopes.includes(s)) return;
    addedScopes.push(s);
    why.scopes[s] = reason;
  };
  if (checksScopes) {
    for (const s of asked) addScope(s, 'asked for with --allowed-scope');
    // A gateway that starts a scope rule gets the scopes asked for only: the clients' own scopes are not a choice the person made.
    if (!startsScopeRule) for (const g of grants) for (const s of g.customScopes) addScope(s, `a scope ${g.name ?? g.clientId} can be granted`);
  }

  const mcp = mcpOf(got);
  const isMcp = !got.protocolType || got.protocolType === 'MCP';
  const versionsBefore = mcp?.supportedVersions ?? [];
  const wanted = uniq([...grants.flatMap(versionsOf), ...(opts.mcpVersions ?? [])]);
  const listsVersionsFirstTime = isMcp && versionsBefore.length === 0 && wanted.length > 0;
  const versionsAfter = !isMcp ? versionsBefore : listsVersionsFirstTime ? uniq([...GATEWAY_BASELINE_MCP_VERSIONS, ...wanted]) : uniq([...versionsBefore, ...wanted]);
  const addedVersions = versionsAfter.filter((v) => !versionsBefore.includes(v));
  for (const v of addedVersions) {
    why.versions[v] =
      v === COPILOT_STUDIO_MCP_VERSION && (grants.some((g) => versionsOf(g).includes(v)) || opts.mcpVersions?.includes(v))
        ? COPILOT_STUDIO_MCP_REASON
        : opts.mcpVersions?.includes(v) || grants.some((g) => versionsOf(g).includes(v))
          ? 'asked for'
          : 'listed so that no client loses it: the gateway listed no version';
  }

  const patch: GatewayPatch = {};
  if (added.length || addedScopes.length) {
    patch.authorizerConfiguration = {
      customJWTAuthorizer: {
        ...jwt,
        ...(clientsBefore.length || added.length ? { allowedClients: [...clientsBefore, ...added] } : {}),
        ...(scopesBefore.length || addedScopes.length ? { allowedScopes: [...scopesBefore, ...addedScopes] } : {}),
      },
    };
  }
  if (addedVersions.length) patch.protocolConfiguration = { mcp: { ...(mcp ?? {}), supportedVersions: versionsAfter } };
  return {
    patch,
    added,
    addedScopes,
    addedVersions,
    allowedClients: [...clientsBefore, ...added],
    allowedScopes: [...scopesBefore, ...addedScopes],
    supportedVersions: versionsAfter,
    acceptedWithoutAllowList,
    scopesNotChecked,
    startsAllowList,
    startsScopeRule,
    listsVersionsFirstTime,
    why,
  };
}

/** Refuse (changing nothing) a gateway this pool cannot be added to. */
export function preflightGateway(got: GetGatewayResponse, gatewayId: string, poolId: string, region: string): void {
  const name = got.name ?? gatewayId;
  if (got.authorizerType !== 'CUSTOM_JWT' && !authenticatesOnly(got)) {
    throw new RefusedError(
      `Gateway ${name} uses the ${got.authorizerType ?? 'unknown'} authorizer, neither CUSTOM_JWT nor AUTHENTICATE_ONLY, so it does not take Cognito bearer tokens. AWS does not allow changing a gateway's authorizer type in place.`,
      'Create a gateway with a CUSTOM_JWT authorizer whose discovery URL is ' + discoveryUrl(region, poolId) + ', then run authorize-client with its --gateway-id.',
    );
  }
  const jwt = jwtOf(got);
  if (!jwt?.discoveryUrl) {
    throw new RefusedError(`Gateway ${name} has a ${got.authorizerType} authorizer without a discovery URL; this tool will not guess one.`, `Set its discovery URL to ${discoveryUrl(region, poolId)} in the AgentCore console first.`);
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
  /** Send UpdateGateway even when the change is already there: a gateway in UPDATE_UNSUCCESSFUL is repaired by an update. */
  resend?: boolean;
}

const reasonsText = (statusReasons?: string[]) => (statusReasons?.length ? statusReasons.join('; ') : 'AWS gave no reason');

/**
 * Plan letting `grants` through `got` (the diff, why each item is added, who loses access when a
 * rule starts, and, when `got` is a real GetGateway answer, the equivalent aws command). `init`
 * previews with stand-in IDs for clients it has yet to create. A gateway in UPDATE_UNSUCCESSFUL
 * with nothing to add is planned as a resend of its settings (an update repairs it).
 */
export function planGatewayAuthorization(got: GetGatewayResponse, grants: ClientGrant[], region: string, gatewayId = got.gatewayId ?? '', opts: GatewayAuthorizationOptions = {}): GatewayPlan & { merge: GatewayAuthorizationMerge } {
  const merge = mergeGatewayAuthorization(got, grants, opts);
  const name = got.name ?? gatewayId;
  const change = (g: GetGatewayResponse): GetGatewayResponse => ({ ...g, ...mergeGatewayAuthorization(g, grants, opts).patch });
  const plan: GatewayPlan & { merge: GatewayAuthorizationMerge } = { gatewayId, name, merge, planned: got, change };
  const repair = got.status === 'UPDATE_UNSUCCESSFUL';
  if (Object.keys(merge.patch).length === 0 && !repair) return plan;
  const before = (xs: string[], added: string[]) => xs.filter((x) => !added.includes(x));
  const withWhy = (lines: string[], why: Record<string, string>) => lines.map((l) => (l.startsWith('+ ') && why[l.slice(2)] ? `${l}   (${why[l.slice(2)]})` : l));
  const pool = parseCognitoDiscoveryUrl(jwtOf(got)?.discoveryUrl ?? '')?.poolId;
  const diff = [
    ...(merge.added.length ? ['allowedClients:', ...withWhy(listDiff(before(merge.allowedClients, merge.added), merge.allowedClients), merge.why.clients)] : []),
    ...(merge.startsAllowList
      ? [`! allowedClients is empty today: the gateway checks no client ID and accepts tokens of any client of ${pool ? `pool ${pool}` : 'the pool it trusts'}. From now on it accepts only the clients listed: every other client loses access.`]
      : []),
    ...(merge.addedScopes.length ? ['allowedScopes:', ...withWhy(listDiff(before(merge.allowedScopes, merge.addedScopes), merge.allowedScopes), merge.why.scopes)] : []),
    ...(merge.startsScopeRule ? ['! allowedScopes is empty today: the gateway checks no scope. From now on a token must carry one of the scopes listed: callers whose tokens carry none of them lose access.'] : []),
    ...(merge.addedVersions.length ? ['protocolConfiguration.mcp.supportedVersions:', ...withWhy(listDiff(before(merge.supportedVersions, merge.addedVersions), merge.supportedVersions), merge.why.versions)] : []),
    ...(merge.listsVersionsFirstTime
      ? [`! supportedVersions is empty today and AgentCore's default for it is not documented: the gateway is given ${GATEWAY_BASELINE_MCP_VERSIONS.join(', ')} (documented by every AgentCore guide) besides what is asked for, so no client loses a version it may use today.`]
      : []),
    ...(repair ? [`~ status: UPDATE_UNSUCCESSFUL → READY (its last update did not go through: ${reasonsText(got.statusReasons)}; UpdateGateway sends every setting again)`] : []),
  ];
  const awsCli = got.gatewayId ? awsCliCommand('bedrock-agentcore-control', 'UpdateGateway', { ...toUpdateGatewayRequest(got, merge.patch) }, region) : undefined;
  plan.step = { action: 'update', resource: `gateway ${name} (${gatewayId}) JWT authorizer`, diff, ...(awsCli ? { awsCli } : {}) };
  if (repair) plan.resend = true;
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
    const versions = l[LISTS.supportedVersions] ?? [];
    if (mcp || versions.length) next.protocolConfiguration = { mcp: { ...(mcp ?? {}), ...(mcp?.supportedVersions || versions.length ? { supportedVersions: versions } : {}) } };
    return next;
  },
  others: (g) => {
    if (!g.gatewayId) return {};
    const empty = gatewayShape.withLists(g, { [LISTS.allowedClients]: [], [LISTS.allowedScopes]: [], [LISTS.supportedVersions]: [] });
    const { gatewayIdentifier: _id, ...rest } = toUpdateGatewayRequest(empty) as unknown as Record<string, unknown>;
    // With its lists emptied, a configuration left holding nothing ({ mcp: { supportedVersions: [] } })
    // is the same as none: another writer that dropped it dropped a list item, which the loop merges back.
    return (prune(rest) ?? {}) as Record<string, unknown>;
  },
};

/** `v` without empty arrays and objects (recursively); undefined when nothing is left. */
function prune(v: unknown): unknown {
  if (Array.isArray(v)) return v.length ? v : undefined;
  if (v && typeof v === 'object') {
    const kept = Object.entries(v as Record<string, unknown>).flatMap(([k, x]) => {
      const p = prune(x);
      return p === undefined ? [] : [[k, p] as const];
    });
    return kept.length ? Object.fromEntries(kept) : undefined;
  }
  return v;
}

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
  let written: GetGatewayResponse | undefined;
  const { after } = await mergeAndVerify({
    what: `gateway ${name}`,
    operation: 'UpdateGateway',
    lockKey: resourceKey.gateway(gatewayId),
    planned: plan.planned,
    change: plan.change,
    shape: gatewayShape,
    read: () => agentcore.getGateway(gatewayId, { fresh: true }),
    // Right before UpdateGateway: READY, or UPDATE_UNSUCCESSFUL (an update repairs it); anything else means another change is under way.
    check: (current) => {
      if (!UPDATABLE_STATUSES.has(current.status ?? '')) {
        throw new CliError(`Gateway ${name} is now ${current.status ?? 'in an unknown state'}: ${statusSentence(current.status)} Nothing was changed.`, { code: 'CONFLICT', hint: 'Run the command again once it is READY, to plan against the current gateway.' });
      }
    },
    // A gateway whose last update did not go through gets one UpdateGateway even when our change is already there.
    force: (current) => Boolean(plan.resend) && current.status === 'UPDATE_UNSUCCESSFUL',
    write: async (next, current) => {
      written = current;
      const r = await agentcore.updateGateway(toUpdateGatewayRequest(next));
      progress.step(`UpdateGateway accepted for ${name} (${r.status ?? 'UPDATING'})`);
      if (!accepted) o.onAccepted?.();
      accepted = true;
    },
    readBack: () => (o.wait ? waitForGatewayReady(agentcore, gatewayId, o.waitTimeoutSeconds, progress, { before: written }) : agentcore.getGateway(gatewayId, { fresh: true })),
    hint: `Check the gateway (aws bedrock-agentcore-control get-gateway --gateway-identifier ${gatewayId}) and run the command again.`,
  });
  if (!o.wait) progress.info(`Not waiting for READY (--no-wait); the gateway is ${after.status ?? 'updating'}.`);
  return after;
}

/** What a gateway status means for a change, in one sentence. */
export function statusSentence(status: string | undefined): string {
  switch (status) {
    case 'CREATING':
      return 'it is still being created, and can be changed once it is READY.';
    case 'UPDATING':
      return 'another update is under way; it can be changed again once it is READY.';
    case 'DELETING':
      return 'it is being deleted.';
    case 'FAILED':
      return 'it could not be created, and a gateway that failed to be created cannot be updated: create it again.';
    case 'UPDATE_UNSUCCESSFUL':
      return 'its last update did not go through; an update with every setting repairs it.';
    case 'READY':
      return 'it can be changed.';
    default:
      return 'it can only be changed when READY.';
  }
}

/** Poll GetGateway until READY (the SDK waiter: 1 s → 10 s: a first look after a second, then longer pauses), failing on a failed status or past the timeout. */
export interface WaitOptions {
  /**
   * The gateway as read right before UpdateGateway. When it was UPDATE_UNSUCCESSFUL, a read that
   * still shows that failure with the same updatedAt is the old failure (not yet replaced by the
   * new update's status), so the wait goes on.
   */
  before?: GetGatewayResponse;
}

const sameFailure = (x: GetGatewayResponse, before: GetGatewayResponse | undefined) =>
  Boolean(before && before.status === x.status && before.updatedAt && x.updatedAt && new Date(before.updatedAt).getTime() === new Date(x.updatedAt).getTime());

export async function waitForGatewayReady(agentcore: AgentCoreApi, gatewayId: string, timeoutSeconds: number, progress: Progress, w: WaitOptions = {}): Promise<GetGatewayResponse> {
  const spinner = progress.spinner(`Waiting for gateway ${gatewayId} to become READY`);
  let stopped = false;
  const stop = (text?: string) => {
    if (!stopped) spinner.stop(text);
    stopped = true;
  };
  try {
    const { state, last: g } = await waitUntil({
      timeoutSeconds,
      minDelaySeconds: 1,
      maxDelaySeconds: 10,
      poll: () => agentcore.getGateway(gatewayId, { fresh: true }),
      verdict: (x) => (x.status === 'READY' ? 'done' : FAILED_STATUSES.has(x.status ?? 'UNKNOWN') && !sameFailure(x, w.before) ? 'failed' : 'pending'),
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
