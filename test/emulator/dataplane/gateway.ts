/**
 * The AgentCore gateway's data plane, <gatewayId>.gateway.bedrock-agentcore.<region>.amazonaws.com:
 * its protected-resource metadata and the MCP endpoint `/mcp` behind the CUSTOM_JWT authorizer.
 */
import type { IncomingMessage, ServerResponse } from 'node:http';
import { randomUUID } from 'node:crypto';
import { GetGatewayCommand, type GetGatewayCommandOutput } from '@aws-sdk/client-bedrock-agentcore-control';
import type { DataPlaneOptions } from '../types.js';
import { empty, readBody, sendJson } from './http.js';
import { decodeJwt, verifySignature } from './jwt.js';
import { isModern, isModernRequest, serveModern, type Rpc } from './mcp-2026.js';

/** What the gateway learns from its discoveryUrl: the issuer and the JWKS (undefined when it cannot be fetched). */
export type Discover = (discoveryUrl: string) => Promise<{ issuer: string; jwks: { keys: Record<string, unknown>[] } } | undefined>;

interface Ctx {
  opts: DataPlaneOptions;
  discover: Discover;
  /** Mcp-Session-Id → negotiated protocol version. */
  sessions: Map<string, string>;
}

/** Default tools: AgentCore names a target's tools `<target>___<tool>` (agentcore-samples outputs such as "echo-tool___echo"). */
const DEFAULT_TOOLS = [
  { name: 'echo-target___echo', description: 'Echo the arguments back' },
  { name: 'echo-target___ping', description: 'Answer pong' },
];

/** MCP versions when protocolConfiguration has none (the service default is UNCONFIRMED; aws-semantics.md §6.6). */
const DEFAULT_VERSIONS = ['2025-03-26', '2025-06-18'];

async function getGateway(opts: DataPlaneOptions, id: string): Promise<GetGatewayCommandOutput | undefined> {
  try {
    return await (opts.aws ?? opts.moto).agentcore.send(new GetGatewayCommand({ gatewayIdentifier: id }));
  } catch (e) {
    if ((e as Error).name === 'ResourceNotFoundException' || (e as Error).name === 'ValidationException') return undefined;
    throw e;
  }
}

export async function handleGateway(ctx: Ctx, req: IncomingMessage, res: ServerResponse, host: string, gatewayId: string, path: string): Promise<boolean> {
  // Routes: the root protected-resource metadata and /mcp. The path-aware form
  // (/.well-known/oauth-protected-resource/mcp) is not documented for gateways (only for registries), so it is not
  // served; an unknown path answers UnknownOperationException [G8] (awslabs/agentcore-samples#1056).
  if (path !== '/.well-known/oauth-protected-resource' && path !== '/mcp') return false;
  const gw = await getGateway(ctx.opts, gatewayId);
  if (!gw) return sendJson(res, 404, { message: `Gateway ${gatewayId} not found` }), true;
  const jwt = gw.authorizerConfiguration && 'customJWTAuthorizer' in gw.authorizerConfiguration ? gw.authorizerConfiguration.customJWTAuthorizer : undefined;
  const origin = `https://${host}`;
  const prm = `${origin}/.well-known/oauth-protected-resource`;
  // Advertised scopes: allowedScopes mapped through advertisedScopeMapping (SDK CustomJWTAuthorizerConfiguration doc:
  // "The advertised scope appears in OAuth protected resource metadata and WWW-Authenticate response headers").
  const advertised = (jwt?.allowedScopes ?? []).map((s) => jwt?.advertisedScopeMapping?.[s] ?? s);

  if (path === '/.well-known/oauth-protected-resource') {
    if (req.method !== 'GET' && req.method !== 'HEAD') return sendJson(res, 405, { message: 'Method not allowed' }), true;
    if (gw.authorizerType !== 'CUSTOM_JWT' || !jwt) return sendJson(res, 404, { message: 'Not found' }), true;
    // RFC 9728 document as AgentCore generates it: resource = <gateway URL>/mcp, authorization_servers = the issuer
    // of discoveryUrl, scopes_supported = the advertised allowedScopes (agentcore-samples
    // 01-features/07-centralize-and-govern-your-ai-infrastructure/01-gateway/02-set-up-inbound-authorization/mcp/okta/okta-gateway-inbound-auth.md
    // and the Entra guide beside it, "Check the PRM"; "scopes_supported empty in PRM" when allowedScopes is not set).
    sendJson(res, 200, {
      authorization_servers: [jwt.discoveryUrl!.replace(/\/\.well-known\/openid-configuration$/, '')],
      resource: `${origin}/mcp`,
      scopes_supported: advertised,
    });
    return true;
  }

  // /mcp
  const body = req.method === 'POST' ? await readBody(req) : '';
  let msg: unknown;
  try {
    msg = body ? JSON.parse(body) : undefined;
  } catch {
    msg = undefined;
  }
  const challenge = (error: string) =>
    `Bearer error="${error}"${advertised.length ? `, scope="${advertised.join(' ')}"` : ''}, resource_metadata="${prm}"`;
  // 401 as observed: JSON-RPC body with code -32001 and WWW-Authenticate carrying error, scope and resource_metadata
  // (error-catalogue.md §3; agentcore-samples Okta/Entra guides "Check the 401 WWW-Authenticate header";
  // repost.aws QU5w0z-OjURsa4NfR8jS4NYw "Invalid Bearer token"). A request without a token is logged by the gateway
  // as "Missing Bearer token" (gateway log quoted in microsoft/vscode#308766).
  const unauthorized = (message: string) => sendJson(res, 401, { jsonrpc: '2.0', id: 0, error: { code: -32001, message } }, { 'www-authenticate': challenge('invalid_token') });
  // 403 insufficient_scope: the token's scope does not meet allowedScopes, or its iss is not the issuer of
  // discoveryUrl although the scope matches (agentcore-samples Okta and Entra troubleshooting tables:
  // "insufficient_scope (HTTP 403) though token scp matches allowedScopes" → wrong discoveryUrl/issuer; Entra guide:
  // an advertised scope that is not in allowedScopes is rejected "with insufficient_scope"). Body UNCONFIRMED.
  const forbidden = () => sendJson(res, 403, { jsonrpc: '2.0', id: 0, error: { code: -32001, message: 'Insufficient scope' } }, { 'www-authenticate': challenge('insufficient_scope') });

  if (gw.authorizerType === 'CUSTOM_JWT') {
    if (!jwt?.discoveryUrl) return unauthorized('Invalid Bearer token'), true;
    const h = req.headers.authorization ?? '';
    if (!/^bearer\s+\S/i.test(h)) return unauthorized('Missing Bearer token'), true;
    const token = decodeJwt(h.replace(/^bearer\s+/i, '').trim());
    if (!token) return unauthorized('Invalid Bearer token'), true;
    const disc = await ctx.discover(jwt.discoveryUrl);
    // A discovery URL the gateway cannot read validates nothing (status UNCONFIRMED; 401 as any invalid token).
    if (!disc) return unauthorized('Invalid Bearer token'), true;
    const c = token.claims;
    if (c.iss !== disc.issuer) return forbidden(), true;
    if (!verifySignature(token, disc.jwks)) return unauthorized('Invalid Bearer token'), true;
    const now = Date.now() / 1000;
    if (typeof c.exp !== 'number' || c.exp < now || (typeof c.nbf === 'number' && c.nbf > now + 60)) return unauthorized('Invalid Bearer token'), true;
    // Claim rules (docs.aws.amazon.com/bedrock-agentcore/latest/devguide/inbound-jwt-authorizer.html): allowedClients
    // against client_id, allowedAudience against aud; each rule applies only when set ("allowedClients … Default: No
    // client ID validation", CDK docs). A failing client_id is 401 "Invalid Bearer token" [G1]; aud likewise [G2].
    if (jwt.allowedClients?.length && !jwt.allowedClients.includes(String(c.client_id ?? ''))) return unauthorized('Invalid Bearer token'), true;
    const aud = Array.isArray(c.aud) ? c.aud.map(String) : c.aud === undefined ? [] : [String(c.aud)];
    if (jwt.allowedAudience?.length && !aud.some((a) => jwt.allowedAudience!.includes(a))) return unauthorized('Invalid Bearer token'), true;
    // allowedScopes: at least one must be in the token's scope (space-separated `scope`, or `scp`) [G3].
    const scopes = typeof c.scope === 'string' ? c.scope.split(/\s+/) : Array.isArray(c.scp) ? c.scp.map(String) : typeof c.scp === 'string' ? c.scp.split(/\s+/) : [];
    if (jwt.allowedScopes?.length && !scopes.some((s) => jwt.allowedScopes!.includes(s))) return forbidden(), true;
    // customClaims: every rule must hold (EQUALS on a STRING claim; CONTAINS / CONTAINS_ANY on a STRING_ARRAY claim;
    // SDK CustomClaimValidationType and ClaimMatchOperatorType). The status of a failure is UNCONFIRMED (401 here).
    for (const rule of jwt.customClaims ?? []) {
      if (!claimMatches(c[rule.inboundTokenClaimName ?? ''], rule)) return unauthorized('Invalid Bearer token'), true;
    }
  } else if (gw.authorizerType === 'AWS_IAM') {
    // A SigV4 gateway called without SigV4 [G7].
    return sendJson(res, 403, { jsonrpc: '2.0', id: 0, error: { code: -32001, message: 'Missing Authentication Token' } }), true;
  }

  return mcp(ctx, gw, req, res, msg).then(() => true);
}

type Rule = NonNullable<NonNullable<Extract<GetGatewayCommandOutput['authorizerConfiguration'], { customJWTAuthorizer: unknown }>['customJWTAuthorizer']>['customClaims']>[number];

function claimMatches(value: unknown, rule: Rule): boolean {
  const m = rule.authorizingClaimMatchValue;
  const want = m?.claimMatchValue && 'matchValueString' in m.claimMatchValue && m.claimMatchValue.matchValueString !== undefined ? [m.claimMatchValue.matchValueString] : m?.claimMatchValue && 'matchValueStringList' in m.claimMatchValue ? (m.claimMatchValue.matchValueStringList ?? []) : [];
  if (rule.inboundTokenClaimValueType === 'STRING_ARRAY') {
    const have = Array.isArray(value) ? value.map(String) : typeof value === 'string' ? [value] : [];
    if (m?.claimMatchOperator === 'CONTAINS') return want.every((w) => have.includes(w));
    if (m?.claimMatchOperator === 'CONTAINS_ANY') return want.some((w) => have.includes(w));
    return false;
  }
  return typeof value === 'string' && m?.claimMatchOperator === 'EQUALS' && want.includes(value);
}

/**
 * MCP Streamable HTTP (modelcontextprotocol.io/specification/2025-06-18/basic/transports): JSON responses to POSTed
 * requests, 202 to notifications, 405 to GET (no server-initiated stream), Mcp-Session-Id issued at initialize.
 */
async function mcp(ctx: Ctx, gw: GetGatewayCommandOutput, req: IncomingMessage, res: ServerResponse, msg: unknown): Promise<void> {
  if (req.method === 'GET') return empty(res, 405, { allow: 'POST, DELETE' });
  if (req.method === 'DELETE') {
    const sid = String(req.headers['mcp-session-id'] ?? '');
    return empty(res, ctx.sessions.delete(sid) ? 200 : 404);
  }
  if (req.method !== 'POST') return empty(res, 405, { allow: 'POST, DELETE' });
  const rpc = msg as { jsonrpc?: string; id?: string | number | null; method?: string; params?: Record<string, unknown> } | undefined;
  if (!rpc || typeof rpc !== 'object' || Array.isArray(rpc) || rpc.jsonrpc !== '2.0' || typeof rpc.method !== 'string') {
    return sendJson(res, 400, { jsonrpc: '2.0', id: null, error: { code: -32600, message: 'Invalid Request' } });
  }
  const mcpConf = gw.protocolConfiguration && 'mcp' in gw.protocolConfiguration ? gw.protocolConfiguration.mcp : undefined;
  const versions = mcpConf?.supportedVersions?.length ? mcpConf.supportedVersions : DEFAULT_VERSIONS;
  const reply = (result: unknown, headers: Record<string, string> = {}) => sendJson(res, 200, { jsonrpc: '2.0', id: rpc.id, result }, headers);
  const error = (code: number, message: string, status = 200, data?: unknown) => sendJson(res, status, { jsonrpc: '2.0', id: rpc.id ?? null, error: { code, message, ...(data ? { data } : {}) } });
  const tools = (ctx.opts.tools ?? DEFAULT_TOOLS).map((t) => ({ name: t.name, ...(t.description ? { description: t.description } : {}), inputSchema: { type: 'object', properties: {}, additionalProperties: true } }));
  // MCP 2026-07-28 (stateless: no initialize, no session; mcp-2026.ts has the rules and their evidence).
  if (isModernRequest(rpc as Rpc, req)) return serveModern({ name: gw.name ?? 'gateway', versions, instructions: mcpConf?.instructions, tools }, req, res, rpc as Rpc);
  // The 2025-era revisions (initialize handshake) are the ones below 2026-07-28 [mcp-2026.ts M2].
  const legacy = versions.filter((v) => !isModern(v));
  // A gateway that lists only 2026-07-28 answers a 2025-era request as the spec says a server answers an unsupported
  // version: 400 -32022 naming what it supports [mcp-2026.ts M3].
  if (!legacy.length) return error(-32022, 'Unsupported protocol version', 400, { supported: versions, requested: String(rpc.params?.protocolVersion ?? req.headers['mcp-protocol-version'] ?? '2025-03-26') });

  if (rpc.method === 'initialize') {
    // Version negotiation: the requested version when the gateway's supportedVersions has it, otherwise the newest it
    // supports (the client then decides; MCP lifecycle spec). Observed on AgentCore: VS Code initialised with
    // 2025-11-25 and was answered 2025-03-26 (microsoft/vscode#308766); AWS's MCP endpoints downgrade likewise
    // (aws/agent-toolkit-for-aws#265 probe B). Only 2025-era versions: 2026-07-28 has no initialize [mcp-2026.ts M1].
    const asked = String(rpc.params?.protocolVersion ?? '');
    const version = legacy.includes(asked) ? asked : [...legacy].sort().at(-1)!;
    const sid = randomUUID();
    ctx.sessions.set(sid, version);
    return reply({ protocolVersion: version, capabilities: { tools: { listChanged: false } }, serverInfo: { name: gw.name ?? 'gateway', version: '1.0.0' }, ...(mcpConf?.instructions ? { instructions: mcpConf.instructions } : {}) }, { 'mcp-session-id': sid });
  }
  // After initialize: MCP-Protocol-Version must be one the gateway supports (absent = 2025-03-26 per the transport spec);
  // otherwise HTTP 400 -32600 "Unsupported protocol version" with the supported list (aws/agent-toolkit-for-aws#265
  // probe D, an AWS MCP endpoint; catalogue C6).
  const header = String(req.headers['mcp-protocol-version'] ?? '2025-03-26');
  if (!legacy.includes(header)) return error(-32600, 'Unsupported protocol version', 400, { supported: versions, requested: header });
  const sid = req.headers['mcp-session-id'];
  if (typeof sid === 'string' && !ctx.sessions.has(sid)) return error(-32600, 'Session not found', 404);
  if (rpc.id === undefined || rpc.id === null) return empty(res, 202);
  switch (rpc.method) {
    case 'ping':
      return reply({});
    case 'tools/list':
      return reply({ tools });
    case 'tools/call': {
      const name = String(rpc.params?.name ?? '');
      if (!tools.some((t) => t.name === name)) return error(-32602, `Unknown tool: ${name}`);
      return reply({ content: [{ type: 'text', text: JSON.stringify(rpc.params?.arguments ?? {}) }], isError: false });
    }
    default:
      return error(-32601, 'Method not found');
  }
}
