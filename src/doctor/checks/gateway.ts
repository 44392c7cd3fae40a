/** Checks of the gateway: status, authorizer and what it accepts, MCP versions. */
import { discoveryUrl as cognitoDiscoveryUrl, parseCognitoDiscoveryUrl } from '../../lib/urls.js';
import type { GatewayPatch } from '../../aws/rmw.js';
import { COPILOT_PROTOCOL_VERSION, Skip, authorizeFix, clientLabel, defineCheck, defineClientCheck, isOidc, jwtOf, mcpUrl, updateClientFix, updateGatewayFix, withJwt, type CheckDef, type ClientRef } from '../kit.js';

const noJwt = () => new Skip('the gateway has no CUSTOM_JWT authorizer (see gateway.authorizer)');

export const GATEWAY_CHECKS: CheckDef[] = [
  defineCheck('gateway.exists', 'Gateway exists', async (k, env) => {
    try {
      const g = await env.reads.gateway();
      return k.pass(`${g.name} (${g.gatewayId}) in ${env.region}; URL ${g.gatewayUrl ?? '(none)'}.`);
    } catch (e) {
      if ((e as { code?: string }).code === 'NOT_FOUND') return k.fail(`GetGateway found no gateway ${env.gatewayId} in ${env.region}.`, { fix: `aws bedrock-agentcore-control list-gateways --region ${env.region}` });
      throw e;
    }
  }),

  defineCheck('gateway.status', 'Gateway is READY', async (k, env) => {
    const g = await env.reads.gateway();
    const reasons = g.statusReasons?.length ? ` Reasons: ${g.statusReasons.join('; ')}.` : '';
    if (g.status === 'READY') return k.pass(`${g.name}: READY.`);
    if (g.status === 'FAILED' || g.status === 'UPDATE_UNSUCCESSFUL') return k.fail(`${g.name} is ${g.status}.${reasons}`, { fix: `aws bedrock-agentcore-control get-gateway --gateway-identifier ${g.gatewayId} --region ${env.region} --query statusReasons` });
    return k.warn(`${g.name} is ${g.status}; changes take effect once it is READY.${reasons}`);
  }),

  defineCheck('gateway.authorizer', 'Gateway uses a CUSTOM_JWT authorizer', async (k, env) => {
    const g = await env.reads.gateway();
    if (g.authorizerType === 'CUSTOM_JWT' && jwtOf(g)) return k.pass(`${g.name}: authorizerType CUSTOM_JWT.`);
    return k.fail(`${g.name}: authorizerType is ${g.authorizerType}; Cognito bearer tokens need CUSTOM_JWT (G7), and the authorizer type cannot be changed on an existing gateway.`, { fix: `Create a new gateway with --authorizer-type CUSTOM_JWT and the discovery URL ${env.poolId ? cognitoDiscoveryUrl(env.region, env.poolId) : '<cognito discovery URL>'}` });
  }),

  defineCheck('gateway.discovery-url', 'Gateway trusts this user pool', async (k, env) => {
    const g = await env.reads.gateway();
    const j = jwtOf(g);
    if (!j) throw noJwt();
    const url = j.discoveryUrl ?? '';
    const expected = env.poolId ? cognitoDiscoveryUrl(env.region, env.poolId) : undefined;
    const parsed = parseCognitoDiscoveryUrl(url);
    const fix = expected ? updateGatewayFix(g, withJwt(g, (x) => (x.discoveryUrl = expected)), env.region) : undefined;
    if (!parsed) {
      const domainStyle = /amazoncognito\.com/.test(url);
      return k.fail(domainStyle ? `discoveryUrl ${url} is on the hosted-UI domain; discovery is served only on the issuer host${expected ? ` (${expected})` : ''} (A4d, G4).` : `discoveryUrl ${url} is not a Cognito user pool's; this gateway trusts another identity provider (G4).`, { fix });
    }
    if (expected && url !== expected) return k.fail(`discoveryUrl names pool ${parsed.poolId} in ${parsed.region}, not ${env.poolId} in ${env.region}: tokens of this pool are rejected (G4). Changing it cuts off that pool's callers.`, { fix });
    return k.pass(`discoveryUrl ${url} (pool ${parsed.poolId}, ${parsed.region}).`);
  }),

  defineClientCheck('gateway.allowed-clients', 'Client is in allowedClients', async (k, env, ref) => {
    const g = await env.reads.gateway();
    const j = jwtOf(g);
    if (!j) throw noJwt();
    const allowed = j.allowedClients ?? [];
    const malformed = allowed.filter((a) => !/^[\w+]+$/.test(a));
    const id = ref.clientId;
    if (malformed.length) return k.fail(`allowedClients has malformed entries ${malformed.map((m) => JSON.stringify(m)).join(', ')} (comma-joined or with spaces); each must be one client ID.`, { fix: updateGatewayFix(g, withJwt(g, (x) => (x.allowedClients = [...new Set(allowed.flatMap((a) => a.split(/[\s,]+/)).filter(Boolean))])), env.region) });
    if (allowed.includes(id)) return k.pass(`${id} is in allowedClients [${allowed.join(', ')}].`);
    if (!allowed.length && !j.allowedAudience?.length) return k.warn('The gateway sets neither allowedClients nor allowedAudience: it accepts a token from any client of the pool.', { fix: authorizeFix(env.gatewayId, id) });
    return k.fail(`${id} is not in allowedClients [${allowed.join(', ')}]: the gateway answers 401 "Invalid Bearer token" to its tokens (G1; the original table calls this insufficient_scope).`, { fix: authorizeFix(env.gatewayId, id) });
  }),

  defineCheck('gateway.allowed-audience', 'No allowedAudience for Cognito access tokens', async (k, env) => {
    const g = await env.reads.gateway();
    const j = jwtOf(g);
    if (!j) throw noJwt();
    const aud = j.allowedAudience ?? [];
    if (!aud.length) return k.pass('allowedAudience is not set (Cognito access tokens carry client_id, not aud).');
    if (!parseCognitoDiscoveryUrl(j.discoveryUrl ?? '')) return k.pass(`allowedAudience [${aud.join(', ')}] (the gateway does not trust a Cognito pool).`);
    const clients = [...new Set([...(j.allowedClients ?? []), ...env.clients.map((c) => c.clientId), ...aud.filter((a) => /^[a-z0-9]+$/.test(a))])];
    const fix = updateGatewayFix(g, withJwt(g, (x) => ((x.allowedClients = clients.length ? clients : undefined), (x.allowedAudience = undefined))), env.region);
    if (!j.allowedClients?.length) return k.fail(`allowedAudience [${aud.join(', ')}] is the gateway's only client check, but Cognito access tokens have no aud claim: every access token is rejected with 401 (G2). Use allowedClients.`, { fix });
    return k.warn(`allowedAudience [${aud.join(', ')}] is set next to allowedClients; Cognito access tokens have no aud, and whether the gateway requires both is unconfirmed. Remove allowedAudience.`, { fix });
  }),

  defineClientCheck('gateway.allowed-scopes', "Client's scopes satisfy allowedScopes", async (k, env, ref) => {
    const [g, c] = await Promise.all([env.reads.gateway(), env.reads.client(ref.clientId)]);
    const j = jwtOf(g);
    if (!j) throw noJwt();
    const allowed = j.allowedScopes ?? [];
    const scopes = c.AllowedOAuthScopes ?? [];
    if (!allowed.length) {
      // authorize-client only extends an existing allowedScopes list, so the fix sets it directly.
      const custom = scopes.filter((s) => !isOidc(s));
      return k.warn(`The gateway sets no allowedScopes: it accepts any scope, but its protected-resource metadata then advertises none, and Claude Code requests no scope (invalid_grant, T3e/C4).`, { fix: custom.length ? updateGatewayFix(g, withJwt(g, (x) => (x.allowedScopes = custom)), env.region) : undefined });
    }
    const common = scopes.filter((s) => allowed.includes(s));
    if (common.length) {
      const oidcOnly = common.every(isOidc);
      const detail = `${clientLabel(c)}: ${common.join(', ')} in allowedScopes [${allowed.join(', ')}]; the scope the caller requests must include ${common.find((s) => !isOidc(s)) ?? common[0]}${oidcOnly ? ' (only OpenID scopes match: M2M tokens never carry them)' : ''}.`;
      return oidcOnly ? k.warn(detail) : k.pass(detail);
    }
    const custom = scopes.filter((s) => !isOidc(s));
    const fix = custom.length ? authorizeFix(env.gatewayId, c.ClientId!) : updateClientFix(c, { AllowedOAuthScopes: [...scopes, ...allowed.filter((s) => !isOidc(s) && !scopes.includes(s))] }, env.region);
    return k.fail(`${clientLabel(c)}'s scopes [${scopes.join(', ')}] share nothing with allowedScopes [${allowed.join(', ')}]: its tokens are rejected with 401 (G3).`, { fix });
  }),

  defineCheck('gateway.protocol-version', `MCP protocol version ${COPILOT_PROTOCOL_VERSION} supported (Copilot Studio)`, async (k, env) => {
    const g = await env.reads.gateway();
    const mcp = g.protocolConfiguration && 'mcp' in g.protocolConfiguration ? g.protocolConfiguration.mcp : undefined;
    if (g.protocolType && g.protocolType !== 'MCP') return k.fail(`protocolType is ${g.protocolType}, not MCP.`);
    const versions = mcp?.supportedVersions ?? [];
    if (versions.includes(COPILOT_PROTOCOL_VERSION)) return k.pass(`supportedVersions [${versions.join(', ')}].`);
    // authorize-client adds 2025-03-26 to a listed supportedVersions for a Copilot Studio client
    // (the state's copilot-studio preset, or a code-flow client it does not know).
    let copilot: ClientRef | undefined = env.clients.find((c) => c.preset === 'copilot-studio');
    for (const ref of env.clients) {
      if (copilot) break;
      if (!ref.preset) {
        const c = await env.reads.client(ref.clientId).catch(() => undefined);
        if (c && (c.AllowedOAuthFlows ?? []).includes('code')) copilot = ref;
      }
    }
    const fix = versions.length && copilot ? authorizeFix(env.gatewayId, copilot.clientId) : updateGatewayFix(g, { protocolConfiguration: { mcp: { ...(mcp ?? {}), supportedVersions: [...versions, COPILOT_PROTOCOL_VERSION] } } } as GatewayPatch, env.region);
    if (!versions.length) return k.warn(`supportedVersions is not set and the service default is unconfirmed; Copilot Studio needs ${COPILOT_PROTOCOL_VERSION} and otherwise lists no tools, silently (C6, [?]).`, { fix });
    return k.warn(`supportedVersions [${versions.join(', ')}] lacks ${COPILOT_PROTOCOL_VERSION}: Copilot Studio (and any request without MCP-Protocol-Version) gets no tools, silently (C6, [?]).`, { fix });
  }),

  defineCheck('gateway.url', 'Gateway URL', async (k, env) => {
    const g = await env.reads.gateway();
    const url = mcpUrl(g);
    if (!url) return k.warn(`${g.name} reports no gatewayUrl yet.`);
    return k.pass(`MCP clients connect to ${url} with Authorization: Bearer <access token> (not SigV4, G7).`);
  }),
];
