/**
 * OAuth Client ID Metadata Documents (draft-ietf-oauth-client-id-metadata-document; MCP 2025-11-25
 * "Client Registration"): a client_id that is an https URL names a JSON document the client hosts.
 * The façade fetches it at /authorize (https only, no redirects followed, bounded in time and size,
 * the host normalised, resolved and every address checked before connecting to the checked one:
 * egress.ts), checks that it names itself, is a public client and lists the requested redirect_uri.
 */
import { blockedAddress, normalHost, type HostAddress, type Via } from './egress.js';
import { OAuthFailure, readBounded } from './http.js';
import { redirectListed } from './redirects.js';
import type { Resolved } from './config.js';

export interface ClientDocument {
  clientId: string;
  clientName?: string;
  redirectUris: readonly string[];
}

/** True when a client_id is meant as a metadata document URL (the façade's own client ids never contain ':'). */
export function isUrlClientId(clientId: string): boolean {
  return clientId.startsWith('https://') || clientId.startsWith('http://');
}

/** What kind of failure (for the page the person sees): the document is wrong, or the façade could not reach it. */
export type DocumentFailure = 'invalid' | 'address' | 'unreachable' | 'timeout';

export class DocumentRefusal extends OAuthFailure {
  constructor(description: string, readonly kind: DocumentFailure) {
    super(400, 'invalid_client', description);
  }
}

function refuse(description: string, kind: DocumentFailure = 'invalid'): DocumentRefusal {
  return new DocumentRefusal(description, kind);
}

const IPV4 = /^\d{1,3}(\.\d{1,3}){3}$/;

/** The URL to fetch, or a refusal: https, a path, no fragment, user info, dot segment or local host. */
export function documentUrl(clientId: string): URL {
  if (clientId.length > 2048 || !URL.canParse(clientId)) throw refuse('The client_id is not a valid URL.');
  const u = new URL(clientId);
  if (u.protocol !== 'https:') throw refuse('A URL client_id must use https.');
  if (u.pathname === '/' || clientId.includes('#') || u.username || u.password) {
    throw refuse('A URL client_id must have a path and no fragment or user info.');
  }
  if (/\/\.\.?(\/|$|\?)/.test(clientId.replace(/^https:\/\/[^/]*/, ''))) throw refuse('A URL client_id must not contain dot segments.');
  // A fully qualified name's trailing dot names the same host (localhost. is localhost): removed before any check.
  const host = normalHost(u.hostname);
  // Server-side request forgery: never fetch an address literal or a name that can only be local.
  if (IPV4.test(host) || host.startsWith('[') || host === 'localhost' || host.endsWith('.localhost') || host.endsWith('.local') || host.endsWith('.internal') || host.endsWith('.home.arpa') || !host.includes('.')) {
    throw refuse('A URL client_id must name a public host.');
  }
  u.hostname = host;
  return u;
}

function withTimeout<T>(p: Promise<T>, signal: AbortSignal): Promise<T> {
  return new Promise((resolve, reject) => {
    const onAbort = () => reject(signal.reason);
    if (signal.aborted) return onAbort();
    signal.addEventListener('abort', onAbort, { once: true });
    p.then(resolve, reject).finally(() => signal.removeEventListener('abort', onAbort));
  });
}

/** How to reach the document: through the proxy, or to an address checked here (every one the name resolves to). */
async function route(r: Resolved, url: URL, signal: AbortSignal): Promise<Via> {
  const proxy = r.cimdProxy(url);
  if (proxy) return { proxy };
  let addresses: HostAddress[];
  try {
    addresses = await withTimeout(r.cimdResolve(url.hostname), signal);
  } catch {
    if (signal.aborted) throw refuse(`The client metadata document's host did not resolve within ${r.cimdTimeoutMs} ms.`, 'timeout');
    throw refuse(`The client metadata document's host ${url.hostname} could not be resolved.`, 'unreachable');
  }
  if (!addresses.length) throw refuse(`The client metadata document's host ${url.hostname} could not be resolved.`, 'unreachable');
  for (const a of addresses) {
    const why = blockedAddress(a.address);
    if (why) throw refuse(`The client metadata document's host resolves to a ${why} address; it must be a public host.`, 'address');
  }
  return { address: addresses[0]! };
}


export async function fetchClientDocument(r: Resolved, clientId: string): Promise<ClientDocument> {
  const url = documentUrl(clientId);
  const signal = AbortSignal.timeout(r.cimdTimeoutMs);
  let text: string;
  try {
    const via = await route(r, url, signal);
    const res = await r.cimdConnect(url, via, { signal, headers: { accept: 'application/json' } });
    if (res.status !== 200) {
      await res.body?.cancel();
      throw refuse(`The client metadata document could not be fetched (HTTP ${res.status}; redirects are not followed).`);
    }
    const type = (res.headers.get('content-type') ?? '').split(';')[0]!.trim().toLowerCase();
    if (type !== 'application/json' && !/^application\/[\w.+-]+\+json$/.test(type)) {
      await res.body?.cancel();
      throw refuse('The client metadata document is not served as application/json.');
    }
    text = await readBounded(res, r.cimdMaxBytes, () => refuse(`The client metadata document is larger than ${r.cimdMaxBytes} bytes.`));
  } catch (e) {
    if (e instanceof OAuthFailure) throw e;
    throw signal.aborted
      ? refuse(`The client metadata document did not arrive within ${r.cimdTimeoutMs} ms.`, 'timeout')
      : refuse('The client metadata document could not be fetched (no connection).', 'unreachable');
  }
  let doc: unknown;
  try {
    doc = JSON.parse(text);
  } catch {
    throw refuse('The client metadata document is not valid JSON.');
  }
  return checkClientDocument(clientId, doc);
}

export function checkClientDocument(clientId: string, doc: unknown): ClientDocument {
  if (typeof doc !== 'object' || doc === null || Array.isArray(doc)) throw refuse('The client metadata document is not a JSON object.');
  const d = doc as Record<string, unknown>;
  // Simple string comparison, no normalisation (the draft's §4.1 / RFC 3986 §6.2.1).
  if (d.client_id !== clientId) throw refuse('The client metadata document names a different client_id.');
  if (!Array.isArray(d.redirect_uris) || d.redirect_uris.length === 0 || !d.redirect_uris.every((u) => typeof u === 'string')) {
    throw refuse('The client metadata document lists no redirect_uris.');
  }
  if ('client_secret' in d || 'client_secret_expires_at' in d) {
    throw refuse('A client metadata document must not carry a client secret.');
  }
  const method = d.token_endpoint_auth_method ?? 'none';
  if (method !== 'none') throw refuse('This authorization server accepts metadata-document clients with token_endpoint_auth_method "none" only.');
  if (d.grant_types !== undefined && !(Array.isArray(d.grant_types) && d.grant_types.includes('authorization_code'))) {
    throw refuse('The client metadata document does not allow the authorization_code grant.');
  }
  if (d.response_types !== undefined && !(Array.isArray(d.response_types) && d.response_types.includes('code'))) {
    throw refuse('The client metadata document does not allow response type "code".');
  }
  return {
    clientId,
    clientName: typeof d.client_name === 'string' ? d.client_name : undefined,
    redirectUris: d.redirect_uris as string[],
  };
}

export function requireListed(docu: ClientDocument, redirectUri: string): void {
  if (!redirectListed(redirectUri, docu.redirectUris)) {
    throw new OAuthFailure(400, 'invalid_request', "redirect_uri is not among the client metadata document's redirect_uris.");
  }
}
