/**
 * Everything doctor looks at, read at most once per run. `start()` sends every read the run
 * will need at once (concurrently); the checks then await the same promises. A read that fails
 * rejects for every check that needs it, and each of those becomes a skip with the reason.
 */
import type { Ctx } from '../lib/context.js';
import type { CognitoApi, DomainDescriptionType, ResourceServerType, UserPoolClientType, UserPoolType } from '../aws/cognito.js';
import type { AgentCoreApi, GetGatewayResponse, GetGatewayTargetResponse, GetOauth2CredentialProviderResponse } from '../aws/agentcore.js';

/** Thrown by a read (and so by a check) that cannot run: its message says why. */
export class Skip extends Error {}

export class Reads {
  private readonly memo = new Map<string, Promise<unknown>>();
  constructor(
    private readonly ctx: Ctx,
    /** Settable once, before any pool read: doctor may learn the pool from the gateway. */
    public poolId: string | undefined,
    readonly gatewayId: string | undefined,
  ) {}

  private once<T>(key: string, fn: () => Promise<T>): Promise<T> {
    let p = this.memo.get(key) as Promise<T> | undefined;
    if (!p) {
      p = fn();
      // Rejections are handled by whoever awaits; keep Node from reporting them as unhandled.
      p.catch(() => undefined);
      this.memo.set(key, p);
    }
    return p;
  }

  cognito(): Promise<CognitoApi> {
    return this.ctx.cognito();
  }
  agentcore(): Promise<AgentCoreApi> {
    return this.ctx.agentcore();
  }
  private needPool(): string {
    if (!this.poolId) throw new Skip('no user pool to examine (pass --pool-id)');
    return this.poolId;
  }
  private needGateway(): string {
    if (!this.gatewayId) throw new Skip('no gateway to examine: pass --gateway-id (or run authorize-client so the state file knows it)');
    return this.gatewayId;
  }

  /** Start every read the run needs, concurrently (the checks await the same promises). */
  start(clientIds: readonly string[]): void {
    if (this.poolId) {
      void this.domains().catch(() => undefined);
      void this.resourceServers().catch(() => undefined);
      void this.forceChangeUsers().catch(() => undefined);
      for (const id of clientIds) void this.client(id).catch(() => undefined);
    }
    if (this.gatewayId) {
      void this.gateway().catch(() => undefined);
      void this.targets().catch(() => undefined);
    }
  }

  pool(): Promise<UserPoolType> {
    return this.once('pool', async () => (await this.cognito()).describePool(this.needPool()));
  }
  /** The pool's domains with their descriptions (undefined description: not found). */
  domains(): Promise<{ domain: string; custom: boolean; desc?: DomainDescriptionType }[]> {
    return this.once('domains', async () => {
      const pool = await this.pool();
      const names = [...(pool.CustomDomain ? [{ domain: pool.CustomDomain, custom: true }] : []), ...(pool.Domain ? [{ domain: pool.Domain, custom: false }] : [])];
      const cognito = await this.cognito();
      return Promise.all(names.map(async (d) => ({ ...d, desc: await cognito.describeDomain(d.domain) })));
    });
  }
  resourceServers(): Promise<ResourceServerType[]> {
    return this.once('rs', async () => (await this.cognito()).listResourceServers(this.needPool()));
  }
  client(clientId: string): Promise<UserPoolClientType> {
    return this.once(`client ${clientId}`, async () => (await this.cognito()).describeClient(this.needPool(), clientId));
  }
  clientList(): Promise<{ ClientId?: string; ClientName?: string }[]> {
    return this.once('clients', async () => (await this.cognito()).listClients(this.needPool()));
  }
  forceChangeUsers() {
    return this.once('users', async () => (await this.cognito()).listUsers(this.needPool(), 'cognito:user_status = "FORCE_CHANGE_PASSWORD"'));
  }
  branding(clientId: string): Promise<boolean> {
    return this.once(`branding ${clientId}`, async () => (await this.cognito()).hasManagedLoginBranding(this.needPool(), clientId));
  }
  gateway(): Promise<GetGatewayResponse> {
    return this.once('gateway', async () => (await this.agentcore()).getGateway(this.needGateway()));
  }
  targets(): Promise<GetGatewayTargetResponse[]> {
    return this.once('targets', async () => {
      const gw = this.needGateway();
      const ac = await this.agentcore();
      const list = await ac.listGatewayTargets(gw);
      return Promise.all(list.map((t) => ac.getGatewayTarget(gw, t.targetId!)));
    });
  }
  credentialProvider(name: string): Promise<GetOauth2CredentialProviderResponse> {
    return this.once(`cp ${name}`, async () => (await this.agentcore()).getOauth2CredentialProvider(name));
  }
}
