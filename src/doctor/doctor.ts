/**
 * doctor's logic: from a symptom, a token or nothing at all to checks, ranked causes and fixes.
 * Returns the result without throwing on failing checks (the command wrapper does that), so that
 * `init` can run it after setup. `--offline` never touches AWS.
 */
import type { Ctx } from '../lib/context.js';
import { CliError, InputError, UsageError } from '../lib/errors.js';
import { parseCognitoDiscoveryUrl } from '../lib/urls.js';
import { ClientId, GatewayId, PoolId, check, regionOfPoolId, text } from '../lib/validate.js';
import { runConfigChecks } from './checks/index.js';
import { interactive, jwtOf, kindOf, skipReason, type CheckEnv, type ClientRef } from './kit.js';
import { presetSpec } from '../domain/presets.js';
import { Reads } from './reads.js';
import { checkBase, matchSymptom, symptomChecks } from './match.js';
import { runProbes } from './probes.js';
import { probeSettings, type ProbeSettings } from './probe-http.js';
import { decodeJwt, pastedSecrets, tokenChecks, type DecodedToken } from './token.js';
import { redactChecks } from './redact.js';
import type { Check, DoctorResult } from './types.js';
import { finish, offlineResult, symptomResult } from './offline.js';

export interface DoctorInput {
  poolId?: string;
  clientIds?: string[];
  gatewayId?: string;
  /** The error text the user saw. */
  error?: string;
  /** An access token (already read from stdin for `-`). Never printed. */
  token?: string;
  redirectUri?: string;
  offline?: boolean;
  /** false: no live HTTP probes (--no-probes). */
  probes?: boolean;
  /** A refresh token (read from stdin, never printed) to exchange at the token URL. */
  refreshToken?: string;
}

/** Flag checks that need no AWS call (exit 2 before anything is sent). */
export function validateDoctorInput(input: DoctorInput): DoctorInput {
  if (input.poolId !== undefined) check(PoolId, input.poolId, '--pool-id');
  for (const id of input.clientIds ?? []) check(ClientId, id, '--client-id');
  if (input.gatewayId !== undefined) check(GatewayId, input.gatewayId, '--gateway-id');
  if (input.redirectUri !== undefined) {
    check(text(), input.redirectUri, '--redirect-uri');
    try {
      new URL(input.redirectUri);
    } catch {
      throw new InputError(`--redirect-uri "${input.redirectUri}" is not an absolute URL.`);
    }
  }
  if (input.error !== undefined && !input.error.trim()) throw new UsageError('--error needs the text you saw, for example --error insufficient_scope.');
  if (input.offline && !input.error && !input.token && (input.redirectUri || input.clientIds?.length || input.gatewayId)) {
    throw new UsageError('--offline explains an --error (or decodes a --token) without AWS; the other checks need AWS.');
  }
  if (input.token !== undefined) decodeJwt(input.token);
  if (input.refreshToken !== undefined) {
    if (input.offline) throw new UsageError('--refresh-token exchanges the token at the token URL; it cannot run with --offline.');
    if (input.probes === false) throw new UsageError('--refresh-token exchanges the token at the token URL, a live request; it cannot run with --no-probes.');
    if (!/^[\w.~+/=-]{20,}$/.test(input.refreshToken)) throw new InputError(`--refresh-token - read something that is not a refresh token (${input.refreshToken.length} characters; a Cognito refresh token is a long string of letters, digits, dots, - and _).`, 'Paste only the refresh_token value.');
    if ((input.clientIds?.length ?? 0) > 1) throw new UsageError('--refresh-token belongs to one app client: pass at most one --client-id.');
  }
  return input;
}

/**
 * The first read decides whether doctor can check anything: without credentials, or without
 * access, it fails with that one error (CREDENTIALS, ACCESS_DENIED naming the action, an
 * unreachable endpoint) instead of reporting every check as not checked. A missing pool or
 * gateway is a finding (a failing check), not this.
 */
async function firstRead(read: () => Promise<unknown>): Promise<void> {
  try {
    await read();
  } catch (e) {
    if (e instanceof CliError && (e.code === 'CREDENTIALS' || e.code === 'ACCESS_DENIED' || (e.code === 'AWS_ERROR' && /^Could not reach/.test(e.message)))) throw e;
  }
}

/** The client a pasted refresh token belongs to: --client-id, else the Copilot Studio client, else the one browser client. */
async function refreshClient(clients: ClientRef[], reads: Reads, given: string[] | undefined): Promise<string> {
  if (given?.length === 1) return given[0]!;
  const copilot = clients.filter((c) => c.preset && presetSpec(c.preset).addCallbackDefault);
  if (copilot.length === 1) return copilot[0]!.clientId;
  const kinds = await Promise.all(clients.map(async (ref) => ({ ref, c: await reads.client(ref.clientId).catch(() => undefined) })));
  const browser = kinds.filter((x) => x.c && interactive(kindOf(x.c, x.ref)));
  if (browser.length === 1) return browser[0]!.ref.clientId;
  throw new UsageError(`Which app client was the refresh token issued to? Pass --client-id (${browser.length ? `browser clients here: ${browser.map((x) => x.ref.clientId).join(', ')}` : 'no browser client is examined'}).`);
}

/** Symptom checks (and the token/probe checks the symptom names) first; otherwise stable. */
function orderBySymptom(checks: Check[], first: readonly string[]): Check[] {
  if (!first.length) return checks;
  const set = new Set(first);
  return [...checks.filter((c) => set.has(checkBase(c.id))), ...checks.filter((c) => !set.has(checkBase(c.id)))];
}

/** The --token checks, compared with the gateway's authorizer when it can be read. */
async function tokenAgainstGateway(decoded: DecodedToken, env: CheckEnv, clientIds: string[] | undefined): Promise<Check[]> {
  let jwt;
  let why: string | undefined;
  if (env.gatewayId) {
    try {
      const gw = await env.reads.gateway();
      jwt = jwtOf(gw);
      if (!jwt) why = 'Not compared: the gateway has no CUSTOM_JWT authorizer.';
    } catch (e) {
      why = `Not compared: ${skipReason(e)}.`;
    }
  } else why = 'Not compared: no gateway to examine (pass --gateway-id).';
  return tokenChecks(decoded, { prefix: 'token', region: env.region, poolId: env.poolId, gatewayId: env.gatewayId, jwt, gatewayUnavailable: why, clientIds });
}

/**
 * A pool ID doctor learned (from the token or the gateway), validated with an error naming where
 * it came from (not --pool-id, which the user did not pass); then ctx fixes the Region to it.
 */
async function derivedPoolId(ctx: Ctx, value: string, label: string): Promise<string> {
  const poolId = check(PoolId, value, label);
  const poolRegion = regionOfPoolId(poolId);
  if (poolRegion && ctx.flags.region && ctx.flags.region !== poolRegion) {
    throw new InputError(`${label}, ${poolId}, is in ${poolRegion}, but --region is ${ctx.flags.region}.`, `Pass --pool-id with a pool in ${ctx.flags.region}, or leave out --region.`);
  }
  return ctx.poolId(poolId);
}

export async function doctor(input: DoctorInput, ctx: Ctx): Promise<DoctorResult> {
  validateDoctorInput(input);
  const matches = input.error ? matchSymptom(input.error) : [];
  const decoded: DecodedToken | undefined = input.token ? decodeJwt(input.token) : undefined;
  const unmatched = input.error && !matches.length ? { unmatched: input.error } : {};

  if (input.offline) {
    const checks = decoded ? redactChecks(tokenChecks(decoded, { prefix: 'token', gatewayUnavailable: 'Not compared: --offline (the gateway is not read).' }), pastedSecrets(input.token!)) : [];
    return offlineResult(input.error, checks, Boolean(decoded));
  }

  // What to examine: flags > state file > the gateway's discovery URL > the token's issuer.
  const state = ctx.state.get();
  // --pool-id is the only flag here; ctx falls back to the state file and names it in errors.
  let poolId: string | undefined = input.poolId !== undefined || state.userPoolId ? await ctx.poolId(input.poolId) : undefined;
  const gatewayId = input.gatewayId ?? state.gatewayId;
  if (!poolId && decoded?.claims.iss) {
    const fromIss = /\/([\w-]+_[0-9a-zA-Z]+)$/.exec(decoded.claims.iss)?.[1];
    if (fromIss) poolId = await derivedPoolId(ctx, fromIss, `The user pool in the --token's issuer (${decoded.claims.iss})`);
  }
  let region = await ctx.region();
  const settings: ProbeSettings = probeSettings({ noProbes: input.probes === false, endpoint: ctx.endpoint, env: process.env });
  if (settings.warning) ctx.out.warn(settings.warning);

  const reads = new Reads(ctx, poolId, gatewayId);
  if (poolId) await firstRead(() => reads.pool());
  else if (gatewayId) await firstRead(() => reads.gateway());
  if (!poolId && gatewayId) {
    const gw = await reads.gateway().catch(() => undefined);
    const jwt = jwtOf(gw);
    const parsed = jwt?.discoveryUrl ? parseCognitoDiscoveryUrl(jwt.discoveryUrl) : undefined;
    if (parsed && parsed.region === region) {
      poolId = await derivedPoolId(ctx, parsed.poolId, `The user pool in gateway ${gatewayId}'s discoveryUrl`);
      ctx.out.info(ctx.out.c.dim(`Using user pool ${poolId}, which gateway ${gatewayId} trusts.`));
      reads.poolId = poolId;
    } else if (parsed) {
      ctx.out.warn(`Gateway ${gatewayId} trusts pool ${parsed.poolId} in ${parsed.region}; pass --pool-id ${parsed.poolId} to examine it.`);
    }
  }
  if (!poolId && !gatewayId) {
    throw new UsageError('Nothing to examine: pass --pool-id (and --client-id, --gateway-id), or run doctor where mcp-cognito.json is.', 'Or explain an error without AWS: mcp-cognito doctor --error "<text>" --offline');
  }
  region = await ctx.region();

  const stateClients = state.clients ?? [];
  let clients: ClientRef[] = (input.clientIds ?? []).map((id) => ({ clientId: id, preset: stateClients.find((c) => c.clientId === id)?.preset }));
  if (!clients.length && poolId && (!input.poolId || input.poolId === state.userPoolId)) clients = stateClients.map((c) => ({ clientId: c.clientId, preset: c.preset }));
  if (!clients.length && decoded?.claims.client_id) clients = [{ clientId: decoded.claims.client_id }];
  let noClientReason: string | undefined;
  if (!clients.length && poolId) {
    const list = await reads.clientList().catch((e) => {
      noClientReason = `No app client to examine: pass --client-id (the pool's clients could not be listed: ${skipReason(e)}).`;
      return undefined;
    });
    if (list) {
      if (list.length === 1 && list[0]!.ClientId) clients = [{ clientId: list[0]!.ClientId }];
      else noClientReason = `No app client to examine: pass --client-id. Clients in ${poolId}: ${list.length ? list.map((c) => `${c.ClientName} (${c.ClientId})`).join(', ') : '(none: mcp-cognito create-client)'}.`;
    }
  }

  const env: CheckEnv = { ctx, reads, region, poolId, clients, gatewayId, redirectUri: input.redirectUri, noClientReason };
  reads.start(clients.map((c) => c.clientId));
  const refresh = input.refreshToken ? { token: input.refreshToken, clientId: await refreshClient(clients, reads, input.clientIds) } : undefined;
  const first = matches[0] ? symptomChecks(matches[0].entry) : [];
  const [config, probes, token] = await Promise.all([
    runConfigChecks(env, first),
    runProbes(env, settings, { userToken: input.token, refresh }),
    decoded ? tokenAgainstGateway(decoded, env, input.clientIds) : Promise.resolve([]),
  ]);
  // Defence in depth: no check detail or fix may carry the token, what was pasted with it or a client secret.
  const clientSecrets = await Promise.all(clients.map((c) => reads.client(c.clientId).then((x) => x.ClientSecret, () => undefined)));
  const secrets = [...(input.token ? pastedSecrets(input.token) : []), ...(input.refreshToken ? [input.refreshToken] : []), ...clientSecrets];
  const checks = orderBySymptom(redactChecks([...token, ...config, ...probes], secrets), first);
  const symptom = input.error ? symptomResult(input.error, matches, checks) : undefined;
  const nextSteps = [...new Set(checks.flatMap((c) => (c.next ? [c.next] : [])))];
  return finish(checks, {
    ...(symptom ? { symptom } : {}),
    ...unmatched,
    ...(nextSteps.length ? { nextSteps } : {}),
    target: { region, ...(poolId ? { userPoolId: poolId } : {}), clientIds: clients.map((c) => c.clientId), ...(gatewayId ? { gatewayId } : {}) },
  });
}
