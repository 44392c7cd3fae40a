import { existsSync } from 'node:fs';
import type { Ctx } from '../../lib/context.js';
import { Region, check } from '../../lib/validate.js';
import { findUser } from '../../steps/user/create.js';
import type { GatewayFact, InitFacts } from './types.js';

/** Facts from AWS, through the same wrappers (and read cache) the steps use. */
export function awsFacts(ctx: Ctx, probe: () => Promise<string | undefined>): InitFacts {
  return {
    defaultRegion: probe,
    useRegion: (region) => {
      ctx.flags.region = check(Region, region, 'The Region');
    },
    async listGateways() {
      const api = await ctx.agentcore();
      const items = await api.listGateways();
      // GetGateway (for the trusted pool) of a few gateways at a time: no burst against the API's rate limit.
      const out: GatewayFact[] = [];
      for (let i = 0; i < items.length; i += 8) {
        const batch = items.slice(i, i + 8).map(async (g): Promise<GatewayFact> => {
          if (g.authorizerType !== 'CUSTOM_JWT' && g.authorizerType !== 'AUTHENTICATE_ONLY') return { gatewayId: g.gatewayId!, name: g.name ?? g.gatewayId!, status: g.status, authorizerType: g.authorizerType };
          return this.getGateway(g.gatewayId!);
        });
        out.push(...(await Promise.all(batch)));
      }
      return out;
    },
    async getGateway(gatewayId) {
      const g = await (await ctx.agentcore()).getGateway(gatewayId);
      const jwt = g.authorizerConfiguration?.customJWTAuthorizer;
      return { gatewayId: g.gatewayId ?? gatewayId, name: g.name ?? gatewayId, status: g.status, authorizerType: g.authorizerType, discoveryUrl: jwt?.discoveryUrl, allowedClients: jwt?.allowedClients ?? [], raw: g };
    },
    async listPools() {
      return (await (await ctx.cognito()).listPools()).map((x) => ({ poolId: x.Id!, name: x.Name ?? x.Id! }));
    },
    async describePool(poolId) {
      const api = await ctx.cognito();
      const [pool, servers, clients] = await Promise.all([api.describePool(poolId), api.listResourceServers(poolId), api.listClients(poolId)]);
      return {
        poolId,
        name: pool.Name ?? poolId,
        domain: pool.CustomDomain ?? pool.Domain,
        passwordPolicy: pool.Policies?.PasswordPolicy,
        resourceServers: servers.map((s) => ({ identifier: s.Identifier!, scopes: (s.Scopes ?? []).map((x) => x.ScopeName!) })),
        clients: clients.map((x) => ({ clientId: x.ClientId!, name: x.ClientName ?? '' })),
      };
    },
    async domainOwner(prefix) {
      const d = await (await ctx.cognito()).describeDomain(prefix);
      return d ? (d.UserPoolId ?? '') : undefined;
    },
    async userStatus(poolId, email) {
      // The pool decides how an e-mail address names a user (create-user's own lookup: e-mail alias pools, e-mail sign-in pools).
      return (await findUser(await ctx.cognito(), poolId, email)).status;
    },
    fileExists: (path) => existsSync(path),
  };
}

