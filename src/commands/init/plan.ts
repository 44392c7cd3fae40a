/** init's plan: every creation and change of the run, from the answers, with the steps' own planners. */
import { awsCliCommand, type PlanStep } from '../../lib/plan.js';
import { DEFAULT_POOL_NAME } from '../../domain/oauth.js';
import { PRESET_TABLE } from '../../domain/presets.js';
import { planPool } from '../../steps/pool/create.js';
import { planDomain } from '../../steps/pool/domain.js';
import { planScopes } from '../../steps/resource-server/scopes.js';
import { planClient, presetScopes } from '../../steps/client/create.js';
import { planGatewayAuthorization } from '../../steps/gateway/authorize.js';
import type { CreateClientInput } from '../../workflows/create-client.js';
import type { GetGatewayResponse } from '../../aws/agentcore.js';
import type { InitAnswers } from './types.js';

/** One plan of everything init will create or change, from the answers and what exists (with the equivalent aws CLI commands). */
export function planInit(a: InitAnswers): PlanStep[] {
  const steps: PlanStep[] = [];
  const rs = a.initPool.resourceServer;
  const scopeNames = a.initPool.scopes.map((s) => `${rs}/${s.name}`);
  const poolId = a.pool?.poolId ?? '<new pool id>';
  const cli = (op: string, input: Record<string, unknown>) => awsCliCommand('cognito-idp', op, input, a.region);
  // The steps' own planners, on what the questions read.
  if (!a.pool) steps.push(planPool({ name: a.initPool.poolName ?? DEFAULT_POOL_NAME, found: 'none' }, a.region)!);
  if (!a.pool?.domain && a.initPool.domain) {
    const domain = planDomain({ domain: a.initPool.domain, existing: false }, { poolId: a.pool?.poolId, managedLogin: a.initPool.managedLogin }, a.region)!;
    steps.push(a.pool ? { ...domain, resource: `${domain.resource} on user pool ${a.pool.name} (${a.pool.poolId})` } : domain);
  }
  const servers = (a.pool?.resourceServers ?? []).map((s) => ({ Identifier: s.identifier, Scopes: s.scopes.map((n) => ({ ScopeName: n, ScopeDescription: '' })) }));
  const scopes = planScopes(servers, { poolId: a.pool?.poolId, identifier: rs, name: a.initPool.resourceServerName, scopes: a.initPool.scopes }, a.region).step;
  // An update is previewed without its aws command: the descriptions of the scopes it keeps are not read here.
  if (scopes) steps.push(scopes.action === 'update' ? { action: 'update', resource: scopes.resource, diff: (scopes.diff ?? []).filter((l) => l.startsWith('+')) } : scopes);
  const existingClients = new Set([...(a.pool?.clients ?? []).map((c) => c.name)]);
  for (const c of [a.copilot, a.m2m]) {
    if (!c || existingClients.has(c.name)) continue;
    steps.push(...planClient(poolId, c, presetScopes(c.preset, scopeNames), { managedLogin: false }, a.region).steps);
  }
  if (a.m2m?.envFile) steps.push({ action: 'create', resource: `${a.m2m.envFile} with the M2M client's credentials (mode 0600)` });
  if (a.gateway) {
    // authorize-client's own plan, with the clients to be created standing in by name.
    const byName = new Map((a.pool?.clients ?? []).map((c) => [c.name, c.clientId]));
    const grants = [a.copilot, a.m2m]
      .filter((c): c is CreateClientInput => Boolean(c))
      .map((c) => ({ clientId: byName.get(c.name) ?? `<new ${c.name}>`, name: c.name, customScopes: scopeNames, copilotStudio: PRESET_TABLE[c.preset].gatewayMcpVersions.length > 0, mcpVersions: PRESET_TABLE[c.preset].gatewayMcpVersions }));
    const got = a.gateway.raw ?? ({ name: a.gateway.name, authorizerConfiguration: { customJWTAuthorizer: { discoveryUrl: a.gateway.discoveryUrl, allowedClients: a.gateway.allowedClients } } } as GetGatewayResponse);
    const step = planGatewayAuthorization(got, grants, a.region, a.gateway.gatewayId, { mcpVersions: a.mcpVersions }).step;
    if (step) steps.push(step);
  }
  if (a.user && !a.user.exists) steps.push({ action: 'create', resource: `sign-in user ${a.user.email} (permanent password, no invitation e-mail)${a.user.group ? `, in group ${a.user.group}` : ''}` });
  else if (a.user?.exists === 'FORCE_CHANGE_PASSWORD' || a.user?.exists === 'RESET_REQUIRED') {
    // create-user sets the password of an existing user only when approved: this step makes init's one approval cover it.
    steps.push({
      action: 'update',
      resource: `password of ${a.user.email} (permanent)`,
      diff: [`~ status: ${a.user.exists} → CONFIRMED`],
      awsCli: cli('AdminSetUserPassword', { UserPoolId: poolId, Username: a.user.email, Password: '<password>', Permanent: true }),
    });
  }
  return steps;
}

