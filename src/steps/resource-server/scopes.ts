/**
 * A resource server and its scopes: create it, or add the missing scopes (never remove one).
 * UpdateResourceServer replaces the whole server: the full scope list and the name are written,
 * through the merge-and-verify loop.
 */
import { awsCliCommand, listDiff, type PlanStep } from '../../lib/plan.js';
import type { ScopeSpec } from '../../lib/validate.js';
import type { CognitoApi, ResourceServerScopeType, ResourceServerType } from '../../aws/cognito.js';
import { mergeAndVerify, type MergeShape } from '../merge.js';
import { resourceKey } from '../../lib/resource-lock.js';
import type { Progress } from '../progress.js';

type Scope = ResourceServerScopeType;

export interface ScopesPlan {
  identifier: string;
  name: string;
  /** The scopes wanted (from flags or answers). */
  wanted: Scope[];
  /** The server as read, when it exists. */
  existing?: ResourceServerType;
  /** Scopes to add to an existing server. */
  missing: Scope[];
  /** The scope names once applied (existing + missing, or the new server's). */
  scopeNames: string[];
  /** Create or update; undefined when nothing is to change. */
  step?: PlanStep;
}

const qualified = (id: string, scopes: Scope[]) => scopes.map((s) => `${id}/${s.ScopeName}`);

/** Plan from the pool's resource servers (undefined poolId: the pool is still to be created). */
export function planScopes(servers: ResourceServerType[], o: { poolId?: string; identifier: string; name: string; scopes: ScopeSpec[] }, region: string): ScopesPlan {
  const wanted = o.scopes.map((s) => ({ ScopeName: s.name, ScopeDescription: s.description }));
  const existing = servers.find((s) => s.Identifier === o.identifier);
  const rsId = o.identifier;
  if (!existing) {
    const cli = awsCliCommand('cognito-idp', 'CreateResourceServer', { UserPoolId: o.poolId ?? '<new pool id>', Identifier: rsId, Name: o.name, Scopes: wanted }, region);
    return { identifier: rsId, name: o.name, wanted, missing: [], scopeNames: wanted.map((s) => s.ScopeName), step: { action: 'create', resource: `resource server "${rsId}" with scopes ${qualified(rsId, wanted).join(', ')}`, awsCli: cli } };
  }
  const name = existing.Name ?? o.name;
  const have = existing.Scopes ?? [];
  const missing = wanted.filter((w) => !have.some((h) => h.ScopeName === w.ScopeName));
  const full = [...have, ...missing];
  const plan: ScopesPlan = { identifier: rsId, name, wanted, existing, missing, scopeNames: full.map((s) => s.ScopeName!) };
  if (missing.length) {
    const cli = awsCliCommand('cognito-idp', 'UpdateResourceServer', { UserPoolId: o.poolId, Identifier: rsId, Name: name, Scopes: full }, region);
    plan.step = { action: 'update', resource: `resource server "${rsId}" scopes`, diff: listDiff(qualified(rsId, have), qualified(rsId, full)), awsCli: cli };
  }
  return plan;
}

/** Create the server, or add the missing scopes. Returns the scope names as they are now. */
export async function applyScopes(cognito: CognitoApi, poolId: string, plan: ScopesPlan, progress: Progress): Promise<{ scopeNames: string[]; created: boolean; updated: boolean }> {
  const rsId = plan.identifier;
  if (!plan.existing) {
    await cognito.createResourceServer(poolId, rsId, plan.name, plan.wanted);
    progress.step(`Created resource server ${rsId} (${qualified(rsId, plan.wanted).join(', ')})`);
    return { scopeNames: plan.wanted.map((s) => s.ScopeName!), created: true, updated: false };
  }
  if (!plan.missing.length) {
    progress.step(`Resource server ${rsId} has ${plan.scopeNames.map((s) => `${rsId}/${s}`).join(', ')}`);
    return { scopeNames: plan.scopeNames, created: false, updated: false };
  }
  // Descriptions of every scope seen, so that a scope kept across a merge keeps its description.
  const descriptions = new Map<string, string | undefined>();
  const remember = (s: ResourceServerType) => (s.Scopes ?? []).forEach((x) => descriptions.has(x.ScopeName!) || descriptions.set(x.ScopeName!, x.ScopeDescription));
  remember(plan.existing);
  plan.wanted.forEach((w) => descriptions.has(w.ScopeName!) || descriptions.set(w.ScopeName!, w.ScopeDescription));
  const shape: MergeShape<ResourceServerType> = {
    // Named as the gateway and the clients see them: <identifier>/<scope>.
    lists: (s) => ({ Scopes: qualified(rsId, s.Scopes ?? []) }),
    withLists: (s, l) => ({
      ...s,
      Scopes: (l.Scopes ?? []).map((q) => q.slice(rsId.length + 1)).map((n) => s.Scopes?.find((x) => x.ScopeName === n) ?? { ScopeName: n, ScopeDescription: descriptions.get(n) ?? `Access ${n}` }),
    }),
    others: (s) => ({ Name: s.Name }),
  };
  const read = async () => {
    const s = (await cognito.listResourceServers(poolId, { fresh: true })).find((x) => x.Identifier === rsId) ?? { ...plan.existing!, Scopes: [] };
    remember(s);
    return s;
  };
  const { after } = await mergeAndVerify({
    what: `resource server ${rsId}`,
    operation: 'UpdateResourceServer',
    lockKey: resourceKey.resourceServer(poolId, rsId),
    planned: plan.existing,
    change: (s) => ({ ...s, Scopes: [...(s.Scopes ?? []), ...plan.wanted.filter((w) => !(s.Scopes ?? []).some((h) => h.ScopeName === w.ScopeName))] }),
    shape,
    read,
    // UpdateResourceServer replaces the server: the full scope list and the name are sent.
    write: (next) => cognito.updateResourceServer(poolId, rsId, next.Name ?? plan.name, next.Scopes ?? []),
    hint: 'Another change may have happened at the same time: check the resource server and run the command again.',
  });
  progress.step(`Added ${qualified(rsId, plan.missing).join(', ')} to resource server ${rsId}`);
  return { scopeNames: (after.Scopes ?? []).map((x) => x.ScopeName!), created: false, updated: true };
}
