/** deauthorize-client's work (also delete-client's first step): take app clients off a gateway's JWT authorizer. */
import type { Ctx } from '../lib/context.js';
import { UsageError } from '../lib/errors.js';
import { GatewayId, check } from '../lib/validate.js';
import type { Prepared } from '../lib/plan.js';
import { withGatewayClients } from '../lib/ownership.js';
import { refuseFacadeClient } from '../steps/facade/owned.js';
import type { GetGatewayResponse } from '../aws/rmw.js';
import { applyGatewayDeauthorization, planGatewayDeauthorization, type DeauthPlan } from '../steps/gateway/deauthorize.js';

export interface DeauthorizeTarget {
  gatewayId: string;
  clientIds: string[];
  /** Allow the list to become empty (any client of the pool gets in). */
  allowAnyClient: boolean;
  wait: boolean;
  waitTimeoutSeconds: number;
  /** Go ahead on the OAuth façade's client (its tokens are then refused by the gateway). */
  force?: boolean;
}

export interface DeauthorizeClientResult {
  gatewayId: string;
  gatewayName?: string;
  /** The clients taken off (or, under --dry-run, to take off). */
  removed: string[];
  /** The clients asked for that were not on the list. */
  notAllowed: string[];
  allowedClients: string[];
  /** The list is empty: any client of the trusted pool gets in. */
  anyClient: boolean;
  status?: string;
  changed: boolean;
}

/** The gateway: the flag (validated by the caller), else the state file's (validated: it is input too). */
export function gatewayOf(flag: string | undefined, ctx: Ctx, o: { required: boolean }): string | undefined {
  if (flag) return flag;
  const fromState = ctx.state.get().gatewayId;
  if (!fromState) {
    if (o.required) throw new UsageError('No gateway: pass --gateway-id (the state file names none).');
    return undefined;
  }
  return check(GatewayId, fromState, `The gatewayId in the state file ${ctx.state.path}`);
}

/** Forget, in the state file, that this tool added these clients to the gateway. */
export function forgetGatewayClients(ctx: Ctx, gatewayId: string, clientIds: string[]): void {
  if (!ctx.dryRun && clientIds.length) ctx.state.change((s) => withGatewayClients(s, gatewayId, clientIds, 'remove'));
}

/** The result of a plan, applied (`after`) or not. */
function resultOf(plan: DeauthPlan, changed: boolean, g: GetGatewayResponse): DeauthorizeClientResult {
  return {
    gatewayId: plan.gatewayId,
    ...(g.name ? { gatewayName: g.name } : {}),
    removed: plan.removed,
    notAllowed: plan.absent,
    allowedClients: changed ? ((g.authorizerConfiguration as { customJWTAuthorizer?: { allowedClients?: string[] } } | undefined)?.customJWTAuthorizer?.allowedClients ?? []) : plan.remaining,
    anyClient: plan.opensToAnyClient,
    ...(g.status ? { status: g.status } : {}),
    changed,
  };
}

/** GetGateway → plan the removal (refusals: emptying without the flag, not READY) → Prepared. */
export async function prepareDeauthorizeClient(o: DeauthorizeTarget, ctx: Ctx): Promise<Prepared<DeauthorizeClientResult>> {
  refuseFacadeClient(ctx.state.get(), o.clientIds, 'taking it off the gateway', Boolean(o.force));
  const region = await ctx.region();
  const agentcore = await ctx.agentcore();
  const got = await agentcore.getGateway(o.gatewayId);
  const plan = planGatewayDeauthorization(got, o.clientIds, region, { allowAnyClient: o.allowAnyClient, gatewayId: o.gatewayId });
  if (!plan.step) {
    ctx.out.step(`${o.clientIds.length > 1 ? `None of ${o.clientIds.join(', ')} is` : `${o.clientIds[0]} is not`} among the allowed clients of gateway ${plan.name}; nothing to change`);
    forgetGatewayClients(ctx, o.gatewayId, o.clientIds);
    return { steps: [], preview: () => resultOf(plan, false, got), apply: async () => resultOf(plan, false, got) };
  }
  if (plan.absent.length) ctx.out.info(`Not on gateway ${plan.name} (nothing to do for ${plan.absent.length > 1 ? 'them' : 'it'}): ${plan.absent.join(', ')}`);
  return {
    steps: [plan.step],
    question: plan.opensToAnyClient ? `Empty the allowed clients of gateway ${plan.name}, letting any client of the pool in?` : `Take ${plan.removed.join(', ')} off gateway ${plan.name}?`,
    preview: () => resultOf(plan, false, got),
    apply: async () => {
      const after = await applyGatewayDeauthorization(agentcore, plan, { wait: o.wait, waitTimeoutSeconds: o.waitTimeoutSeconds, onAccepted: () => forgetGatewayClients(ctx, o.gatewayId, plan.removed) }, ctx.out);
      forgetGatewayClients(ctx, o.gatewayId, o.clientIds);
      return resultOf(plan, true, after);
    },
  };
}
