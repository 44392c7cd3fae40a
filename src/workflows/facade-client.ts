/**
 * The OAuth façade's own app client (the façade preset of src/domain/presets.ts), for `facade
 * serve` and `facade deploy`: found in the state file, adopted by name, or created through the
 * same create step as create-client (so it is recorded, with its preset, the same way); its
 * callback registered; the client allowed on the gateway. No other client is touched, except to
 * move a façade off a client it borrowed in an older setup: the callbacks the façade recorded
 * there are taken off, and nothing else.
 */
import { RefusedError } from '../lib/errors.js';
import type { Ctx } from '../lib/context.js';
import type { PlanStep } from '../lib/plan.js';
import { facadePreset, PRESET_TABLE, isFacadePreset } from '../domain/presets.js';
import { isOidcScope } from '../domain/oauth.js';
import type { UserPoolClientType } from '../aws/cognito.js';
import { applyCallback, planCallback } from '../steps/client/add-callbacks.js';
import { applyRemoveCallback, planRemoveCallback, type RemoveCallbackPlan } from '../steps/client/remove-callbacks.js';
import { applyClient, clientNotFound, customScopesOf, planClient, readClient, resolveScopes, type ClientPlan, type ClientSpec } from '../steps/client/create.js';
import { readFacadeBase, targetOf, type FacadeBase, type FacadeTarget, type FacadeTargetInput } from '../steps/facade/target.js';
import { facadeCallbacksOn, ownFacadeClient } from '../steps/facade/owned.js';
import { prepareAuthorizeClient } from './authorize-client.js';
import { recordClient } from './create-client.js';

/** Shown in plans for a callback whose URL deploy learns only once the function URL exists. */
export const PENDING_CALLBACK = '<the function URL>/callback';

export interface FacadeClientApplied {
  target: FacadeTarget;
  /** The client secret, from the creation or from DescribeUserPoolClient (undefined: not readable). Never print it. */
  secret?: string;
  created: boolean;
  callbackAdded: boolean;
}

export interface FacadeClientSetup {
  base: FacadeBase;
  /** The target as planned (clientId '' when the client is to be created). */
  target: FacadeTarget;
  /** The façade's client as it is now (undefined: to be created). */
  existing?: UserPoolClientType;
  steps: PlanStep[];
  /** Create or adopt the client, register `callbackUrl`, allow it on the gateway. */
  /** `beforeCallback` runs right before the write that puts the callback on a client (its ID when the client exists): record it there. */
  apply(callbackUrl: string, hooks?: { beforeCallback?: (clientId?: string) => void }): Promise<FacadeClientApplied>;
  /** Take the façade's recorded callbacks off the client it used before (after the new one works). */
  moveOff(): Promise<string[]>;
}

/** The custom scopes the façade's client gets: the gateway's required ones that the pool defines, else the preset's default. */
function facadeScopes(base: FacadeBase, servers: Parameters<typeof customScopesOf>[0], preferredServer: string | undefined): string[] {
  const preset = facadePreset();
  const defined = customScopesOf(servers);
  const required = base.gatewayScopes.filter((s) => defined.includes(s));
  if (required.length) return [...PRESET_TABLE[preset].oidcScopes, ...required];
  return resolveScopes({ preset }, servers, preferredServer).filter((s) => isOidcScope(s) || defined.includes(s));
}

/** Which client the façade uses: --client-id (refused when the state records it for another kind of caller), its own, or a new one. */
function chooseFacadeClient(input: FacadeTargetInput, ctx: Ctx): { clientId?: string; name: string } {
  const state = ctx.state.get();
  const own = ownFacadeClient(state);
  if (input.clientId) {
    const clientId = ctx.clientId(input.clientId);
    const recorded = state.clients?.find((c) => c.clientId === clientId);
    if (recorded && !isFacadePreset(recorded.preset)) {
      throw new RefusedError(
        `App client ${recorded.name} (${clientId}) is the state file's ${recorded.preset} client; the façade has its own client and never changes another one.`,
        'Leave out --client-id: facade serve and facade deploy create (or adopt) the façade\'s client.',
      );
    }
    if (own && own.clientId !== clientId) {
      throw new RefusedError(`The state file already records the façade's own client ${own.name} (${own.clientId}); one façade has one client.`, `Leave out --client-id, or delete that client first (mcp-cognito delete-client --client-id ${own.clientId}).`);
    }
    return { clientId, name: recorded?.name ?? PRESET_TABLE[facadePreset()].defaultName };
  }
  if (own) return own;
  return { name: PRESET_TABLE[facadePreset()].defaultName };
}

/**
 * Read and plan the façade's client for a callback URL (undefined: deploy does not know its URL
 * yet). Nothing is sent to AWS but reads.
 */
export async function prepareFacadeClient(input: FacadeTargetInput, ctx: Ctx, callbackUrl: string | undefined, wait: { wait: boolean; waitTimeoutSeconds: number; /** MCP versions the gateway must speak too (Copilot Studio's). */ mcpVersions?: string[] }): Promise<FacadeClientSetup> {
  const base = await readFacadeBase(input, ctx);
  const { poolId, region } = base;
  const cognito = await ctx.cognito();
  const state = ctx.state.get();
  const chosen = chooseFacadeClient(input, ctx);
  const preset = facadePreset();

  let existing: UserPoolClientType | undefined;
  if (chosen.clientId) {
    try {
      existing = await cognito.describeClient(poolId, chosen.clientId);
    } catch (e) {
      const mapped = clientNotFound(e, chosen.clientId, poolId, region);
      // --client-id must exist; the state's own façade client, gone, is created again.
      if (input.clientId || !(mapped instanceof Error && (mapped as { code?: string }).code === 'NOT_FOUND')) throw mapped;
      ctx.out.warn(`The façade's app client ${chosen.clientId} (recorded in ${ctx.state.path}) no longer exists; a new one is planned.`);
    }
  }

  const steps: PlanStep[] = [];
  let clientPlan: ClientPlan | undefined;
  let spec: ClientSpec | undefined;
  if (!existing) {
    const servers = await cognito.listResourceServers(poolId);
    const scopes = facadeScopes(base, servers, state.resourceServer?.identifier);
    spec = { preset, name: chosen.name, scopes, callbackUrls: [callbackUrl ?? PENDING_CALLBACK], logoutUrls: [] };
    const read = await readClient(cognito, poolId, spec, base.domain);
    clientPlan = planClient(poolId, spec, scopes, read, region);
    existing = clientPlan.existing;
    steps.push(...clientPlan.steps);
  }
  const target = existing ? targetOf(base, existing, true) : targetOf(base, { AllowedOAuthFlowsUserPoolClient: true, AllowedOAuthFlows: ['code'], AllowedOAuthScopes: spec!.scopes, CallbackURLs: spec!.callbackUrls }, true);

  // The callback, on an existing client.
  if (existing) {
    if (callbackUrl) {
      const cb = planCallback(existing, { urls: [callbackUrl], logout: false, keepPlaceholder: true }, region);
      if (cb.step) steps.push(cb.step);
    } else steps.push({ action: 'update', resource: `callback URLs of app client ${existing.ClientName ?? existing.ClientId}`, diff: [`+ ${PENDING_CALLBACK}`] });
  }

  // The gateway: planned now for an existing client; for a new one, once it has an ID.
  const gatewayInput = { poolId, gatewayId: base.gatewayId, ...wait };
  const gateway = existing ? await prepareAuthorizeClient({ ...gatewayInput, clientIds: [existing.ClientId!] }, ctx) : undefined;
  if (gateway) steps.push(...gateway.steps);
  else steps.push({ action: 'update', resource: `gateway ${base.gatewayName ?? base.gatewayId}: allow the façade's new app client`, diff: ['+ allowedClients: <the new client ID> (every other setting kept)'] });

  // A façade that used another client before (an older setup): its recorded callbacks come off that client.
  const newId = existing?.ClientId;
  const previous = [...new Set([state.facade?.clientId, state.facadeServe?.clientId].filter((id): id is string => Boolean(id) && id !== newId))];
  const moves: RemoveCallbackPlan[] = [];
  for (const oldId of previous) {
    const urls = facadeCallbacksOn(state, oldId);
    const old = await cognito.describeClient(poolId, oldId).catch(() => undefined);
    if (!old) continue;
    const present = urls.filter((u) => (old.CallbackURLs ?? []).includes(u));
    if (!present.length) continue;
    let plan: RemoveCallbackPlan;
    try {
      plan = planRemoveCallback(old, { urls: present, logout: false }, region);
    } catch (e) {
      // Its last callback URL: Cognito keeps a code-flow client's last one, so it stays (said, not fatal).
      ctx.out.warn(`${present.join(', ')} stays on app client ${old.ClientName ?? oldId}: ${(e as Error).message}`);
      continue;
    }
    if (plan.step) {
      plan.step.resource += ' (the façade moves to its own client: only the callbacks it added come off)';
      steps.push(plan.step);
      moves.push(plan);
    }
  }
  if (previous.length) ctx.out.info(`The façade moves off app client ${previous.join(', ')} to its own client; that client is otherwise left as it is.`);

  return {
    base,
    target,
    ...(existing ? { existing } : {}),
    steps,
    async apply(url, hooks = {}) {
      let client: UserPoolClientType;
      let created = false;
      let callbackAdded = false;
      if (clientPlan && !clientPlan.existing) {
        // Created now, with its one callback (the URL deploy learnt since the plan).
        const finalPlan = planClient(poolId, { ...spec!, callbackUrls: [url] }, clientPlan.scopes, { managedLogin: clientPlan.branding }, region);
        hooks.beforeCallback?.();
        const r = await applyClient(cognito, poolId, finalPlan, ctx.out, (id, made) => recordClient(ctx, poolId, region, id, { name: spec!.name, preset }, made));
        client = r.client;
        created = r.created;
        callbackAdded = created;
      } else {
        client = existing!;
        if (clientPlan) await applyClient(cognito, poolId, clientPlan, ctx.out, (id, made) => recordClient(ctx, poolId, region, id, { name: spec!.name, preset }, made));
        else if (!state.clients?.some((c) => c.clientId === client.ClientId)) recordClient(ctx, poolId, region, client.ClientId!, { name: client.ClientName ?? chosen.name, preset }, false);
        const cb = planCallback(client, { urls: [url], logout: false, keepPlaceholder: true }, region);
        if (cb.step) {
          hooks.beforeCallback?.(client.ClientId);
          client = await applyCallback(cognito, cb, ctx.out);
          callbackAdded = true;
        }
      }
      const g = gateway ?? (await prepareAuthorizeClient({ ...gatewayInput, clientIds: [client.ClientId!] }, ctx));
      if (g.steps.length) await g.apply();
      return { target: targetOf(base, client, true), ...(client.ClientSecret ? { secret: client.ClientSecret } : {}), created, callbackAdded };
    },
    async moveOff() {
      const moved: string[] = [];
      for (const plan of moves) {
        await applyRemoveCallback(cognito, plan, ctx.out);
        moved.push(...plan.removed);
      }
      // serve's record of a client the façade no longer uses is forgotten (its callbacks are gone from there).
      if (!ctx.dryRun && previous.length) ctx.state.change((s) => (s.facadeServe && previous.includes(s.facadeServe.clientId) ? { ...s, facadeServe: undefined } : s));
      return moved;
    },
  };
}
