/**
 * Resource servers: moto creates, describes and lists them but implements neither
 * UpdateResourceServer nor DeleteResourceServer (HTTP 500). The front keeps updates and deletions
 * beside moto (state.resourceServers) and applies them to every answer.
 *
 * - UpdateResourceServer replaces the server: "If you don't provide a value for an attribute, it is
 *   set to the default value" (SDK-C commands/UpdateResourceServerCommand.d.ts); Name is required
 *   (models_1.d.ts UpdateResourceServerRequest), so omitted Scopes means no scopes.
 * - DeleteResourceServer removes it (SDK-C commands/DeleteResourceServerCommand.d.ts).
 * - A missing server: ResourceNotFoundException (modelled error of Describe/Update/Delete).
 */
import type { ResourceServerType } from '@aws-sdk/client-cognito-identity-provider';
import { AwsError } from './protocol';
import { answer, relay, type Ctx, type Rule } from './context';
import { page } from './paging';

const svc = 'cognito-idp' as const;

/** Every resource server of the pool as AWS would list it (moto's, with the front's updates and deletions). */
export async function effectiveResourceServers(ctx: Ctx, poolId: string): Promise<ResourceServerType[]> {
  const { ListResourceServersCommand } = await import('@aws-sdk/client-cognito-identity-provider');
  const out: ResourceServerType[] = [];
  let NextToken: string | undefined;
  do {
    const r = await ctx.moto.cognito.send(new ListResourceServersCommand({ UserPoolId: poolId, MaxResults: 50, NextToken }));
    out.push(...(r.ResourceServers ?? []));
    NextToken = r.NextToken;
  } while (NextToken);
  return out.flatMap((rs) => {
    const p = ctx.state.resourceServers.get(`${poolId}/${rs.Identifier}`);
    if (p?.deleted) return [];
    return [{ ...rs, ...(p?.Name !== undefined ? { Name: p.Name } : {}), ...(p?.Scopes ? { Scopes: p.Scopes } : {}) }];
  });
}

async function find(ctx: Ctx): Promise<ResourceServerType> {
  const poolId = String(ctx.input.UserPoolId ?? '');
  const id = String(ctx.input.Identifier ?? '');
  const all = await effectiveResourceServers(ctx, poolId).catch((e: { name?: string; message?: string }) => {
    throw AwsError.of(svc, e.name ?? 'ResourceNotFoundException', e.message ?? `User pool ${poolId} does not exist.`);
  });
  const rs = all.find((r) => r.Identifier === id);
  if (!rs) throw AwsError.of(svc, 'ResourceNotFoundException', `Resource server ${id} does not exist in user pool ${poolId}.`);
  return rs;
}

const createRs: Rule = async (ctx) => {
  const key = `${String(ctx.input.UserPoolId)}/${String(ctx.input.Identifier)}`;
  const patch = ctx.state.resourceServers.get(key);
  if (patch?.deleted) {
    // moto still holds the deleted server: recreate it as a replacement.
    const Scopes = (ctx.input.Scopes as { ScopeName: string; ScopeDescription: string }[] | undefined) ?? [];
    ctx.state.resourceServers.set(key, { Name: String(ctx.input.Name ?? ''), Scopes });
    return answer(ctx, 200, { ResourceServer: { UserPoolId: ctx.input.UserPoolId, Identifier: ctx.input.Identifier, Name: ctx.input.Name, Scopes } });
  }
  return relay(ctx, await ctx.forward());
};

const describeRs: Rule = async (ctx) => answer(ctx, 200, { ResourceServer: await find(ctx) });

const updateRs: Rule = async (ctx) => {
  const rs = await find(ctx);
  if (typeof ctx.input.Name !== 'string' || !ctx.input.Name) {
    throw AwsError.of(svc, 'InvalidParameterException', "1 validation error detected: Value null at 'name' failed to satisfy constraint: Member must not be null");
  }
  const Scopes = (ctx.input.Scopes as { ScopeName: string; ScopeDescription: string }[] | undefined) ?? [];
  ctx.state.resourceServers.set(`${rs.UserPoolId}/${rs.Identifier}`, { Name: ctx.input.Name, Scopes });
  return answer(ctx, 200, { ResourceServer: { UserPoolId: rs.UserPoolId, Identifier: rs.Identifier, Name: ctx.input.Name, Scopes } });
};

const deleteRs: Rule = async (ctx) => {
  const rs = await find(ctx);
  ctx.state.resourceServers.set(`${rs.UserPoolId}/${rs.Identifier}`, { deleted: true });
  return answer(ctx, 200, {});
};

/** ListResourceServers: MaxResults 1–50 (botocore cognito-idp service-2.json), small pages. */
const listRs: Rule = async (ctx) => {
  const poolId = String(ctx.input.UserPoolId ?? '');
  let all: ResourceServerType[];
  try {
    all = await effectiveResourceServers(ctx, poolId);
  } catch {
    return relay(ctx, await ctx.forward()); // moto's error for a missing pool
  }
  const max = ctx.input.MaxResults as number | undefined;
  if (max !== undefined && (max < 1 || max > 50)) {
    throw AwsError.of(svc, 'InvalidParameterException', `1 validation error detected: Value '${max}' at 'maxResults' failed to satisfy constraint: Member must have value less than or equal to 50`);
  }
  const p = page(svc, `ListResourceServers/${poolId}`, all, max, ctx.input.NextToken as string | undefined, ctx.settings.pageSize);
  return answer(ctx, 200, { ResourceServers: p.items, ...(p.next ? { NextToken: p.next } : {}) });
};

export const resourceServerRules: Record<string, Rule> = {
  CreateResourceServer: createRs,
  DescribeResourceServer: describeRs,
  UpdateResourceServer: updateRs,
  DeleteResourceServer: deleteRs,
  ListResourceServers: listRs,
};
