/**
 * Taking app clients off an AgentCore gateway's CUSTOM_JWT authorizer (deauthorize-client,
 * delete-client, teardown): plan from GetGateway (removing only the named clients, every other
 * setting kept), apply through the merge-and-verify loop (re-read, status READY, remove, UpdateGateway
 * with every field, wait for READY, read back; another writer's additions are kept).
 *
 * An empty allowedClients is not "nobody": with no allowed clients (and no allowed audience) the
 * authorizer accepts a token of any app client of the pool it trusts. Emptying the list is refused
 * unless asked for in so many words (`allowAnyClient`), and the plan says it.
 */
import { CliError, RefusedError } from '../../lib/errors.js';
import { awsCliCommand, listDiff, type PlanStep } from '../../lib/plan.js';
import { parseCognitoDiscoveryUrl } from '../../lib/urls.js';
import { toUpdateGatewayRequest, type AuthorizerConfiguration, type GetGatewayResponse } from '../../aws/rmw.js';
import type { AgentCoreApi } from '../../aws/agentcore.js';
import { mergeAndVerify } from '../merge.js';
import { resourceKey } from '../../lib/resource-lock.js';
import { gatewayShape, jwtOf, waitForGatewayReady } from './authorize.js';
import type { Progress } from '../progress.js';

/** The flag that allows emptying allowedClients (named in refusals and docs). */
export const ALLOW_ANY_CLIENT_FLAG = '--allow-any-client';

export interface DeauthPlan {
  gatewayId: string;
  name: string;
  /** The clients asked for that are on the list (the ones to remove). */
  removed: string[];
  /** The clients asked for that are not on the list (nothing to do for them). */
  absent: string[];
  allowedClients: string[];
  /** allowedClients once applied. */
  remaining: string[];
  /** The list becomes empty: any client of the trusted pool gets in (allowed only with allowAnyClient). */
  opensToAnyClient: boolean;
  /** The update to approve; undefined when no asked client is on the list. */
  step?: PlanStep;
  planned: GetGatewayResponse;
  change: (current: GetGatewayResponse) => GetGatewayResponse;
}

/** What "any client" means for this gateway, in words. */
function anyClientWords(got: GetGatewayResponse): string {
  const trusted = parseCognitoDiscoveryUrl(jwtOf(got)?.discoveryUrl ?? '');
  return `an empty allowedClients list lets a token of ANY app client of ${trusted ? `user pool ${trusted.poolId}` : 'the identity provider it trusts'} through`;
}

/** `g` without `clientIds` in allowedClients (every other field as it is). */
function withoutClients(g: GetGatewayResponse, clientIds: readonly string[]): GetGatewayResponse {
  const jwt = jwtOf(g);
  if (!jwt) return g;
  const allowedClients = (jwt.allowedClients ?? []).filter((id) => !clientIds.includes(id));
  return { ...g, authorizerConfiguration: { customJWTAuthorizer: { ...jwt, allowedClients } } as AuthorizerConfiguration };
}

/**
 * Plan removing `clientIds` from `got`'s allowedClients. Refuses (exit 1, nothing sent) to leave the
 * list empty unless `allowAnyClient`, and a gateway that is not READY when there is something to do.
 */
export function planGatewayDeauthorization(got: GetGatewayResponse, clientIds: string[], region: string, o: { allowAnyClient: boolean; gatewayId?: string }): DeauthPlan {
  const gatewayId = o.gatewayId ?? got.gatewayId ?? '';
  const name = got.name ?? gatewayId;
  const allowedClients = jwtOf(got)?.allowedClients ?? [];
  const removed = clientIds.filter((id, i, a) => allowedClients.includes(id) && a.indexOf(id) === i);
  const absent = clientIds.filter((id) => !allowedClients.includes(id));
  const remaining = allowedClients.filter((id) => !removed.includes(id));
  const opensToAnyClient = removed.length > 0 && remaining.length === 0;
  const change = (g: GetGatewayResponse): GetGatewayResponse => {
    const next = withoutClients(g, removed);
    // Another writer may have removed the other clients meanwhile: the same refusal, on what is there now.
    if (!o.allowAnyClient && (jwtOf(g)?.allowedClients ?? []).some((id) => removed.includes(id)) && (jwtOf(next)?.allowedClients ?? []).length === 0) {
      throw new RefusedError(`Removing ${removed.join(', ')} would now leave gateway ${name} with no allowed client, and ${anyClientWords(g)}.`, `Pass ${ALLOW_ANY_CLIENT_FLAG} if that is what you want.`);
    }
    return next;
  };
  const plan: DeauthPlan = { gatewayId, name, removed, absent, allowedClients, remaining, opensToAnyClient, planned: got, change };
  if (removed.length === 0) return plan;
  if (opensToAnyClient && !o.allowAnyClient) {
    throw new RefusedError(
      `Removing ${removed.join(', ')} would leave gateway ${name} with no allowed client, and ${anyClientWords(got)}: the gateway would be open to every client of the pool, not closed. Nothing was changed.`,
      `Authorize the client that should stay first (mcp-cognito authorize-client), or pass ${ALLOW_ANY_CLIENT_FLAG} to accept any client of the pool.`,
    );
  }
  if (got.status !== 'READY') {
    throw new RefusedError(`Gateway ${name} is ${got.status ?? 'in an unknown state'}, not READY: it can only be changed when READY. Nothing was changed.`, 'Wait for the current operation to finish (or fix the gateway), then run the command again.');
  }
  const diff = ['allowedClients:', ...listDiff(allowedClients, remaining)];
  if (opensToAnyClient) diff.push(`! allowedClients becomes empty: ${anyClientWords(got)} (${ALLOW_ANY_CLIENT_FLAG})`);
  const after = change(got);
  plan.step = {
    action: 'update',
    resource: `gateway ${name} (${gatewayId}) JWT authorizer`,
    diff,
    ...(got.gatewayId ? { awsCli: awsCliCommand('bedrock-agentcore-control', 'UpdateGateway', { ...toUpdateGatewayRequest(after) }, region) } : {}),
  };
  return plan;
}

/**
 * Apply a planned removal: re-read (still READY), remove, UpdateGateway with every field, wait for
 * READY (or read once without waiting), verify the clients are gone and nothing else moved.
 */
export async function applyGatewayDeauthorization(agentcore: AgentCoreApi, plan: DeauthPlan, o: { wait: boolean; waitTimeoutSeconds: number; onAccepted?: () => void }, progress: Progress): Promise<GetGatewayResponse> {
  const { gatewayId, name } = plan;
  let accepted = false;
  const { after } = await mergeAndVerify({
    what: `gateway ${name}`,
    operation: 'UpdateGateway',
    lockKey: resourceKey.gateway(gatewayId),
    planned: plan.planned,
    change: plan.change,
    shape: gatewayShape,
    read: () => agentcore.getGateway(gatewayId, { fresh: true }),
    check: (current) => {
      if (current.status !== 'READY') {
        throw new CliError(`Gateway ${name} changed while this command was running (status ${current.status}).${accepted ? '' : ' Nothing was changed.'}`, { code: 'CONFLICT', hint: 'Run the command again to plan against the current gateway.' });
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
  progress.step(`Took ${plan.removed.join(', ')} off gateway ${name}`);
  if (!o.wait) progress.info(`Not waiting for READY (--no-wait); the gateway is ${after.status ?? 'updating'}.`);
  return after;
}
