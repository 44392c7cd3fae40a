/** init's run: questions → one plan → one approval → pool, clients, gateway, user (the steps of the other commands) → doctor. */
import type { Ctx } from '../../lib/context.js';
import { oauthEndpoints } from '../../lib/urls.js';
import { DEFAULT_GATEWAY_WAIT_SECONDS, DEFAULT_POOL_NAME } from '../../domain/oauth.js';
import { prepareInitPool } from '../../workflows/init-pool.js';
import { prepareCreateClient, type CreateClientResult } from '../../workflows/create-client.js';
import { prepareAuthorizeClient } from '../../workflows/authorize-client.js';
import { prepareCreateUser, type CreateUserResult } from '../../workflows/create-user.js';
import { doctor } from '../../doctor/doctor.js';
import { askInitQuestions } from './questions.js';
import { copilotStudioDynamicSteps } from '../../lib/copilot-form.js';
import { planInit } from './plan.js';
import type { DoctorStepResult, GatewayStepResult, InitFacts, InitFlags, InitResult } from './types.js';

export type { GatewayStepResult, DoctorStepResult };

/** What Dynamic discovery needs after init: the façade, deployed to allow Copilot Studio. */
export const FACADE_COPILOT_COMMAND = 'mcp-cognito facade deploy --copilot-studio';

/** The guided setup: questions → one plan → one confirmation → init-pool, create-client, authorize-client, create-user → hand-off → doctor. */
export async function init(ctx: Ctx, flags: InitFlags, facts: InitFacts, secrets: { userPassword?: string } = {}): Promise<InitResult> {
  const answers = await askInitQuestions(ctx, flags, facts, secrets);
  // One plan, one approval: --dry-run shows it, --yes or the person accepts it; no terminal and a change needs --yes.
  const apply = await ctx.approve(planInit(answers), {
    wholePlan: true,
    question: 'Create and change these resources?',
    nothingToDo: 'Everything is in place; checking it again.',
    cancelHint: 'Run `mcp-cognito init` again when you are ready.',
  });
  if (!apply) {
    return {
      region: answers.region,
      userPoolId: answers.pool?.poolId,
      userPoolName: answers.pool?.name ?? answers.initPool.poolName ?? DEFAULT_POOL_NAME,
      domain: answers.pool?.domain ?? answers.initPool.domain ?? '',
      ...oauthEndpoints(answers.pool?.domain ?? answers.initPool.domain ?? '', answers.region),
      resourceServer: { identifier: answers.initPool.resourceServer, name: answers.initPool.resourceServerName, scopes: answers.initPool.scopes.map((s) => `${answers.initPool.resourceServer}/${s.name}`) },
      clients: [],
      created: [],
      updated: [],
    };
  }

  // 1. Pool, domain, resource server (init-pool).
  const pool = await (await prepareInitPool(answers.initPool, ctx)).apply();
  const created = [...pool.created];
  const updated = [...pool.updated];

  // 2. Clients (create-client): adopted by name on a re-run, never duplicated.
  const clients: CreateClientResult[] = [];
  for (const c of [answers.copilot, answers.m2m, answers.facade]) {
    if (!c) continue;
    const r = await (await prepareCreateClient({ ...c, poolId: pool.userPoolId }, ctx)).apply();
    clients.push(r);
    if (r.created) created.push(`client:${r.clientName}`);
  }

  // 3. The gateway (authorize-client).
  let gateway: GatewayStepResult | undefined;
  if (answers.gateway) {
    gateway = await authorizeGatewayStep(ctx, {
      poolId: pool.userPoolId,
      gatewayId: answers.gateway.gatewayId,
      clientIds: clients.map((c) => c.clientId!).filter(Boolean),
      ...(answers.mcpVersions?.length ? { mcpVersions: answers.mcpVersions } : {}),
      wait: answers.wait,
      waitTimeoutSeconds: answers.waitTimeoutSeconds,
    });
    if (gateway.updated) updated.push('gateway');
  }

  // 4. The sign-in user (create-user).
  let user: CreateUserResult | undefined;
  if (answers.user) {
    user = await (await prepareCreateUser({ ...answers.user, poolId: pool.userPoolId }, ctx)).apply();
    if (user.created) created.push('user');
    if (user.groupCreated) created.push('group');
  }

  // The client whose preset prints Copilot Studio's form (create-client fills copilotStudio for it).
  const copilot = clients.find((c) => c.copilotStudio);
  // Dynamic discovery: Copilot Studio never sees this client's secret (the façade holds it), so it is not shown.
  const form = copilot?.copilotStudio;
  const manual = !answers.copilotDynamic || answers.copilotManual !== false;
  if (copilot && !manual) {
    delete copilot.clientSecret;
    delete copilot.copilotStudio;
  }
  const { created: _c, updated: _u, ...poolFields } = pool;
  const result: InitResult = {
    ...poolFields,
    clients,
    ...(form && manual ? { copilotStudio: form, next: 'mcp-cognito add-callback <the redirect URL Copilot Studio shows>' } : {}),
    ...(copilot && answers.copilotDynamic ? { copilotStudioDynamic: { command: FACADE_COPILOT_COMMAND, steps: copilotStudioDynamicSteps('<the MCP URL facade deploy prints>') }, ...(manual ? {} : { next: FACADE_COPILOT_COMMAND }) } : {}),
    ...(gateway ? { gateway } : {}),
    ...(user ? { user } : {}),
    created,
    updated,
  };

  // 5. A short doctor run: it informs; its findings do not change init's exit code.
  if (answers.doctor) {
    result.doctor = await runDoctorStep(ctx, { poolId: pool.userPoolId, clientIds: clients.map((x) => x.clientId!).filter(Boolean), gatewayId: answers.gateway?.gatewayId });
  }
  return result;
}


/** Step 3: authorize-client's logic for the clients just created or adopted. */
export async function authorizeGatewayStep(ctx: Ctx, o: { poolId?: string; gatewayId: string; clientIds: string[]; mcpVersions?: string[]; wait: boolean; waitTimeoutSeconds?: number }): Promise<GatewayStepResult> {
  if (o.clientIds.length === 0 && !o.mcpVersions?.length) return { gatewayId: o.gatewayId, updated: false, skipped: true, message: 'no client to authorize.' };
  const poolId = await ctx.poolId(o.poolId);
  const p = await prepareAuthorizeClient({ poolId, gatewayId: ctx.gatewayId(o.gatewayId), clientIds: o.clientIds.map((id) => ctx.clientId(id)), ...(o.mcpVersions?.length ? { mcpVersions: o.mcpVersions } : {}), wait: o.wait, waitTimeoutSeconds: o.waitTimeoutSeconds ?? DEFAULT_GATEWAY_WAIT_SECONDS }, ctx);
  const r = await p.apply();
  const what = [r.added.length ? `allowed clients + ${r.added.join(', ')}` : '', r.addedScopes.length ? `allowed scopes + ${r.addedScopes.join(', ')}` : '', r.addedVersions.length ? `MCP versions + ${r.addedVersions.join(', ')}` : ''].filter(Boolean);
  const open = r.acceptedWithoutAllowList.length ? 'it checks no client ID (no allowedClients), so it accepts these clients like any client of the pool' : '';
  const message = r.changed
    ? `updated (${[...what, ...(open ? [open] : [])].join('; ') || 'every setting sent again'})${r.status && r.status !== 'READY' ? `; now ${r.status}` : ''}.`
    : open
      ? `${open}; nothing to change.`
      : 'already lets these clients through; nothing to change.';
  return { ...r, updated: r.changed, message };
}

/** Step 5: a short doctor run of the new setup (doctor's own logic); never fails init. */
export async function runDoctorStep(ctx: Ctx, o: { poolId?: string; clientIds?: string[]; gatewayId?: string }): Promise<DoctorStepResult> {
  const spin = ctx.out.spinner('Checking the new setup (mcp-cognito doctor)');
  try {
    const r = await doctor({ poolId: o.poolId, ...(o.clientIds?.length ? { clientIds: o.clientIds } : {}), ...(o.gatewayId ? { gatewayId: o.gatewayId } : {}) }, ctx);
    spin.stop();
    const findings = r.checks.filter((x) => x.status === 'fail' || x.status === 'warn').map((x) => ({ id: x.id, status: x.status, title: x.title, ...(x.fix ? { fix: x.fix } : {}) }));
    return { summary: r.summary, findings, ...(r.nextSteps?.length ? { nextSteps: r.nextSteps } : {}) };
  } catch (e) {
    spin.stop();
    const error = e instanceof Error ? e.message : String(e);
    ctx.out.warn(`doctor could not check the setup: ${error}`);
    return { findings: [], error };
  }
}

