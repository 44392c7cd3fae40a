/**
 * `status`: the state file's world as AWS sees it now. Every resource the state records is read
 * once, concurrently (the pool's domain after the pool; each client's secrets after the client);
 * what the state records but AWS no longer has is flagged. Nothing here prints or writes, and no
 * secret leaves this file: a client's secret is reduced to "has one" and the secrets' IDs and dates.
 */
import { CliError } from '../lib/errors.js';
import type { State } from '../lib/state.js';
import { parseCognitoDiscoveryUrl } from '../lib/urls.js';
import { isAdopted, isCreated, type Origin, type OwnedKind } from '../lib/ownership.js';
import { isFacadePreset, type Preset } from '../domain/presets.js';
import { facadeCallbacksOn, facadeClientIds, ownFacadeClient } from '../steps/facade/owned.js';
import { authenticateOnlySentence, authenticatesOnly, offloadedTo } from '../domain/gateway-authorizer.js';
import type { CognitoApi, UserPoolClientType } from '../aws/cognito.js';
import type { AgentCoreApi, GetGatewayResponse } from '../aws/agentcore.js';
import { ageInDays, secretInfo, sortSecrets, type SecretInfo } from '../steps/client/rotate-secret.js';

export interface StatusFlag {
  /** `pool`, `domain`, `resourceServer`, `client <id>`, `gateway`, `facade`. */
  resource: string;
  /** `missing`: recorded in the state file, gone from AWS (exit 1); `warning`: there, but worth a look. */
  severity: 'missing' | 'warning';
  message: string;
}

export interface ClientStatus {
  clientId: string;
  /** Whether this tool created it or adopted it (absent: a state file from before the records). */
  origin?: Origin;
  name: string;
  preset: Preset;
  found: boolean;
  /** As AWS has it (the state's name may be older). */
  awsName?: string;
  oauthFlows?: string[];
  scopes?: string[];
  callbackUrls?: string[];
  logoutUrls?: string[];
  defaultRedirectUri?: string;
  /** undefined: a public client (no secret). */
  secrets?: { count: number; list: SecretInfo[]; oldestAgeDays?: number; newestAgeDays?: number };
  /** Whether the gateway lets its tokens in (undefined: no gateway recorded or readable). */
  onGateway?: boolean;
}

export interface FacadeReport {
  clientId?: string;
  clientName?: string;
  /** The client is the façade's own (the façade preset); false: it borrows another kind of caller's client. */
  ownClient: boolean;
  deployed: boolean;
  functionName?: string;
  url?: string;
  mcpUrl?: string;
  /** The callbacks the façade registered (deploy's and serve's), as the state file records them. */
  callbacks: string[];
}

export interface StatusReport {
  stateFile: string;
  region: string;
  pool?: { id: string; found: boolean; origin?: Origin; name?: string; mfa?: string };
  domain?: { domain: string; recorded?: string; origin?: Origin; custom: boolean; found: boolean; status?: string; managedLoginVersion?: number; cloudFrontDomain?: string };
  resourceServer?: { identifier: string; found: boolean; origin?: Origin; name?: string; scopes?: string[]; recordedScopes: string[] };
  clients: ClientStatus[];
  gateway?: {
    gatewayId: string;
    found: boolean;
    name?: string;
    status?: string;
    url?: string;
    mcpVersions?: string[];
    /** undefined with found: the gateway lets every client of its pool in (no allow-list). */
    allowedClients?: string[];
    /** On the gateway's allow-list but not in the state file: with their names when the pool has them. */
    unknownClients?: { clientId: string; name?: string; inPool: boolean }[];
    trustsPool?: string;
  };
  /** The OAuth façade: its app client, whether it is deployed (and where), the callbacks it registered. */
  facade?: FacadeReport;
  flags: StatusFlag[];
}

/** created / adopted as the state file records it (nothing for a state file from before the records). */
function originOf(state: State, kind: OwnedKind, id: string | undefined): { origin?: Origin } {
  if (!id) return {};
  return isCreated(state, kind, id) ? { origin: 'created' } : isAdopted(state, kind, id) ? { origin: 'adopted' } : {};
}

const notFound = (e: unknown) => e instanceof CliError && e.code === 'NOT_FOUND';

/** A read whose NOT_FOUND is an answer (undefined), not a failure; any other error is thrown. */
async function orGone<T>(p: Promise<T>): Promise<T | undefined> {
  try {
    return await p;
  } catch (e) {
    if (notFound(e)) return undefined;
    throw e;
  }
}

export interface StatusDeps {
  cognito: () => Promise<CognitoApi>;
  agentcore: () => Promise<AgentCoreApi>;
  now?: number;
}

export async function readStatus(state: State & { facade?: unknown }, stateFile: string, region: string, deps: StatusDeps): Promise<StatusReport> {
  const now = deps.now ?? Date.now();
  const flags: StatusFlag[] = [];
  const report: StatusReport = { stateFile, region, clients: [], flags };
  const poolId = state.userPoolId;
  const recordedClients = state.clients ?? [];

  // Every read starts now; those that need another's answer chain on it.
  const cognito = poolId ? deps.cognito() : undefined;
  const poolP = cognito ? cognito.then((c) => orGone(c.describePool(poolId!))) : Promise.resolve(undefined);
  const serversP = cognito && state.resourceServer ? cognito.then((c) => orGone(c.listResourceServers(poolId!))) : Promise.resolve(undefined);
  const clientsP = recordedClients.map(async (rc) => {
    if (!cognito) return { rc, client: undefined, secrets: undefined, secretsError: undefined };
    const c = await cognito;
    const client = await orGone(c.describeClient(poolId!, rc.clientId));
    // ListUserPoolClientSecrets only for a client with a secret (a public client has none to list).
    // Its failure (an identity without cognito-idp:ListUserPoolClientSecrets) costs only the count and ages.
    let secretsError: string | undefined;
    const secrets = client?.ClientSecret
      ? await c.listClientSecrets(poolId!, rc.clientId).catch((e: unknown) => {
          secretsError = (e as Error).message;
          return undefined;
        })
      : undefined;
    return { rc, client, secrets, secretsError };
  });
  const gatewayP = state.gatewayId ? deps.agentcore().then((a) => orGone(a.getGateway(state.gatewayId!))) : Promise.resolve(undefined);
  const domainP = poolP.then(async (pool) => {
    const name = pool?.CustomDomain ?? pool?.Domain ?? state.domain;
    if (!name || !cognito) return undefined;
    return { name, custom: Boolean(pool?.CustomDomain), desc: await (await cognito).describeDomain(name) };
  });
  // Clients the gateway allows that the state does not know: named from the pool's list (one read, only when there are some).
  const unknownP = gatewayP.then(async (gw) => {
    const allowed = gw ? jwtOf(gw)?.allowedClients : undefined;
    const unknown = (allowed ?? []).filter((id) => !recordedClients.some((c) => c.clientId === id));
    if (!unknown.length) return [];
    const list = cognito && (await poolP) ? ((await orGone((await cognito).listClients(poolId!))) ?? []) : [];
    return unknown.map((id) => {
      const hit = list.find((c) => c.ClientId === id);
      return { clientId: id, ...(hit?.ClientName ? { name: hit.ClientName } : {}), inPool: Boolean(hit) };
    });
  });

  const [pool, servers, clients, gateway, domain, unknown] = await Promise.all([poolP, serversP, Promise.all(clientsP), gatewayP, domainP, unknownP]);

  if (poolId) {
    report.pool = { id: poolId, found: Boolean(pool), ...originOf(state, 'userPool', poolId), ...(pool?.Name ? { name: pool.Name } : {}), ...(pool?.MfaConfiguration ? { mfa: pool.MfaConfiguration } : {}) };
    if (!pool) flags.push({ resource: 'pool', severity: 'missing', message: `User pool ${poolId} (recorded in the state file) no longer exists in ${region}; everything in it is gone with it.` });
  }
  if (domain || state.domain) {
    const d = domain;
    report.domain = {
      domain: d?.name ?? state.domain!,
      ...(state.domain ? { recorded: state.domain } : {}),
      ...originOf(state, 'domain', state.domain),
      custom: d?.custom ?? false,
      found: Boolean(d?.desc),
      ...(d?.desc?.Status ? { status: d.desc.Status } : {}),
      ...(d?.desc?.ManagedLoginVersion ? { managedLoginVersion: d.desc.ManagedLoginVersion } : {}),
      ...(d?.desc?.CloudFrontDistribution ? { cloudFrontDomain: d.desc.CloudFrontDistribution } : {}),
    };
    if (pool && !d?.desc) flags.push({ resource: 'domain', severity: 'missing', message: `Domain ${report.domain.domain} (recorded in the state file) no longer exists: there is no sign-in page and no token endpoint.` });
    else if (pool && state.domain && d?.name !== state.domain && !d?.custom) flags.push({ resource: 'domain', severity: 'warning', message: `The pool's domain is ${d?.name}, the state file records ${state.domain}.` });
    else if (d?.desc?.Status && d.desc.Status !== 'ACTIVE') flags.push({ resource: 'domain', severity: 'warning', message: `Domain ${d.name} is ${d.desc.Status}, not ACTIVE.` });
  }
  if (state.resourceServer) {
    const rs = servers?.find((s) => s.Identifier === state.resourceServer!.identifier);
    report.resourceServer = {
      identifier: state.resourceServer.identifier,
      found: Boolean(rs),
      ...originOf(state, 'resourceServer', state.resourceServer.identifier),
      ...(rs?.Name ? { name: rs.Name } : {}),
      ...(rs ? { scopes: (rs.Scopes ?? []).map((s) => s.ScopeName!).filter(Boolean) } : {}),
      recordedScopes: state.resourceServer.scopes,
    };
    if (pool && !rs) flags.push({ resource: 'resourceServer', severity: 'missing', message: `Resource server ${state.resourceServer.identifier} (recorded in the state file) no longer exists: clients cannot ask for its scopes.` });
    const gone = rs ? state.resourceServer.scopes.filter((s) => !report.resourceServer!.scopes!.includes(s)) : [];
    if (gone.length) flags.push({ resource: 'resourceServer', severity: 'missing', message: `Resource server ${state.resourceServer.identifier} no longer has the scope${gone.length > 1 ? 's' : ''} ${gone.join(', ')} recorded in the state file.` });
  }

  const jwt = gateway ? jwtOf(gateway) : undefined;
  const allowed = jwt?.allowedClients?.length ? jwt.allowedClients : undefined;
  for (const { rc, client, secrets, secretsError } of clients) {
    if (secretsError) flags.push({ resource: `client ${rc.clientId}`, severity: 'warning', message: `Could not list the secrets of ${rc.name} (${rc.clientId}): ${secretsError}` });
    report.clients.push({ ...clientStatus(rc, client, secrets, gateway ? (allowed ? allowed.includes(rc.clientId) : true) : undefined, now), ...originOf(state, 'clients', rc.clientId) });
    if (pool && !client) flags.push({ resource: `client ${rc.clientId}`, severity: 'missing', message: `App client ${rc.name} (${rc.clientId}, recorded in the state file) no longer exists in pool ${poolId}.` });
    if (client && gateway && allowed && !allowed.includes(rc.clientId)) flags.push({ resource: `client ${rc.clientId}`, severity: 'warning', message: `App client ${rc.name} (${rc.clientId}) is not on gateway ${gateway.name ?? state.gatewayId}'s allow-list: its tokens are rejected there.` });
    if (!client && allowed?.includes(rc.clientId)) flags.push({ resource: 'gateway', severity: 'warning', message: `Gateway ${gateway!.name ?? state.gatewayId} still allows ${rc.clientId}, a client that no longer exists.` });
  }

  if (state.gatewayId) {
    const mcp = gateway?.protocolConfiguration && 'mcp' in gateway.protocolConfiguration ? gateway.protocolConfiguration.mcp : undefined;
    const trusted = jwt?.discoveryUrl ? parseCognitoDiscoveryUrl(jwt.discoveryUrl)?.poolId : undefined;
    report.gateway = {
      gatewayId: state.gatewayId,
      found: Boolean(gateway),
      ...(gateway?.name ? { name: gateway.name } : {}),
      ...(gateway?.status ? { status: gateway.status } : {}),
      ...(gateway?.gatewayUrl ? { url: gateway.gatewayUrl } : {}),
      ...(gateway ? { mcpVersions: mcp?.supportedVersions ?? [] } : {}),
      ...(allowed ? { allowedClients: allowed } : {}),
      ...(unknown.length ? { unknownClients: unknown } : {}),
      ...(trusted ? { trustsPool: trusted } : {}),
    };
    if (!gateway) flags.push({ resource: 'gateway', severity: 'missing', message: `Gateway ${state.gatewayId} (recorded in the state file) no longer exists in ${region}.` });
    else {
      if (gateway.status && gateway.status !== 'READY') flags.push({ resource: 'gateway', severity: 'warning', message: `Gateway ${gateway.name} is ${gateway.status}, not READY.` });
      if (authenticatesOnly(gateway)) {
        // Offloaded authorization (AWS): tokens are authenticated; who may call what is decided elsewhere.
        const o = offloadedTo(gateway);
        if (!o.enforcing && !o.interceptors.length) flags.push({ resource: 'gateway', severity: 'warning', message: authenticateOnlySentence(gateway) });
        if (poolId && trusted && trusted !== poolId) flags.push({ resource: 'gateway', severity: 'warning', message: `Gateway ${gateway.name} trusts user pool ${trusted}, not the state file's ${poolId}: tokens of this pool are rejected.` });
      } else if (gateway.authorizerType !== 'CUSTOM_JWT') flags.push({ resource: 'gateway', severity: 'warning', message: `Gateway ${gateway.name} does not use a CUSTOM_JWT authorizer (${gateway.authorizerType ?? 'none'}): Cognito tokens do not decide who gets in.` });
      else if (poolId && trusted && trusted !== poolId) flags.push({ resource: 'gateway', severity: 'warning', message: `Gateway ${gateway.name} trusts user pool ${trusted}, not the state file's ${poolId}: tokens of this pool are rejected.` });
      else if (!allowed) flags.push({ resource: 'gateway', severity: 'warning', message: `Gateway ${gateway.name} has no client allow-list: every app client of its pool gets in.` });
      for (const u of unknown.filter((x) => !x.inPool && pool)) flags.push({ resource: 'gateway', severity: 'warning', message: `Gateway ${gateway.name} allows ${u.clientId}, which is not a client of pool ${poolId} (deleted, or of another pool).` });
    }
  }

  const facadeIds = facadeClientIds(state);
  const own = ownFacadeClient(state);
  if (facadeIds.length || own) {
    // As the state file records it (the function itself: mcp-cognito facade status); the client as AWS has it above.
    const clientId = state.facade?.clientId || state.facadeServe?.clientId || own?.clientId;
    const rc = recordedClients.find((c) => c.clientId === clientId);
    const f = state.facade;
    report.facade = {
      ...(clientId ? { clientId } : {}),
      ...(rc ? { clientName: rc.name } : {}),
      ownClient: Boolean(rc && isFacadePreset(rc.preset)),
      deployed: Boolean(f),
      ...(f ? { functionName: f.functionName } : {}),
      ...(f?.url ? { url: f.url, mcpUrl: `${f.url}/mcp` } : {}),
      callbacks: clientId ? facadeCallbacksOn(state, clientId) : [],
    };
    for (const id of facadeIds.filter((x) => x !== own?.clientId)) {
      const c = recordedClients.find((x) => x.clientId === id);
      flags.push({ resource: 'facade', severity: 'warning', message: `The OAuth façade uses app client ${c ? `${c.name} (${id}, ${c.preset})` : id}, not its own: run mcp-cognito facade ${f ? 'deploy' : 'serve'} to move it to its own client.` });
    }
  }
  return report;
}

function jwtOf(g: GetGatewayResponse) {
  const a = g.authorizerConfiguration;
  return a && 'customJWTAuthorizer' in a ? a.customJWTAuthorizer : undefined;
}

function clientStatus(rc: { clientId: string; name: string; preset: Preset }, c: UserPoolClientType | undefined, secrets: Parameters<typeof sortSecrets>[0] | undefined, onGateway: boolean | undefined, now: number): ClientStatus {
  const base: ClientStatus = { clientId: rc.clientId, name: rc.name, preset: rc.preset, found: Boolean(c), ...(onGateway !== undefined && c ? { onGateway } : {}) };
  if (!c) return base;
  const list = secrets ? sortSecrets(secrets).map(secretInfo) : [];
  return {
    ...base,
    ...(c.ClientName && c.ClientName !== rc.name ? { awsName: c.ClientName } : {}),
    oauthFlows: c.AllowedOAuthFlowsUserPoolClient ? (c.AllowedOAuthFlows ?? []) : [],
    scopes: c.AllowedOAuthScopes ?? [],
    callbackUrls: c.CallbackURLs ?? [],
    logoutUrls: c.LogoutURLs ?? [],
    ...(c.DefaultRedirectURI ? { defaultRedirectUri: c.DefaultRedirectURI } : {}),
    ...(c.ClientSecret
      ? { secrets: { count: secrets ? list.length : 1, list, ...(list.length ? { oldestAgeDays: ageInDays(list[0]!.createdAt, now), newestAgeDays: ageInDays(list.at(-1)!.createdAt, now) } : {}) } }
      : {}),
  };
}
