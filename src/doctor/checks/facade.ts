/**
 * Checks of the OAuth façade the state file records (facade deploy): its metadata is served and
 * names itself, S256 is advertised, its callback is on the client, the client is allowed through
 * the gateway, the deployed function is healthy. No façade recorded: skipped.
 */
import { probeFetch, probeSettings, json, Unreachable } from '../probe-http.js';
import { readFacadeStatus, type FacadeStatus } from '../../steps/facade/status.js';
import { FACADE_FIX, Skip, authorizeFix, defineCheck, jwtOf, type CheckEnv, type Kit } from '../kit.js';
import { facadeClientIds, ownFacadeClient } from '../../steps/facade/owned.js';
import type { Check } from '../types.js';
import type { GetGatewayResponse } from '../../aws/agentcore.js';

const recorded = (env: CheckEnv) => {
  const f = env.ctx.state.get().facade;
  if (!f) throw new Skip('no OAuth façade is recorded in the state file (mcp-cognito facade deploy records one)');
  return f;
};

/** The deployed façade's status, read once per doctor run (two checks ask for it). */
const statusOnce = new WeakMap<CheckEnv, Promise<FacadeStatus>>();
function facadeStatusOf(env: CheckEnv): Promise<FacadeStatus> {
  let s = statusOnce.get(env);
  if (!s) statusOnce.set(env, (s = readFacadeStatus(env.ctx)));
  return s;
}

const COPILOT_VERSION = '2025-03-26';

export const FACADE_CHECKS = [
  defineCheck('facade.client', 'The façade has its own app client', async (k, env) => {
    const state = env.ctx.state.get();
    const ids = facadeClientIds(state);
    if (!ids.length) throw new Skip('no OAuth façade is recorded in the state file (facade serve and facade deploy record one)');
    const own = ownFacadeClient(state);
    const borrowed = ids.filter((id) => id !== own?.clientId);
    if (!borrowed.length) return k.pass(`${own!.name} (${own!.clientId}): the façade's own client; no other client carries its callbacks.`);
    const names = borrowed.map((id) => {
      const c = state.clients?.find((x) => x.clientId === id);
      return c ? `${c.name} (${id}, ${c.preset})` : id;
    });
    const fix = state.facade ? FACADE_FIX.deploy : FACADE_FIX.serve;
    return k.warn(`The façade uses app client ${names.join(', ')}, not its own`, "It shares that client's secret with whoever else uses it (a refresh token obtained there is accepted by the façade), and its callbacks sit on that client. Running the façade again moves it to its own client and takes its callbacks off the other one (nothing else there changes).", { fix });
  }),

  defineCheck('facade.metadata', 'The façade serves its OAuth metadata, naming itself, with S256', async (k, env) => {
    const f = recorded(env);
    if (!f.url) return k.fail('The façade has no URL', 'Its deployment did not finish (no function URL recorded).', { fix: 'mcp-cognito facade deploy' });
    const s = probeSettings({ endpoint: env.ctx.endpoint, env: process.env });
    if (!s.enabled) throw new Skip(`the façade's metadata is not fetched: ${s.reason}`);
    let asm: Record<string, unknown> | undefined;
    let prm: Record<string, unknown> | undefined;
    try {
      const a = await probeFetch(`${f.url}/.well-known/oauth-authorization-server`, { headers: { accept: 'application/json' } }, s);
      const p = await probeFetch(`${f.url}/.well-known/oauth-protected-resource/mcp`, { headers: { accept: 'application/json' } }, s);
      if (a.status !== 200 || p.status !== 200) return k.fail(`The façade's metadata is not served (HTTP ${a.status}, ${p.status})`, `${f.url} did not answer its well-known metadata URLs with 200.`, { fix: 'mcp-cognito facade status' });
      asm = json(a.text);
      prm = json(p.text);
    } catch (e) {
      if (e instanceof Unreachable) return k.fail('The façade cannot be reached', `${e.message}.`, { fix: 'mcp-cognito facade status' });
      throw e;
    }
    const problems: string[] = [];
    if (asm?.issuer !== f.url) problems.push(`its issuer is ${String(asm?.issuer)}, not ${f.url}`);
    if (!Array.isArray(asm?.code_challenge_methods_supported) || !asm.code_challenge_methods_supported.includes('S256')) problems.push('it does not advertise code_challenge_methods_supported S256');
    if (asm?.registration_endpoint !== `${f.url}/register`) problems.push('its registration endpoint is not its own');
    if (!Array.isArray(prm?.authorization_servers) || !prm.authorization_servers.includes(f.url)) problems.push('its protected-resource metadata does not name it as authorization server');
    if (problems.length) return k.fail('The façade\'s metadata is wrong', `${f.url}: ${problems.join('; ')}.`, { fix: 'mcp-cognito facade deploy' });
    return k.pass(`${f.url}: issuer is itself, S256 advertised, registration at ${f.url}/register.`);
  }),

  defineCheck('facade.callback', "The façade's callback is registered on its client", async (k, env) => {
    const f = recorded(env);
    if (!f.url) throw new Skip('the façade has no URL yet');
    const c = await env.reads.client(f.clientId);
    const cb = `${f.url}/callback`;
    if ((c.CallbackURLs ?? []).includes(cb)) return k.pass(`${cb} is a callback URL of ${c.ClientName ?? f.clientId}.`);
    return k.fail(`${c.ClientName ?? f.clientId} lacks the façade's callback`, `Cognito sends people back only to registered URLs; sign-in through the façade ends on Cognito's error page (redirect_mismatch).`, { fix: `mcp-cognito add-callback ${cb} --client-id ${f.clientId}` });
  }),

  defineCheck('facade.authorized', "The gateway lets the façade's client through", async (k, env) => {
    const f = recorded(env);
    if (!env.gatewayId) throw new Skip('no gateway to examine');
    const allowed = jwtOf(await env.reads.gateway())?.allowedClients ?? [];
    if (!allowed.length || allowed.includes(f.clientId)) return k.pass(allowed.length ? `${f.clientId} is among the allowed clients.` : 'The gateway does not restrict clients.');
    return k.fail(`The gateway refuses the façade's client ${f.clientId}`, 'Tokens the façade obtains carry its client ID; the gateway answers 401 to them.', { fix: authorizeFix(env.gatewayId, f.clientId) });
  }),

  defineCheck('facade.function', 'The deployed façade function is healthy', async (k, env) => {
    recorded(env);
    const s = await facadeStatusOf(env);
    if (s.healthy) return k.pass(`${s.functionName}: ${s.functionState ?? 'Active'}, ${s.invokeMode}, its permissions, role and parameters in place${s.drift.length ? `; drift: ${s.drift.join(', ')}` : ''}.`);
    // A secret the façade holds that the client no longer has: a new one, delivered to the façade by rotate-secret
    // (deploy cannot re-deliver a secret Cognito no longer shows).
    const clientId = env.ctx.state.get().facade?.clientId;
    return k.fail(`The façade function ${s.functionName} has problems`, s.problems.join(' '), { fix: s.secret?.status === 'gone' && clientId ? `mcp-cognito rotate-secret --client-id ${clientId}` : 'mcp-cognito facade deploy' });
  }),

  defineCheck('facade.copilot-studio', 'Copilot Studio can connect through the façade (Dynamic discovery)', async (k, env) => {
    const f = recorded(env);
    const s = await facadeStatusOf(env);
    if (!s.functionState && !s.url) throw new Skip('the façade function is not deployed');
    if (s.copilotStudio && !env.gatewayId) throw new Skip('no gateway to examine');
    return copilotStudioVerdict(k, { status: s, clientId: f.clientId, url: f.url, gatewayId: env.gatewayId, gateway: s.copilotStudio ? await env.reads.gateway() : undefined });
  }),
];

/**
 * Copilot Studio through the deployed façade: the façade allows its consent redirects, the gateway
 * speaks MCP 2025-03-26 (when it lists versions) and lets the façade's client through.
 */
export function copilotStudioVerdict(k: Kit, o: { status: Pick<FacadeStatus, 'copilotStudio' | 'mcpUrl'>; clientId: string; url?: string; gatewayId?: string; gateway?: GetGatewayResponse }): Check {
  const mcp = o.status.mcpUrl ?? (o.url ? `${o.url}/mcp` : '<the façade URL>/mcp');
  if (!o.status.copilotStudio || !o.gateway) {
    return k.pass(`The façade does not allow Copilot Studio's consent redirects (https://global.consent.azure-apim.net/redirect/…): Copilot Studio's Dynamic discovery is refused with "redirect URI host … is not whitelisted"-style errors. mcp-cognito facade deploy --copilot-studio allows it; Manual OAuth needs no façade.`);
  }
  const g = o.gateway;
  const versions = (g.protocolConfiguration && 'mcp' in g.protocolConfiguration ? g.protocolConfiguration.mcp?.supportedVersions : undefined) ?? [];
  if (versions.length && !versions.includes(COPILOT_VERSION)) {
    return k.fail(`The gateway does not speak MCP ${COPILOT_VERSION}, which Copilot Studio uses`, `The façade allows Copilot Studio, but the gateway lists only ${versions.join(', ')}: Copilot Studio signs in and then lists no tools.`, { fix: `mcp-cognito authorize-client --gateway-id ${o.gatewayId ?? '<gateway-id>'} --mcp-version ${COPILOT_VERSION}` });
  }
  const allowed = jwtOf(g)?.allowedClients ?? [];
  if (allowed.length && !allowed.includes(o.clientId)) {
    return k.fail(`The gateway refuses the façade's client ${o.clientId}`, 'Copilot Studio signs in through the façade, so its tokens carry that client ID; the gateway answers 401 to them.', { fix: authorizeFix(o.gatewayId, o.clientId) });
  }
  return k.pass(`The façade allows Copilot Studio's consent redirects: in Copilot Studio, Server URL ${mcp}, Authentication OAuth 2.0 → Dynamic discovery; the gateway speaks MCP ${versions.length ? COPILOT_VERSION : `(no versions listed; ${COPILOT_VERSION} by default for requests without a version header)`} and lets ${o.clientId} through.`);
}
