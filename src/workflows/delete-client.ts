/**
 * delete-client's work: take the client off the gateways that list it (deauthorize, only where it
 * is present), then DeleteUserPoolClient, then forget it in the state file. Idempotent: a client
 * already gone is said so, and a gateway still listing it is cleaned.
 */
import type { Ctx } from '../lib/context.js';
import { CliError } from '../lib/errors.js';
import { awsCliCommand, type PlanStep, type Prepared } from '../lib/plan.js';
import { withGatewayClients, withoutOwned, isCreated } from '../lib/ownership.js';
import { refuseFacadeClient } from '../steps/facade/owned.js';
import { resourceKey, withResourceLock } from '../lib/resource-lock.js';
import type { State } from '../lib/state.js';
import type { UserPoolClientType } from '../aws/cognito.js';
import type { AgentCoreApi } from '../aws/agentcore.js';
import { applyGatewayDeauthorization, planGatewayDeauthorization, type DeauthPlan } from '../steps/gateway/deauthorize.js';
import { clientNotFound } from '../steps/client/create.js';

export interface DeleteClientTarget {
  poolId: string;
  clientId: string;
  /** Gateways to look at: --gateway-id, the state's, those the state records this client was added to. */
  gatewayIds: string[];
  allowAnyClient: boolean;
  wait: boolean;
  waitTimeoutSeconds: number;
  /** Go ahead on the OAuth façade's client (it breaks the façade). */
  force?: boolean;
}

export interface DeleteClientResult {
  userPoolId: string;
  clientId: string;
  clientName?: string;
  /** Gateways the client was (or, under --dry-run, would be) taken off. */
  gateways: { gatewayId: string; gatewayName?: string; allowedClients: string[] }[];
  /** The client existed and was (or would be) deleted. */
  deleted: boolean;
  /** The client did not exist when this run looked. */
  alreadyGone: boolean;
  changed: boolean;
}

/** The gateways to look at for a client: given ones first, then those the state records it on, each once. */
export function gatewaysFor(state: State, clientId: string, given: (string | undefined)[]): string[] {
  const recorded = (state.created?.gatewayClients ?? []).filter((g) => g.clientIds.includes(clientId)).map((g) => g.gatewayId);
  return [...new Set([...given, ...recorded].filter((x): x is string => Boolean(x)))];
}

/** GetGateway, undefined when the gateway no longer exists (nothing to take the client off). */
export async function readGatewayIfAny(agentcore: AgentCoreApi, gatewayId: string) {
  try {
    return await agentcore.getGateway(gatewayId);
  } catch (e) {
    if (e instanceof CliError && e.code === 'NOT_FOUND') return undefined;
    throw e;
  }
}

/** The state without the client: its entry, its created/adopted record, its gateway records. */
export function forgetClient(state: State, clientId: string): State {
  let next = withoutOwned(state, 'clients', [clientId]);
  for (const g of next.created?.gatewayClients ?? []) if (g.clientIds.includes(clientId)) next = withGatewayClients(next, g.gatewayId, [clientId], 'remove');
  const clients = (next.clients ?? []).filter((c) => c.clientId !== clientId);
  // What facade serve recorded on that client goes with it.
  const { facadeServe, ...rest } = next;
  return { ...rest, clients, ...(facadeServe && facadeServe.clientId !== clientId ? { facadeServe } : {}) };
}

export async function prepareDeleteClient(o: DeleteClientTarget, ctx: Ctx): Promise<Prepared<DeleteClientResult>> {
  refuseFacadeClient(ctx.state.get(), [o.clientId], 'deleting it', Boolean(o.force));
  const region = await ctx.region();
  const cognito = await ctx.cognito();
  let client: UserPoolClientType | undefined;
  try {
    client = await cognito.describeClient(o.poolId, o.clientId);
  } catch (e) {
    const mapped = clientNotFound(e, o.clientId, o.poolId, region);
    if (!(mapped instanceof CliError && mapped.code === 'NOT_FOUND')) throw mapped;
  }
  const name = client?.ClientName ?? ctx.state.get().clients?.find((c) => c.clientId === o.clientId)?.name;
  const label = `app client ${name ? `${name} (${o.clientId})` : o.clientId}`;

  // The gateways that list it: each is planned (refusals — emptying the list, not READY — before anything changes).
  const plans: DeauthPlan[] = [];
  if (o.gatewayIds.length) {
    const agentcore = await ctx.agentcore();
    for (const gatewayId of o.gatewayIds) {
      const got = await readGatewayIfAny(agentcore, gatewayId);
      if (!got) continue;
      const plan = planGatewayDeauthorization(got, [o.clientId], region, { allowAnyClient: o.allowAnyClient, gatewayId });
      if (plan.step) plans.push(plan);
    }
  }
  const steps: PlanStep[] = plans.map((p) => p.step!);
  if (client) {
    const origin = isCreated(ctx.state.get(), 'clients', o.clientId) ? 'created by this tool' : 'not created by this tool';
    steps.push({
      action: 'delete',
      resource: `${label} of user pool ${o.poolId} (${origin}; its credentials stop working at once)`,
      awsCli: awsCliCommand('cognito-idp', 'DeleteUserPoolClient', { UserPoolId: o.poolId, ClientId: o.clientId }, region),
    });
  }

  const result = (changed: boolean, deleted: boolean, gateways: DeleteClientResult['gateways']): DeleteClientResult => ({
    userPoolId: o.poolId,
    clientId: o.clientId,
    ...(name ? { clientName: name } : {}),
    gateways,
    deleted,
    alreadyGone: !client,
    changed,
  });
  const planned = plans.map((p) => ({ gatewayId: p.gatewayId, ...(p.planned.name ? { gatewayName: p.planned.name } : {}), allowedClients: p.remaining }));
  const forget = () => {
    if (!ctx.dryRun) ctx.state.change((s) => forgetClient(s, o.clientId));
  };
  if (steps.length === 0) {
    ctx.out.step(`${label[0]!.toUpperCase()}${label.slice(1)} does not exist in user pool ${o.poolId} (already deleted) and no gateway lists it; nothing to do`);
    forget();
    return { steps: [], preview: () => result(false, false, []), apply: async () => result(false, false, []) };
  }
  if (!client) ctx.out.info(`${label} no longer exists in user pool ${o.poolId}; taking it off the gateway that still lists it.`);
  return {
    steps,
    question: `Delete ${label}?`,
    preview: () => result(false, Boolean(client), planned),
    apply: async () => {
      const done: DeleteClientResult['gateways'] = [];
      for (const plan of plans) {
        const agentcore = await ctx.agentcore();
        const after = await applyGatewayDeauthorization(agentcore, plan, { wait: o.wait, waitTimeoutSeconds: o.waitTimeoutSeconds, onAccepted: () => ctx.state.change((s) => withGatewayClients(s, plan.gatewayId, [o.clientId], 'remove')) }, ctx.out);
        done.push({ gatewayId: plan.gatewayId, ...(after.name ? { gatewayName: after.name } : {}), allowedClients: after.authorizerConfiguration && 'customJWTAuthorizer' in after.authorizerConfiguration ? (after.authorizerConfiguration.customJWTAuthorizer?.allowedClients ?? []) : [] });
      }
      let deleted = false;
      if (client) {
        // Under the client's lock: an update of this client in another process finishes first (or finds it gone).
        deleted = await withResourceLock(resourceKey.client(o.poolId, o.clientId), label, () => cognito.deleteClient(o.poolId, o.clientId));
        ctx.out.step(deleted ? `Deleted ${label}` : `${label} was already gone`);
      }
      forget();
      return result(true, deleted, done);
    },
  };
}
