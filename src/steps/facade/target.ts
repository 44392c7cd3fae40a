/**
 * What the OAuth façade runs over, served locally or deployed: the pool, its hosted UI, the
 * code-flow app client (and its secret, read with DescribeUserPoolClient and never printed), and the
 * gateway's MCP URL. Also the façade's one callback on the client, planned through the callback step.
 */
import { RefusedError, UsageError } from '../../lib/errors.js';
import type { Ctx } from '../../lib/context.js';
import { hostedUiBaseUrl } from '../../lib/urls.js';
import { PRESET_TABLE } from '../../domain/presets.js';
import type { UserPoolClientType } from '../../aws/cognito.js';
import { planCallback, type CallbackPlan } from '../client/add-callbacks.js';
import { clientNotFound } from '../client/create.js';
import { preflightGateway } from '../gateway/authorize.js';

export interface FacadeTargetInput {
  poolId?: string;
  clientId?: string;
  gatewayId?: string;
}

export interface FacadeBase {
  region: string;
  poolId: string;
  /** The pool's domain (prefix or custom domain). */
  domain: string;
  /** The hosted UI's base URL (https://<prefix>.auth.<region>.amazoncognito.com or the custom domain). */
  domainUrl: string;
  gatewayId: string;
  gatewayName?: string;
  /** The gateway's MCP endpoint. */
  gatewayUrl: string;
  /** The custom scopes the gateway requires (its allowedScopes; empty: it checks none). */
  gatewayScopes: string[];
}

export interface FacadeTarget extends FacadeBase {
  /** '' while the façade's client is still to be created. */
  clientId: string;
  clientName?: string;
  /** The described client (holds ClientSecret: never print, log or record it). */
  client: UserPoolClientType;
  /** The client has a secret (the façade sends it to Cognito's token endpoint), whether or not Describe shows it. */
  confidential: boolean;
  /** The client's allowed scopes: what the façade advertises and asks for. */
  scopes: string[];
}

/** The code-flow client the façade stands for: --client-id, else the state file's only copilot-studio or web client. */
async function chooseClient(input: FacadeTargetInput, ctx: Ctx): Promise<string> {
  if (input.clientId) return ctx.clientId(input.clientId);
  const clients = (ctx.state.get().clients ?? []).filter((c) => PRESET_TABLE[c.preset].oauthFlows[0] === 'code');
  if (clients.length === 1) return clients[0]!.clientId;
  if (clients.length > 1 && ctx.canPrompt) {
    return ctx.prompt.select({ message: 'Which app client does the façade stand for?', choices: clients.map((c) => ({ name: `${c.name} (${c.clientId}, ${c.preset})`, value: c.clientId })) });
  }
  if (clients.length > 1) throw new UsageError(`The state file lists ${clients.length} code-flow clients (${clients.map((c) => c.clientId).join(', ')}): pass --client-id to say which one the façade stands for.`);
  throw new UsageError('No code-flow app client: pass --client-id, or create one first (mcp-cognito create-client --preset web --callback-url http://localhost/callback).');
}

export const mcpUrlOf = (gatewayUrl: string) => (/\/mcp\/?$/.test(gatewayUrl) ? gatewayUrl : `${gatewayUrl.replace(/\/$/, '')}/mcp`);

/** Read the pool and the gateway the façade runs over; refuse (changing nothing) what it cannot work with. */
export async function readFacadeBase(input: Omit<FacadeTargetInput, 'clientId'>, ctx: Ctx): Promise<FacadeBase> {
  const poolId = await ctx.poolId(input.poolId);
  const gatewayFlag = input.gatewayId ? ctx.gatewayId(input.gatewayId) : undefined;
  const gatewayId = gatewayFlag ?? ctx.state.get().gatewayId;
  if (!gatewayId) throw new UsageError('No gateway: pass --gateway-id, or run `mcp-cognito authorize-client` (or init) so the state file knows it.');
  const region = await ctx.region();
  const cognito = await ctx.cognito();
  const agentcore = await ctx.agentcore();
  const [pool, gateway] = await Promise.all([cognito.describePool(poolId), agentcore.getGateway(gatewayId)]);
  const domain = pool.CustomDomain ?? pool.Domain;
  if (!domain) throw new RefusedError(`User pool ${poolId} has no domain, so it has no sign-in page for the façade to send people to.`, 'Give it one with mcp-cognito init-pool (or init).');
  preflightGateway(gateway, gatewayId, poolId, region);
  if (!gateway.gatewayUrl) throw new RefusedError(`Gateway ${gateway.name ?? gatewayId} has no URL yet (status ${gateway.status ?? 'unknown'}).`, 'Wait until it is READY, then run the command again.');
  const jwt = gateway.authorizerConfiguration && 'customJWTAuthorizer' in gateway.authorizerConfiguration ? gateway.authorizerConfiguration.customJWTAuthorizer : undefined;
  return {
    region,
    poolId,
    domain,
    domainUrl: hostedUiBaseUrl(domain, region),
    gatewayId,
    ...(gateway.name ? { gatewayName: gateway.name } : {}),
    gatewayUrl: mcpUrlOf(gateway.gatewayUrl),
    gatewayScopes: jwt?.allowedScopes ?? [],
  };
}

/** The target over a described client. */
export function targetOf(base: FacadeBase, client: UserPoolClientType, confidential = Boolean(client.ClientSecret)): FacadeTarget {
  const name = client.ClientName ?? client.ClientId ?? '';
  if (client.ClientId && (!client.AllowedOAuthFlowsUserPoolClient || !(client.AllowedOAuthFlows ?? []).includes('code'))) {
    throw new RefusedError(`App client ${name} does not allow the authorization code flow, which the façade signs people in with.`, 'Leave out --client-id: facade serve and facade deploy create the façade\'s own client.');
  }
  return {
    ...base,
    clientId: client.ClientId ?? '',
    ...(client.ClientName ? { clientName: client.ClientName } : {}),
    client,
    confidential: confidential || Boolean(client.ClientSecret),
    scopes: client.AllowedOAuthScopes ?? [],
  };
}

/** Read everything the façade needs over a known client (facade status's drift); refuse what it cannot work with. */
export async function readFacadeTarget(input: FacadeTargetInput, ctx: Ctx): Promise<FacadeTarget> {
  const clientId = await chooseClient(input, ctx);
  const base = await readFacadeBase(input, ctx);
  const cognito = await ctx.cognito();
  const client = await cognito.describeClient(base.poolId, clientId).catch((e: unknown) => {
    throw clientNotFound(e, clientId, base.poolId, base.region);
  });
  const preset = ctx.state.get().clients?.find((c) => c.clientId === clientId)?.preset;
  return targetOf(base, client, preset ? PRESET_TABLE[preset].secret : false);
}

/** The façade's callback URL for its origin. */
export const facadeCallbackUrl = (origin: string) => `${origin.replace(/\/$/, '')}/callback`;

/** Plan registering the façade's callback on the client: added only, every other URL (the placeholder too) kept. */
export function planFacadeCallback(t: FacadeTarget, origin: string): CallbackPlan {
  return planCallback(t.client, { urls: [facadeCallbackUrl(origin)], logout: false, keepPlaceholder: true }, t.region);
}
