/**
 * What the OAuth façade runs over, served locally or deployed: the pool, its hosted UI, the
 * gateway's MCP URL (readFacadeBase), and its app client (targetOf; the client itself is found or
 * made by src/workflows/facade-client.ts; its secret is never printed).
 */
import { RefusedError, UsageError } from '../../lib/errors.js';
import type { Ctx } from '../../lib/context.js';
import { hostedUiBaseUrl } from '../../lib/urls.js';
import { PRESET_TABLE } from '../../domain/presets.js';
import type { UserPoolClientType } from '../../aws/cognito.js';
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

/** Read everything the façade needs over its recorded client (facade status's drift); refuse what it cannot work with. */
export async function readFacadeTarget(input: FacadeTargetInput & { clientId: string }, ctx: Ctx): Promise<FacadeTarget> {
  const clientId = ctx.clientId(input.clientId);
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
