/**
 * URLs derived from a pool, its Region and its domain: the issuer and its discovery document live on
 * cognito-idp.<region>.amazonaws.com/<pool>; /oauth2/authorize and /oauth2/token on the pool's domain.
 */

export function issuerUrl(region: string, poolId: string): string {
  return `https://cognito-idp.${region}.amazonaws.com/${poolId}`;
}
export function discoveryUrl(region: string, poolId: string): string {
  return `${issuerUrl(region, poolId)}/.well-known/openid-configuration`;
}
export function jwksUrl(region: string, poolId: string): string {
  return `${issuerUrl(region, poolId)}/.well-known/jwks.json`;
}

/**
 * The MCP endpoint of an AgentCore gateway, from GetGateway's gatewayUrl: on AWS it already ends in
 * /mcp (https://<id>.gateway.bedrock-agentcore.<region>.amazonaws.com/mcp, devguide
 * gateway-agent-integration.html), and is returned as it is; a URL without the /mcp path (older
 * answers, emulators) gets it. The one place the MCP URL is built: init, authorize-client, doctor, the façade.
 */
export function mcpEndpointUrl(gatewayUrl: string): string {
  if (!URL.canParse(gatewayUrl)) return /\/mcp\/?$/.test(gatewayUrl) ? gatewayUrl.replace(/\/$/, '') : `${gatewayUrl.replace(/\/+$/, '')}/mcp`;
  const u = new URL(gatewayUrl);
  const path = u.pathname.replace(/\/+$/, '');
  u.pathname = /\/mcp$/.test(path) ? path : `${path}/mcp`;
  return u.href;
}

/** Base URL of the hosted UI: a prefix (`x` → https://x.auth.<region>.amazoncognito.com) or a custom domain. */
export function hostedUiBaseUrl(domain: string, region: string): string {
  return domain.includes('.') ? `https://${domain}` : `https://${domain}.auth.${region}.amazoncognito.com`;
}

export interface OAuthEndpoints {
  hostedUiBaseUrl: string;
  authorizationUrl: string;
  tokenUrl: string;
}
export function oauthEndpoints(domain: string, region: string): OAuthEndpoints {
  const base = hostedUiBaseUrl(domain, region);
  return { hostedUiBaseUrl: base, authorizationUrl: `${base}/oauth2/authorize`, tokenUrl: `${base}/oauth2/token` };
}

/** The pool and Region a Cognito discovery URL names, or undefined for another identity provider. */
export function parseCognitoDiscoveryUrl(url: string): { region: string; poolId: string } | undefined {
  const m = /^https:\/\/cognito-idp\.([a-z0-9-]+)\.amazonaws\.com(?:\.cn)?\/([\w-]+_[0-9a-zA-Z]+)\/\.well-known\/openid-configuration$/.exec(url);
  return m ? { region: m[1]!, poolId: m[2]! } : undefined;
}

export type NearMissKind = 'trailing-slash' | 'case' | 'scheme' | 'port' | 'loopback-host';

/**
 * Entries of `list` that differ from `url` only in a way Cognito's exact match does not forgive:
 * a trailing slash, letter case, http vs https, the port, or localhost vs 127.0.0.1.
 */
export function nearMisses(url: string, list: readonly string[]): { url: string; kind: NearMissKind }[] {
  const out: { url: string; kind: NearMissKind }[] = [];
  for (const candidate of list) {
    if (candidate === url) continue;
    const kind = nearMissKind(url, candidate);
    if (kind) out.push({ url: candidate, kind });
  }
  return out;
}

function nearMissKind(a: string, b: string): NearMissKind | undefined {
  const strip = (s: string) => s.replace(/\/+$/, '');
  if (strip(a) === strip(b)) return 'trailing-slash';
  if (strip(a).toLowerCase() === strip(b).toLowerCase()) return 'case';
  let ua: URL, ub: URL;
  try {
    ua = new URL(a);
    ub = new URL(b);
  } catch {
    return undefined;
  }
  const rest = (u: URL) => strip(u.pathname + u.search).toLowerCase();
  if (rest(ua) !== rest(ub)) return undefined;
  const loop = (h: string) => (h === 'localhost' || h === '127.0.0.1' || h === '[::1]' ? 'loopback' : h.toLowerCase());
  if (ua.hostname.toLowerCase() === ub.hostname.toLowerCase()) {
    if (ua.protocol !== ub.protocol) return 'scheme';
    if (ua.port !== ub.port) return 'port';
    return undefined;
  }
  if (loop(ua.hostname) === 'loopback' && loop(ub.hostname) === 'loopback' && ua.port === ub.port) return 'loopback-host';
  return undefined;
}

export function describeNearMiss(kind: NearMissKind): string {
  switch (kind) {
    case 'trailing-slash':
      return 'differs only by a trailing slash';
    case 'case':
      return 'differs only in letter case';
    case 'scheme':
      return 'differs only in http vs https';
    case 'port':
      return 'differs only in the port';
    case 'loopback-host':
      return 'uses another loopback host name (localhost vs 127.0.0.1)';
  }
}
