/**
 * The façade's configuration: what the caller gives (FacadeConfig) and what the handler derives
 * from it once (Resolved). Validated when the handler is created, so a bad value fails at start-up
 * with one sentence, never mid-flow.
 */
import { issuerUrl, jwksUrl } from '../lib/urls.js';

import { mcpEndpointUrl } from '../lib/urls.js';
import { httpsConnector, proxyFor, systemResolver, type DocumentConnect, type Resolver } from './egress.js';
import { RefreshSeal } from './refresh.js';

export type KeyMaterial = string | Uint8Array;

/** One line per request for the caller's log. Never holds a secret, token, code or state. */
export interface FacadeLogEntry {
  method: string;
  /** The route's path, without the query string (it carries codes and state). */
  path: string;
  status: number;
  ms: number;
  /** Why a request was refused, in plain words (no value from the request). */
  reason?: string;
}

export interface FacadeConfig {
  /** The façade's own origin as clients reach it: https://…, or http://127.0.0.1:PORT / http://localhost:PORT. */
  publicUrl: string;
  cognito: {
    region: string;
    userPoolId: string;
    /** The hosted UI's base URL: https://<prefix>.auth.<region>.amazoncognito.com or a custom domain. */
    domainUrl: string;
    /** The pre-provisioned app client every caller is given. */
    clientId: string;
    /** Its secret, when it has one; only ever sent to Cognito's token and revocation endpoints. */
    clientSecret?: string;
    /**
     * Reads the secret again (the deployed façade: its SSM parameter). Called once when Cognito
     * refuses the secret in hand (invalid_client): `rotate-secret` stores the new secret there
     * before the old one is deleted, and a warm function would otherwise keep the deleted one.
     */
    refreshClientSecret?: () => Promise<string | undefined>;
  };
  /** The AgentCore Gateway's MCP URL (https://<id>.gateway.bedrock-agentcore.<region>.amazonaws.com/mcp); GetGateway's gatewayUrl as it is. */
  gatewayUrl: string;
  /** Exact https redirect URIs accepted besides loopback (claude.ai's callback, Copilot Studio's consent redirect, …). */
  allowedRedirectUris?: readonly string[];
  /** Accept Copilot Studio's consent redirects (https://global.consent.azure-apim.net/redirect/<tool id>): its "Dynamic discovery" OAuth. */
  copilotStudio?: boolean;
  /** HMAC-SHA256 key for the state and code envelopes: at least 32 bytes. */
  signingKey: KeyMaterial;
  /** Keys still accepted when verifying (rotation), never used to sign. */
  previousSigningKeys?: readonly KeyMaterial[];
  /** OAuth scopes advertised and requested (the app client's allowed scopes); none: Cognito grants the client's. */
  scopes?: readonly string[];
  /** How long a flow may take from /authorize to /callback (default 600 s). */
  stateTtlSeconds?: number;
  /** Client ID Metadata Documents: advertised and accepted unless false (clients then register at /register). */
  clientMetadata?: boolean;
  /**
   * Client ID Metadata Document fetches: bounds (defaults 5 s, 5 KiB); the resolver (default the
   * system's; tests inject one, never doing real DNS); the connection (default node:https pinned to
   * the checked address); the environment HTTPS_PROXY and NO_PROXY are read from (default process.env).
   */
  cimd?: { timeoutMs?: number; maxBytes?: number; resolve?: Resolver; connect?: DocumentConnect; env?: Record<string, string | undefined> };
  /** Refuse requests whose Host is not the façade URL's (default true; a request without Host is let through). */
  checkHost?: boolean;
  /** Browser origins /mcp accepts besides loopback ones, the façade's own and its allowed redirect URIs' origins. */
  allowedOrigins?: readonly string[];
  /** Injected for tests and loopback rewriting; default the global fetch. */
  fetch?: typeof fetch;
  /** Milliseconds since the epoch; default Date.now. */
  now?: () => number;
  log?: (entry: FacadeLogEntry) => void;
}

export interface Resolved {
  publicUrl: string;
  issuer: string;
  resource: string;
  resourceMetadataUrl: string;
  callbackUrl: string;
  secureCookies: boolean;
  cognito: {
    clientId: string;
    /** Replaced when refreshClientSecret finds a newer secret (token.ts). */
    clientSecret?: string;
    refreshClientSecret?: () => Promise<string | undefined>;
    authorizeUrl: string;
    tokenUrl: string;
    revokeUrl: string;
    userInfoUrl: string;
    issuer: string;
    jwksUrl: string;
  };
  gatewayUrl: string;
  allowedRedirectUris: ReadonlySet<string>;
  copilotStudio: boolean;
  signingKeys: readonly Uint8Array[];
  scopes: readonly string[];
  stateTtlMs: number;
  codeTtlMs: number;
  skewMs: number;
  cimdTimeoutMs: number;
  cimdMaxBytes: number;
  clientMetadata: boolean;
  cimdResolve: Resolver;
  cimdConnect: DocumentConnect;
  cimdProxy: (url: URL) => URL | undefined;
  /** host[:port] of the façade URL, as a Host header carries it; undefined: not checked. */
  expectedHost?: string;
  /** Browser origins /mcp accepts (loopback origins are accepted besides these). */
  allowedOrigins: ReadonlySet<string>;
  refreshSeal: RefreshSeal;
  fetch: typeof fetch;
  now: () => number;
  log: (entry: FacadeLogEntry) => void;
}

export class FacadeConfigError extends Error {
  override name = 'FacadeConfigError';
}

const LOOPBACK_HOSTS = new Set(['127.0.0.1', 'localhost', '[::1]']);
// eslint-disable-next-line no-control-regex
const CONTROL = /[\u0000-\u001f\u007f]/;

function parseUrl(value: string, what: string): URL {
  if (typeof value !== 'string' || CONTROL.test(value) || !URL.canParse(value)) {
    throw new FacadeConfigError(`${what} is not a URL.`);
  }
  return new URL(value);
}

function keyBytes(key: KeyMaterial, what: string): Uint8Array {
  const bytes = typeof key === 'string' ? new TextEncoder().encode(key) : key;
  if (!(bytes instanceof Uint8Array) || bytes.byteLength < 32) {
    throw new FacadeConfigError(`${what} must be at least 32 bytes long.`);
  }
  return bytes;
}

export function resolveConfig(config: FacadeConfig): Resolved {
  const pub = parseUrl(config.publicUrl, 'The façade URL');
  const loopback = pub.protocol === 'http:' && LOOPBACK_HOSTS.has(pub.hostname);
  if (pub.protocol !== 'https:' && !loopback) {
    throw new FacadeConfigError('The façade URL must be https, or http on 127.0.0.1, localhost or [::1].');
  }
  if ((pub.pathname !== '/' && pub.pathname !== '') || pub.search || pub.hash || pub.username || pub.password) {
    throw new FacadeConfigError('The façade URL must be an origin only (no path, query, fragment or user).');
  }
  const publicUrl = pub.origin;

  const { region, userPoolId, clientId } = config.cognito;
  if (!/^[a-z]{2}(-[a-z]+)+-\d$/.test(region)) throw new FacadeConfigError(`The Region "${region}" is not a Region name.`);
  if (!/^[\w-]+_[0-9a-zA-Z]+$/.test(userPoolId)) throw new FacadeConfigError('The user pool id is not a user pool id.');
  if (!/^[\w+]+$/.test(clientId)) throw new FacadeConfigError('The app client id is not an app client id.');
  const domain = parseUrl(config.cognito.domainUrl, 'The hosted UI URL');
  if (domain.protocol !== 'https:' && !(domain.protocol === 'http:' && LOOPBACK_HOSTS.has(domain.hostname))) {
    throw new FacadeConfigError('The hosted UI URL must be https.');
  }
  const domainBase = domain.origin;
  const gateway = parseUrl(config.gatewayUrl, 'The gateway URL');
  if (gateway.protocol !== 'https:' && !(gateway.protocol === 'http:' && LOOPBACK_HOSTS.has(gateway.hostname))) {
    throw new FacadeConfigError('The gateway URL must be https.');
  }

  const allowed = new Set<string>();
  for (const uri of config.allowedRedirectUris ?? []) {
    const u = parseUrl(uri, `The allowed redirect URI "${String(uri).slice(0, 200)}"`);
    if (u.protocol !== 'https:' || u.hash || u.username || u.password) {
      throw new FacadeConfigError(`The allowed redirect URI ${u.origin}${u.pathname} must be https, without fragment or user.`);
    }
    allowed.add(u.href);
  }

  const signingKeys = [keyBytes(config.signingKey, 'The signing key')];
  for (const k of config.previousSigningKeys ?? []) signingKeys.push(keyBytes(k, 'A previous signing key'));

  const scopes = [...(config.scopes ?? [])];
  for (const s of scopes) {
    if (!/^[\x21\x23-\x5b\x5d-\x7e]+$/.test(s)) throw new FacadeConfigError(`The scope "${s.slice(0, 100)}" is not a valid OAuth scope.`);
  }

  const origins = new Set<string>([publicUrl]);
  for (const uri of allowed) origins.add(new URL(uri).origin);
  for (const o of config.allowedOrigins ?? []) {
    const u = parseUrl(o, `The allowed origin "${String(o).slice(0, 200)}"`);
    if (u.protocol !== 'https:' && u.protocol !== 'http:') throw new FacadeConfigError(`The allowed origin ${u.origin} must be http or https.`);
    origins.add(u.origin);
  }
  const cimdEnv = config.cimd?.env ?? process.env;
  try {
    proxyFor(new URL('https://client.example/'), cimdEnv);
  } catch (e) {
    throw new FacadeConfigError((e as Error).message);
  }

  const issuer = issuerUrl(region, userPoolId);
  const ttl = config.stateTtlSeconds ?? 600;
  if (!Number.isFinite(ttl) || ttl < 60 || ttl > 3600) throw new FacadeConfigError('The state lifetime must be between 60 and 3600 seconds.');

  return {
    publicUrl,
    // RFC 8414 §3.3: the issuer is the identifier the well-known URL was built from, here the façade's origin.
    issuer: publicUrl,
    resource: `${publicUrl}/mcp`,
    resourceMetadataUrl: `${publicUrl}/.well-known/oauth-protected-resource/mcp`,
    callbackUrl: `${publicUrl}/callback`,
    secureCookies: pub.protocol === 'https:',
    cognito: {
      clientId,
      clientSecret: config.cognito.clientSecret || undefined,
      ...(config.cognito.refreshClientSecret ? { refreshClientSecret: config.cognito.refreshClientSecret } : {}),
      authorizeUrl: `${domainBase}/oauth2/authorize`,
      tokenUrl: `${domainBase}/oauth2/token`,
      revokeUrl: `${domainBase}/oauth2/revoke`,
      userInfoUrl: `${domainBase}/oauth2/userInfo`,
      issuer,
      jwksUrl: jwksUrl(region, userPoolId),
    },
    // The one MCP URL rule (already ends in /mcp on AWS; added otherwise), shared with init, authorize-client and doctor.
    gatewayUrl: mcpEndpointUrl(gateway.href),
    allowedRedirectUris: allowed,
    copilotStudio: config.copilotStudio === true,
    signingKeys,
    scopes,
    stateTtlMs: ttl * 1000,
    // Cognito's authorization codes live 5 minutes.
    codeTtlMs: 300_000,
    skewMs: 60_000,
    cimdTimeoutMs: config.cimd?.timeoutMs ?? 5000,
    cimdMaxBytes: config.cimd?.maxBytes ?? 5120,
    clientMetadata: config.clientMetadata !== false,
    cimdResolve: config.cimd?.resolve ?? systemResolver,
    cimdConnect: config.cimd?.connect ?? httpsConnector(),
    cimdProxy: (url) => proxyFor(url, cimdEnv),
    ...(config.checkHost === false ? {} : { expectedHost: pub.host }),
    allowedOrigins: origins,
    refreshSeal: new RefreshSeal(signingKeys),
    fetch: config.fetch ?? ((input, init) => globalThis.fetch(input, init)),
    now: config.now ?? Date.now,
    log: config.log ?? (() => {}),
  };
}
