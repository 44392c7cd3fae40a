/** authorize-client's work (also init's gateway part): let app clients through a gateway's JWT authorizer. */
import { RefusedError } from '../lib/errors.js';
import type { Ctx } from '../lib/context.js';
import type { Prepared } from '../lib/plan.js';
import { mcpEndpointUrl, parseCognitoDiscoveryUrl } from '../lib/urls.js';
import { isOidcScope } from '../domain/oauth.js';
import { PRESET_TABLE } from '../domain/presets.js';
import type { GetGatewayResponse } from '../aws/rmw.js';
import { FAILED_STATUSES, UPDATABLE_STATUSES, applyGatewayAuthorization, jwtOf, mcpOf, planGatewayAuthorization, preflightGateway, statusSentence, type ClientGrant, type GatewayAuthorizationOptions, type GatewayMerge } from '../steps/gateway/authorize.js';
import { clientNotFound } from '../steps/client/create.js';
import { withGatewayClients } from '../lib/ownership.js';

/** The resolved target: the pool, the gateway, the clients, how to wait, and what else the gateway should accept. */
export interface AuthorizeTarget extends GatewayAuthorizationOptions {
  /** '' (or omitted with no clients): the pool the gateway trusts. */
  poolId: string;
  gatewayId: string;
  /** May be empty when only scopes or MCP versions are added. */
  clientIds: string[];
  wait: boolean;
  waitTimeoutSeconds: number;
}

export interface AuthorizeClientResult {
  userPoolId: string;
  gatewayId: string;
  gatewayName?: string;
  gatewayUrl?: string;
  /** The MCP endpoint to give MCP clients (src/lib/urls.ts#mcpEndpointUrl). */
  mcpUrl?: string;
  allowedClients: string[];
  added: string[];
  /** Clients the gateway accepts without an allow-list (it checks no client ID): nothing was added for them. */
  acceptedWithoutAllowList: string[];
  allowedScopes: string[];
  addedScopes: string[];
  /** Scopes asked for and not added: the gateway checks no scope. */
  scopesNotChecked: string[];
  supportedVersions: string[];
  addedVersions: string[];
  status?: string;
  statusReasons?: string[];
  changed: boolean;
}

/**
 * Remember the gateway in the state file only beside the pool it trusts (preflight checked that
 * it trusts `poolId`): the state's own pool, or, when the state names no pool yet, this one
 * (recorded with it). With --pool-id naming another pool than the state's, the state is left
 * alone: it would otherwise pair its pool with a gateway that trusts a different one. Switching
 * the state's gateway is said out loud: later commands without --gateway-id use the new one.
 */
function recordGateway(ctx: Ctx, poolId: string, region: string, gatewayId: string, name: string, added: Pick<GatewayMerge, 'added' | 'addedScopes' | 'addedVersions'> = { added: [], addedScopes: [], addedVersions: [] }): void {
  const state = ctx.state.get();
  if (state.userPoolId && state.userPoolId !== poolId) {
    ctx.out.info(ctx.out.c.dim(`Not recording gateway ${gatewayId} in ${ctx.state.path}: it trusts pool ${poolId}, and the state file belongs to pool ${state.userPoolId}.`));
    return;
  }
  if (state.gatewayId && state.gatewayId !== gatewayId) {
    ctx.out.info(`The state file ${ctx.state.path} now names gateway ${name === gatewayId ? gatewayId : `${name} (${gatewayId})`} instead of ${state.gatewayId}: commands without --gateway-id use it from now on.`);
  }
  if (!(state.gatewayId === gatewayId && state.userPoolId)) ctx.state.update(state.userPoolId ? { gatewayId } : { region, userPoolId: poolId, gatewayId });
  // The clients this run added (not those already there): teardown takes these, and only these, off again.
  if (added.added.length) ctx.state.change((s) => withGatewayClients(s, gatewayId, added.added, 'add', { allowedScopes: added.addedScopes, supportedVersions: added.addedVersions }));
}

/** The statuses in which a change is refused (READY and UPDATE_UNSUCCESSFUL can be updated), in a sentence with AWS's reasons. */
function refuseStatus(got: GetGatewayResponse, name: string): never {
  const reasons = got.statusReasons?.length ? ` AWS says: ${got.statusReasons.join('; ')}.` : '';
  const hint = got.status === 'FAILED' ? 'Fix what AWS names, delete the gateway and create it again, then run this command with its --gateway-id.' : got.status === 'DELETING' ? 'Use another gateway (--gateway-id).' : 'Wait until it is READY (mcp-cognito doctor shows its status), then run the command again.';
  throw new RefusedError(`Gateway ${name} is ${got.status ?? 'in an unknown state'}: ${statusSentence(got.status)}${reasons} Nothing was changed.`, hint);
}

/** Who loses access when an allow-list starts: the pool's other clients, by name. */
async function losers(ctx: Ctx, poolId: string, keep: string[]): Promise<string> {
  const others = (await (await ctx.cognito()).listClients(poolId)).filter((c) => c.ClientId && !keep.includes(c.ClientId));
  if (!others.length) return `! No other client of pool ${poolId} exists today; clients created later need authorize-client too.`;
  return `! Clients of pool ${poolId} that lose access: ${others.map((c) => `${c.ClientName ?? '?'} (${c.ClientId})`).join(', ')}.`;
}

/**
 * Let app clients through an AgentCore gateway's JWT authorizer: GetGateway → refuse what
 * cannot work → plan (add only; an allow-list or a scope rule only when asked for) → approve →
 * the merge-and-verify loop (re-read, status still READY or UPDATE_UNSUCCESSFUL, merge,
 * UpdateGateway with every field, wait, verify).
 */
export async function prepareAuthorizeClient(o: AuthorizeTarget, ctx: Ctx): Promise<Prepared<AuthorizeClientResult>> {
  const { clientIds, gatewayId } = o;
  const region = await ctx.region();
  const agentcore = await ctx.agentcore();
  const got = await agentcore.getGateway(gatewayId);
  // No pool given (only scopes or versions are added): the pool the gateway trusts.
  const poolId = o.poolId || parseCognitoDiscoveryUrl(jwtOf(got)?.discoveryUrl ?? '')?.poolId || '';
  preflightGateway(got, gatewayId, poolId, region);
  const name = got.name ?? gatewayId;

  const cognito = clientIds.length ? await ctx.cognito() : undefined;
  const stateClients = ctx.state.get().clients ?? [];
  const grants: ClientGrant[] = [];
  for (const clientId of clientIds) {
    const c = await cognito!.describeClient(poolId, clientId).catch((e: unknown) => {
      throw clientNotFound(e, clientId, poolId, region);
    });
    const preset = stateClients.find((s) => s.clientId === clientId)?.preset;
    grants.push({
      clientId,
      ...(c.ClientName ? { name: c.ClientName } : {}),
      customScopes: (c.AllowedOAuthScopes ?? []).filter((s) => !isOidcScope(s)),
      // Not in the state file: a client with the authorization-code flow may be Copilot Studio's (adding the version only widens).
      copilotStudio: preset ? PRESET_TABLE[preset].gatewayMcpVersions.length > 0 : (c.AllowedOAuthFlows ?? []).includes('code'),
      ...(preset ? { mcpVersions: PRESET_TABLE[preset].gatewayMcpVersions } : {}),
    });
  }

  const opts: GatewayAuthorizationOptions = { restrictClients: o.restrictClients, allowedScopes: o.allowedScopes, restrictScopes: o.restrictScopes, mcpVersions: o.mcpVersions };
  const plan = planGatewayAuthorization(got, grants, region, gatewayId, opts);
  const { merge } = plan;
  // Before the change: the plan's lists; after it, the lists as read back (another writer's additions included).
  const result = (changed: boolean, g: GetGatewayResponse = got): AuthorizeClientResult => ({
    userPoolId: poolId,
    gatewayId,
    ...(g.name ? { gatewayName: g.name } : {}),
    ...(g.gatewayUrl ? { gatewayUrl: g.gatewayUrl, mcpUrl: mcpEndpointUrl(g.gatewayUrl) } : {}),
    allowedClients: changed ? (jwtOf(g)?.allowedClients ?? []) : merge.allowedClients,
    added: merge.added,
    acceptedWithoutAllowList: merge.acceptedWithoutAllowList,
    allowedScopes: changed ? (jwtOf(g)?.allowedScopes ?? []) : merge.allowedScopes,
    addedScopes: merge.addedScopes,
    scopesNotChecked: merge.scopesNotChecked,
    supportedVersions: changed ? (mcpOf(g)?.supportedVersions ?? []) : merge.supportedVersions,
    addedVersions: merge.addedVersions,
    ...(g.status ? { status: g.status } : {}),
    ...(g.statusReasons?.length ? { statusReasons: g.statusReasons } : {}),
    changed,
  });

  // Why nothing is added for what the gateway does not check (exit 0: the clients already pass).
  if (merge.acceptedWithoutAllowList.length) {
    const aud = jwtOf(got)?.allowedAudience ?? [];
    ctx.out.step(
      `Gateway ${name} checks no client ID (its allowedClients is empty): it already accepts ${merge.acceptedWithoutAllowList.join(', ')} like any client of pool ${poolId}, so none is added. To accept only listed clients, run again with --restrict-clients (every other client of the pool then loses access).`,
    );
    if (aud.length) ctx.out.warn(`Its allowedAudience [${aud.join(', ')}] still applies, and Cognito access tokens carry no aud claim: run \`mcp-cognito doctor --gateway-id ${gatewayId}\`.`);
  }
  if (merge.scopesNotChecked.length) {
    ctx.out.step(`Gateway ${name} checks no scope (its allowedScopes is empty): tokens pass that rule whatever their scopes, so ${merge.scopesNotChecked.join(', ')} ${merge.scopesNotChecked.length > 1 ? 'are' : 'is'} not added. To require a scope, run again with --restrict-scopes (callers whose tokens lack it then lose access).`);
  }

  if (!plan.step) {
    if (clientIds.length && !merge.acceptedWithoutAllowList.length) ctx.out.step(`Gateway ${name} already lets ${clientIds.join(', ')} through; nothing to change`);
    else if (!clientIds.length && !merge.scopesNotChecked.length) ctx.out.step(`Gateway ${name} already has what was asked for; nothing to change`);
    if (got.status && FAILED_STATUSES.has(got.status)) {
      ctx.out.warn(`Gateway ${name} is ${got.status}${got.statusReasons?.length ? `: ${got.statusReasons.join('; ')}` : ''}. ${statusSentence(got.status)}`);
    }
    if (!ctx.dryRun) recordGateway(ctx, poolId, region, gatewayId, name);
    return { steps: [], preview: () => result(false), apply: async () => result(false) };
  }
  if (!UPDATABLE_STATUSES.has(got.status ?? '')) refuseStatus(got, name);
  if (got.status === 'UPDATE_UNSUCCESSFUL') {
    ctx.out.warn(`Gateway ${name} is UPDATE_UNSUCCESSFUL: its last update did not go through (AWS says: ${got.statusReasons?.join('; ') || 'no reason given'}). This update sends every setting again, which repairs it once what AWS names is fixed.`);
  }
  if (merge.startsAllowList) {
    // Right after the sentence that starts the allow-list: who, by name.
    const diff = [...(plan.step.diff ?? [])];
    const at = diff.findIndex((l) => l.startsWith('! allowedClients is empty'));
    diff.splice(at < 0 ? diff.length : at + 1, 0, await losers(ctx, poolId, merge.allowedClients));
    plan.step.diff = diff;
  }
  return {
    steps: [plan.step],
    question: `Update gateway ${name}?`,
    preview: () => result(false),
    apply: async () => {
      // Recorded before the write that makes it (issue 17): a run killed once the UpdateGateway landed
      // leaves the record, so teardown takes the client off again (an addition that never landed is
      // found missing there and forgotten).
      recordGateway(ctx, poolId, region, gatewayId, name, merge);
      return result(true, await applyGatewayAuthorization(agentcore, plan, { wait: o.wait, waitTimeoutSeconds: o.waitTimeoutSeconds, onAccepted: () => recordGateway(ctx, poolId, region, gatewayId, name, merge) }, ctx.out));
    },
  };
}
