/** authorize-client's work (also init's gateway part): let app clients through a gateway's JWT authorizer. */
import { RefusedError } from '../lib/errors.js';
import type { Ctx } from '../lib/context.js';
import type { Prepared } from '../lib/plan.js';
import { isOidcScope } from '../domain/oauth.js';
import { PRESET_TABLE } from '../domain/presets.js';
import type { GetGatewayResponse } from '../aws/rmw.js';
import { FAILED_STATUSES, applyGatewayAuthorization, planGatewayAuthorization, preflightGateway, type ClientGrant, type GatewayMerge } from './gateway.js';
import { clientNotFound } from './client.js';
import { withGatewayClients } from '../lib/ownership.js';

/** The resolved target: the pool, the gateway, the clients, how to wait. */
export interface AuthorizeTarget {
  poolId: string;
  gatewayId: string;
  clientIds: string[];
  wait: boolean;
  waitTimeoutSeconds: number;
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

/**
 * Remember the gateway in the state file only beside the pool it trusts (preflight checked that
 * it trusts `poolId`): the state's own pool, or, when the state names no pool yet, this one
 * (recorded with it). With --pool-id naming another pool than the state's, the state is left
 * alone: it would otherwise pair its pool with a gateway that trusts a different one.
 */
function recordGateway(ctx: Ctx, poolId: string, region: string, gatewayId: string, added: Pick<GatewayMerge, 'added' | 'addedScopes' | 'addedVersions'> = { added: [], addedScopes: [], addedVersions: [] }): void {
  const state = ctx.state.get();
  if (!state.userPoolId) {
    ctx.state.update({ region, userPoolId: poolId, gatewayId });
  } else if (state.userPoolId !== poolId) {
    ctx.out.info(ctx.out.c.dim(`Not recording gateway ${gatewayId} in ${ctx.state.path}: it trusts pool ${poolId}, and the state file belongs to pool ${state.userPoolId}.`));
    return;
  } else if (state.gatewayId !== gatewayId) {
    ctx.state.update({ gatewayId });
  }
  // The clients this run added (not those already there): teardown takes these, and only these, off again.
  if (added.added.length) ctx.state.change((s) => withGatewayClients(s, gatewayId, added.added, 'add', { allowedScopes: added.addedScopes, supportedVersions: added.addedVersions }));
}

/**
 * Let app clients through an AgentCore gateway's JWT authorizer: GetGateway → refuse what
 * cannot work → plan (add only) → approve → the merge-and-verify loop (re-read, status still READY,
 * merge, UpdateGateway with every field, wait, verify).
 */
export async function prepareAuthorizeClient(o: AuthorizeTarget, ctx: Ctx): Promise<Prepared<AuthorizeClientResult>> {
  const { poolId, clientIds, gatewayId } = o;
  const region = await ctx.region();
  const agentcore = await ctx.agentcore();
  const got = await agentcore.getGateway(gatewayId);
  preflightGateway(got, gatewayId, poolId, region);

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
      customScopes: (c.AllowedOAuthScopes ?? []).filter((s) => !isOidcScope(s)),
      // Not in the state file: a client with the authorization-code flow may be Copilot Studio's (adding the version only widens).
      copilotStudio: preset ? PRESET_TABLE[preset].gatewayMcpVersions.length > 0 : (c.AllowedOAuthFlows ?? []).includes('code'),
      ...(preset ? { mcpVersions: PRESET_TABLE[preset].gatewayMcpVersions } : {}),
    });
  }

  const plan = planGatewayAuthorization(got, grants, region, gatewayId);
  const { merge, name } = plan;
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

  if (!plan.step) {
    ctx.out.step(`Gateway ${name} already lets ${clientIds.join(', ')} through; nothing to change`);
    if (got.status && FAILED_STATUSES.has(got.status)) {
      ctx.out.warn(`Gateway ${name} is ${got.status}${got.statusReasons?.length ? `: ${got.statusReasons.join('; ')}` : ''}. Its last change did not complete; check it in the AgentCore console.`);
    }
    if (!ctx.dryRun) recordGateway(ctx, poolId, region, gatewayId);
    return { steps: [], preview: () => result(false), apply: async () => result(false) };
  }
  if (got.status !== 'READY') {
    throw new RefusedError(`Gateway ${name} is ${got.status ?? 'in an unknown state'}, not READY: it can only be changed when READY. Nothing was changed.`, 'Wait for the current operation to finish (or fix the gateway), then run the command again.');
  }
  return {
    steps: [plan.step],
    question: `Update gateway ${name}?`,
    preview: () => result(false),
    apply: async () => result(true, await applyGatewayAuthorization(agentcore, plan, { wait: o.wait, waitTimeoutSeconds: o.waitTimeoutSeconds, onAccepted: () => recordGateway(ctx, poolId, region, gatewayId, merge) }, ctx.out)),
  };
}

