/** Checks of the gateway: status, authorizer and what it accepts, custom claims, policy engine, MCP versions. */
import { discoveryUrl as cognitoDiscoveryUrl, parseCognitoDiscoveryUrl } from '../../lib/urls.js';
import { COPILOT_PROTOCOL_VERSION, Skip, allowsOidc, clientLabel, defineCheck, defineClientCheck, isOidc, jwtOf, kindOf, mcpUrl, q, updateClientAws, updateGatewayAws, withJwt } from '../kit.js';
import { COGNITO_ACCESS_CLAIMS, describeRule } from '../claims.js';
import { OFFLOADED_AUTHORIZATION_DOC, authenticateOnlySentence, authenticatesOnly, offloadedTo } from '../../domain/gateway-authorizer.js';
import type { GetGatewayResponse } from '../../aws/rmw.js';

const noJwt = () => new Skip('the gateway has no CUSTOM_JWT authorizer');
/** AUTHENTICATE_ONLY: the gateway applies no client, audience, scope or claim rule (domain/gateway-authorizer.ts). */
const offloaded = () => new Skip('the gateway authenticates only (AUTHENTICATE_ONLY): it applies no client, audience, scope or claim rule; authorization is offloaded (see gateway.authorizer)');
/** The authorizer's rules, for the checks of what the gateway itself decides. */
function rulesOf(g: GetGatewayResponse) {
  if (authenticatesOnly(g)) throw offloaded();
  const j = jwtOf(g);
  if (!j) throw noJwt();
  return j;
}
const byHand = 'No mcp-cognito command changes this; the AWS CLI command doctor gives (--verbose, --json) resends every other setting of the gateway, as UpdateGateway requires.';

export const GATEWAY_CHECKS = [
  defineCheck('gateway.exists', 'Gateway exists', async (k, env) => {
    try {
      const g = await env.reads.gateway();
      return k.pass(`${g.name} (${g.gatewayId}) in ${env.region}.`);
    } catch (e) {
      if ((e as { code?: string }).code === 'NOT_FOUND') return k.fail(`Gateway ${env.gatewayId} does not exist in ${env.region}`, 'It was deleted, or it is in another Region or account.', { todo: 'Check --gateway-id and the Region (--region).', aws: `aws bedrock-agentcore-control list-gateways --region ${env.region}` });
      throw e;
    }
  }),

  defineCheck('gateway.status', 'Gateway is READY', async (k, env) => {
    const g = await env.reads.gateway();
    const reasons = g.statusReasons?.length ? ` AWS says: ${g.statusReasons.join('; ')}.` : '';
    if (g.status === 'READY') return k.pass(`${g.name}.`);
    if (g.status === 'FAILED' || g.status === 'UPDATE_UNSUCCESSFUL') {
      return k.fail(`Gateway ${g.name} is ${g.status}`, `${g.status === 'FAILED' ? 'It could not be created.' : 'Its last update did not go through; it keeps running with the settings from before.'}${reasons}`, { todo: g.status === 'FAILED' ? 'Fix what AWS names, then create the gateway again.' : `Fix what AWS names, then update it again (mcp-cognito authorize-client --gateway-id ${g.gatewayId} sends a complete update).` });
    }
    return k.warn(`Gateway ${g.name} is ${g.status}`, `Changes take effect once it is READY (usually within a minute).${reasons}`);
  }),

  defineCheck('gateway.authorizer', 'The gateway accepts bearer tokens (CUSTOM_JWT or AUTHENTICATE_ONLY)', async (k, env) => {
    const g = await env.reads.gateway();
    if (g.authorizerType === 'CUSTOM_JWT' && jwtOf(g)) return k.pass(`${g.name}.`);
    if (authenticatesOnly(g)) {
      // Offloaded authorization (AWS: gateway-inbound-auth.html): not closed, but nothing at the gateway may decide who gets in.
      const o = offloadedTo(g);
      if (o.enforcing || o.interceptors.length) return k.pass(authenticateOnlySentence(g));
      return k.warn(`Nothing at gateway ${g.name} decides who may call its tools`, authenticateOnlySentence(g), { todo: `Make sure every target checks the caller, or attach a policy engine in ENFORCE mode or an interceptor to the gateway (${OFFLOADED_AUTHORIZATION_DOC}).` });
    }
    return k.fail(`Gateway ${g.name} does not accept bearer tokens`, `Its authorizer is ${g.authorizerType}, not CUSTOM_JWT: it answers Cognito tokens with 401 (or "Missing Authentication Token"), and the authorizer type of an existing gateway cannot be changed.`, { todo: `Create a gateway with a CUSTOM_JWT authorizer whose discovery URL is ${env.poolId ? cognitoDiscoveryUrl(env.region, env.poolId) : "the pool's"}, then: mcp-cognito authorize-client --gateway-id <new gateway>.` });
  }),

  defineCheck('gateway.discovery-url', 'The gateway trusts this user pool', async (k, env) => {
    const g = await env.reads.gateway();
    const j = jwtOf(g);
    if (!j) throw noJwt();
    const url = j.discoveryUrl ?? '';
    const expected = env.poolId ? cognitoDiscoveryUrl(env.region, env.poolId) : undefined;
    const parsed = parseCognitoDiscoveryUrl(url);
    const more = expected ? { todo: `Point the gateway's discovery URL at ${expected}. ${byHand}`, aws: updateGatewayAws(g, withJwt(g, (x) => (x.discoveryUrl = expected)), env.region) } : { todo: 'Pass --pool-id of the pool whose tokens the gateway should accept.' };
    if (!parsed) {
      if (/amazoncognito\.com/.test(url)) return k.fail(`The gateway's discovery URL is on the sign-in domain`, `${url}: Cognito serves discovery only on the issuer host${expected ? ` (${expected})` : ''}, so the gateway cannot check any token.`, more);
      return k.fail(`Gateway ${g.name} trusts another identity provider`, `Its discovery URL ${url} is not a Cognito user pool's: it rejects every token of this pool.`, more);
    }
    if (expected && url !== expected) return k.fail(`Gateway ${g.name} trusts another user pool`, `Its discovery URL names ${parsed.poolId} in ${parsed.region}, not ${env.poolId} in ${env.region}: tokens of this pool are rejected. Changing it cuts off the callers of ${parsed.poolId} (or examine that pool: mcp-cognito doctor --pool-id ${parsed.poolId}).`, more);
    return k.pass(`${parsed.poolId} (${parsed.region}).`);
  }),

  defineClientCheck('gateway.allowed-clients', 'The gateway accepts the client', async (k, env, ref) => {
    const g = await env.reads.gateway();
    const j = rulesOf(g);
    const allowed = j.allowedClients ?? [];
    const malformed = allowed.filter((a) => !/^[\w+]+$/.test(a));
    const id = ref.clientId;
    if (malformed.length) {
      const split = [...new Set(allowed.flatMap((a) => a.split(/[\s,]+/)).filter(Boolean))];
      return k.fail(`The gateway's allowedClients has malformed entries`, `${malformed.map((m) => JSON.stringify(m)).join(', ')}: each entry must be one client ID (comma-joined IDs in one entry match no client).`, { todo: `Split them into one client ID per entry. ${byHand}`, aws: updateGatewayAws(g, withJwt(g, (x) => (x.allowedClients = split)), env.region) });
    }
    if (allowed.includes(id)) return k.pass(`${id} is in allowedClients.`);
    if (!allowed.length) return k.pass(`The gateway checks no client ID (allowedClients is empty), so it accepts ${id} as any client of the pool${j.allowedAudience?.length ? ' that passes allowedAudience' : ''}.`);
    return k.fail(`The gateway does not accept client ${id}`, `allowedClients [${allowed.join(', ')}] does not contain ${id}: the gateway answers its tokens with 401 "Invalid Bearer token".`, { fix: `mcp-cognito authorize-client --gateway-id ${env.gatewayId} --client-id ${id}` });
  }),

  defineCheck('gateway.allowed-audience', 'The gateway does not require an audience Cognito tokens lack', async (k, env) => {
    const g = await env.reads.gateway();
    const j = rulesOf(g);
    const aud = j.allowedAudience ?? [];
    if (!aud.length) return k.pass('allowedAudience is not set (Cognito access tokens carry client_id, not aud).');
    if (!parseCognitoDiscoveryUrl(j.discoveryUrl ?? '')) return k.pass(`allowedAudience [${aud.join(', ')}] (the gateway does not trust a Cognito pool).`);
    const clients = [...new Set([...(j.allowedClients ?? []), ...env.clients.map((c) => c.clientId), ...aud.filter((a) => /^[a-z0-9]+$/.test(a))])];
    const more = { todo: `Remove allowedAudience and list the client IDs in allowedClients instead. ${byHand}`, aws: updateGatewayAws(g, withJwt(g, (x) => ((x.allowedClients = clients.length ? clients : undefined), (x.allowedAudience = undefined))), env.region) };
    if (!j.allowedClients?.length) return k.fail('The gateway rejects every Cognito access token (allowedAudience)', `It accepts only tokens whose aud is in [${aud.join(', ')}], but Cognito access tokens have no aud claim (the client ID is in client_id).`, more);
    return k.warn('The gateway also checks an audience Cognito access tokens lack', `allowedAudience [${aud.join(', ')}] is set next to allowedClients; Cognito access tokens have no aud, and whether the gateway then rejects them is not documented.`, more);
  }),

  defineClientCheck('gateway.allowed-scopes', "The gateway's scope rule lets the client's tokens through", async (k, env, ref) => {
    const [g, c] = await Promise.all([env.reads.gateway(), env.reads.client(ref.clientId)]);
    const j = rulesOf(g);
    const allowed = j.allowedScopes ?? [];
    const scopes = c.AllowedOAuthScopes ?? [];
    if (!allowed.length) return k.pass(`The gateway checks no scope (allowedScopes is empty), so any token of ${clientLabel(c)} passes this rule.`);
    const common = scopes.filter((s) => allowed.includes(s));
    const oidcOk = allowsOidc(kindOf(c, ref));
    const usable = common.filter((s) => oidcOk || !isOidc(s));
    if (usable.length) return k.pass(`${clientLabel(c)} may ask for ${usable.join(', ')}, which allowedScopes [${allowed.join(', ')}] accepts; the caller must request it.`);
    const custom = scopes.filter((s) => !isOidc(s));
    if (custom.length) {
      return k.fail(`The gateway rejects ${clientLabel(c)}'s scopes`, `allowedScopes [${allowed.join(', ')}] shares nothing with the client's scopes [${scopes.join(', ')}]${common.length ? ` that its M2M tokens can carry` : ''}: its tokens get 401.`, { fix: `mcp-cognito authorize-client --gateway-id ${env.gatewayId} --allowed-scope ${q(custom[0]!)}` });
    }
    const want = allowed.filter((s) => !isOidc(s));
    return k.fail(`The gateway rejects ${clientLabel(c)}'s scopes`, `allowedScopes [${allowed.join(', ')}] shares nothing with the client's scopes [${scopes.join(', ')}], and the client has no custom scope: its tokens get 401.`, { todo: `Give the client the scope ${want[0] ?? allowed[0]} (and ask for it in Copilot Studio's Scopes field).`, aws: updateClientAws(c, { AllowedOAuthScopes: [...scopes, ...want.filter((s) => !scopes.includes(s))] }, env.region) });
  }),

  /**
   * advertisedScopeMapping (SDK CustomJWTAuthorizerConfiguration): "The advertised scope appears in
   * OAuth protected resource metadata and WWW-Authenticate response headers. Use this parameter when
   * the scope that clients request from your identity provider differs from the scope in the
   * validated token." Cognito puts in an access token the scopes that were requested (and enabled on
   * the client); it maps none to another, so an advertised scope must be one the client is given and
   * one the gateway's allowedScopes accepts.
   */
  defineClientCheck('gateway.advertised-scopes', 'The scopes the gateway advertises are scopes the client is given', async (k, env, ref) => {
    const [g, c] = await Promise.all([env.reads.gateway(), env.reads.client(ref.clientId)]);
    const j = jwtOf(g);
    if (!j) throw noJwt();
    const pairs = Object.entries(j.advertisedScopeMapping ?? {}).filter(([from, to]) => from !== to);
    if (!pairs.length) return k.pass(`The gateway advertises its allowedScopes as they are (no advertisedScopeMapping).`);
    const given = c.AllowedOAuthScopes ?? [];
    const shown = pairs.map(([f, t]) => `${f} → ${t}`).join(', ');
    const notGiven = pairs.filter(([, t]) => !given.includes(t));
    const aws = updateGatewayAws(g, withJwt(g, (x) => (x.advertisedScopeMapping = undefined)), env.region);
    if (notGiven.length) {
      return k.warn(
        `The gateway advertises ${notGiven.map(([, t]) => t).join(', ')}, which ${clientLabel(c)} is not given`,
        `advertisedScopeMapping ${shown}: the gateway's OAuth metadata and WWW-Authenticate header name the advertised scope, so MCP clients that follow them ask Cognito for it; ${clientLabel(c)} has [${given.join(', ')}], and Cognito answers invalid_scope.`,
        { todo: `Give the client ${notGiven.map(([, t]) => t).join(', ')}, or remove the mapping so the gateway advertises its allowedScopes. ${byHand}`, aws },
      );
    }
    const allowed = j.allowedScopes ?? [];
    const rejected = allowed.length ? pairs.filter(([, t]) => !allowed.includes(t)) : [];
    if (rejected.length && !authenticatesOnly(g)) {
      return k.warn(
        `Tokens asked for the advertised scope ${rejected.map(([, t]) => t).join(', ')} do not pass the gateway's scope rule`,
        `advertisedScopeMapping ${shown}: a client that follows the gateway's metadata asks Cognito for ${rejected.map(([, t]) => t).join(', ')} and gets a token with exactly that scope (Cognito maps no scope to another), which allowedScopes [${allowed.join(', ')}] does not accept: 401.`,
        { todo: `Add the advertised scope to allowedScopes (mcp-cognito authorize-client --allowed-scope ${q(rejected[0]![1])}), or remove the mapping. ${byHand}`, aws },
      );
    }
    return k.pass(`advertisedScopeMapping ${shown}: ${clientLabel(c)} is given the advertised scopes.`);
  }),

  defineCheck('gateway.custom-claims', 'Tokens of this pool can carry the claims the gateway requires', async (k, env) => {
    const g = await env.reads.gateway();
    const j = rulesOf(g);
    const rules = j.customClaims ?? [];
    if (!rules.length) return k.pass('The gateway requires no custom claim.');
    const pool = await env.reads.pool().catch(() => undefined);
    const trigger = pool?.LambdaConfig?.PreTokenGenerationConfig;
    const version = trigger?.LambdaVersion;
    const shown = rules.map(describeRule).join('; ');
    const added = rules.filter((r) => !COGNITO_ACCESS_CLAIMS.includes(r.inboundTokenClaimName ?? ''));
    if (!added.length) return k.pass(`${shown}: claims Cognito puts in access tokens itself (user tokens only for cognito:groups and username; check a real token with --token).`);
    const names = added.map((r) => r.inboundTokenClaimName).join(', ');
    if (version === 'V2_0' || version === 'V3_0') {
      return k.pass(`${shown}. ${names} must come from the pool's pre-token-generation trigger (${trigger?.LambdaArn ?? 'set'}, event version ${version === 'V2_0' ? '2: user tokens only, not M2M' : '3'}); check a real token with --token.`);
    }
    return k.fail(`The gateway requires ${names}, which tokens of this pool never carry`, `${shown}. Cognito adds custom claims to access tokens only through a pre-token-generation trigger of event version 2 (user tokens) or 3 (also M2M tokens); this pool has ${trigger?.LambdaArn ? `one of version ${version ?? '1'}, which changes ID tokens only` : 'none'}. Every token is rejected.`, { todo: `Add a pre-token-generation trigger (event version 2, or 3 for M2M agents) that sets ${names} in access tokens, or remove the rule from the gateway.` });
  }),

  defineCheck('gateway.policy-engine', 'OAuth alone decides which calls pass', async (k, env) => {
    const g = await env.reads.gateway();
    const p = g.policyEngineConfiguration;
    if (!p?.arn) return k.pass('The gateway has no policy engine.');
    if (p.mode !== 'ENFORCE') return k.pass(`Policy engine ${p.arn} runs in ${p.mode ?? 'an unknown mode'}: it logs what it would deny, it denies nothing.`);
    return k.pass(`Policy engine ${p.arn} enforces its policies: a tools/call that OAuth allowed can still be denied by them (they decide per tool and caller). When a call is denied with a valid token, look at those policies, or switch the engine to LOG_ONLY while testing.`);
  }),

  defineCheck('gateway.protocol-version', `The gateway speaks MCP ${COPILOT_PROTOCOL_VERSION} (Copilot Studio)`, async (k, env) => {
    const g = await env.reads.gateway();
    const mcp = g.protocolConfiguration && 'mcp' in g.protocolConfiguration ? g.protocolConfiguration.mcp : undefined;
    if (g.protocolType && g.protocolType !== 'MCP') return k.fail(`Gateway ${g.name} is not an MCP gateway`, `Its protocol is ${g.protocolType}.`, { todo: 'Use an MCP gateway.' });
    const versions = mcp?.supportedVersions ?? [];
    if (versions.includes(COPILOT_PROTOCOL_VERSION)) return k.pass(`Supported versions: ${versions.join(', ')}.`);
    const fix = `mcp-cognito authorize-client --gateway-id ${g.gatewayId} --mcp-version ${COPILOT_PROTOCOL_VERSION}`;
    const why = `Copilot Studio speaks MCP ${COPILOT_PROTOCOL_VERSION} (and a request without MCP-Protocol-Version counts as ${COPILOT_PROTOCOL_VERSION}): without it, Copilot Studio lists no tools and shows no error (seen in the field; not documented by Microsoft).`;
    if (!versions.length) return k.warn(`The gateway does not list MCP ${COPILOT_PROTOCOL_VERSION}`, `It sets no supported versions, and the service default is not documented. ${why}`, { fix });
    return k.warn(`The gateway does not speak MCP ${COPILOT_PROTOCOL_VERSION}, which Copilot Studio uses`, `Supported versions: ${versions.join(', ')}. ${why}`, { fix });
  }),

  defineCheck('gateway.url', 'MCP endpoint', async (k, env) => {
    const g = await env.reads.gateway();
    const url = mcpUrl(g);
    if (!url) return k.warn(`Gateway ${g.name} has no URL yet`, 'AWS reports no gatewayUrl; it appears once the gateway is created.');
    return k.pass(`${url} (send Authorization: Bearer <access token>).`);
  }),
];
