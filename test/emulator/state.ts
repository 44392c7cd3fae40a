/**
 * What the front keeps beside moto: the APIs and fields moto lacks (client secrets, managed-login
 * branding, managed-login versions of domains, resource-server updates and deletions, gateway
 * fields moto drops) and the gateway status machine. `reset()` forgets everything (with moto's
 * reset). The data planes read it through the `Overlay` interface of types.ts.
 */
import { randomBytes, randomUUID } from 'node:crypto';
import type { CognitoIdentityProviderClient } from '@aws-sdk/client-cognito-identity-provider';
import type { Overlay } from './types';

export interface SecretEntry {
  /** `<client-id>--<epoch-create-time>` (SDK-C models_0.d.ts ClientSecretDescriptorType.ClientSecretId). */
  id: string;
  value: string;
  created: Date;
}

export interface ClientSecrets {
  /** moto's own ClientSecret (from GenerateSecret) still counts as a secret until deleted. */
  original: { id: string; created: Date; deleted: boolean } | undefined;
  /** Secrets added by AddUserPoolClientSecret, oldest first. */
  added: SecretEntry[];
}

export interface Branding {
  ManagedLoginBrandingId: string;
  UserPoolId: string;
  ClientId: string;
  UseCognitoProvidedValues: boolean;
  Settings?: unknown;
  Assets?: unknown[];
  CreationDate: Date;
  LastModifiedDate: Date;
}

export interface ResourceServerPatch {
  deleted?: boolean;
  Name?: string;
  Scopes?: { ScopeName: string; ScopeDescription: string }[];
}

/** Where a gateway is in its life, as the front reports it (moto's own status is ignored). */
export interface GatewayPhase {
  /** CREATING or UPDATING until `until`, then `outcome`. */
  transitional: 'CREATING' | 'UPDATING';
  until: number;
  outcome: 'READY' | 'UPDATE_UNSUCCESSFUL' | 'FAILED';
  statusReasons?: string[];
}

export interface PlannedOutcome {
  gatewayId?: string;
  status: 'UPDATE_UNSUCCESSFUL' | 'FAILED';
  statusReasons: string[];
}

export class FrontState implements Overlay {
  /** `${poolId}/${clientId}` → secrets. */
  readonly secrets = new Map<string, ClientSecrets>();
  /** `${poolId}/${clientId}` → when the client was created (seen through the front). */
  readonly clientCreated = new Map<string, Date>();
  /** ManagedLoginBrandingId → style. */
  readonly brandings = new Map<string, Branding>();
  /** Domain prefix → ManagedLoginVersion (moto does not keep it). */
  readonly domainVersions = new Map<string, number>();
  /** `${poolId}/${identifier}` → update or deletion moto cannot do. */
  readonly resourceServers = new Map<string, ResourceServerPatch>();
  /** gatewayId → status machine. */
  readonly gatewayPhases = new Map<string, GatewayPhase>();
  /** gatewayId → fields moto drops (wafConfiguration, customTransformConfiguration). */
  readonly gatewayExtras = new Map<string, Record<string, unknown>>();
  /** CreateGateway clientToken → the gateway it created (idempotency). */
  readonly gatewayTokens = new Map<string, { gatewayId: string; request: string }>();
  /** Outcomes planned by tests for the next gateway Create/Update. */
  readonly plannedOutcomes: PlannedOutcome[] = [];
  /** poolId → DeletionProtection (moto does not keep it). */
  readonly deletionProtection = new Map<string, 'ACTIVE' | 'INACTIVE'>();
  /** Function name → when it leaves Pending (Active) and when its last update ends (lambda.ts). */
  readonly functions = new Map<string, { activeAt: number; updatedAt: number; arn?: string }>();
  /** Role ARN (and name) → when CreateRole made it (lambda.ts: not assumable at once). */
  readonly rolesCreated = new Map<string, number>();
  /** Parameter name → when it was deleted (ssm.ts: not reusable for 30 s). */
  readonly parametersDeleted = new Map<string, number>();

  constructor(private readonly motoCognito: () => CognitoIdentityProviderClient) {}

  reset(): void {
    this.secrets.clear();
    this.clientCreated.clear();
    this.brandings.clear();
    this.domainVersions.clear();
    this.resourceServers.clear();
    this.gatewayPhases.clear();
    this.gatewayExtras.clear();
    this.gatewayTokens.clear();
    this.plannedOutcomes.length = 0;
    this.deletionProtection.clear();
    this.functions.clear();
    this.rolesCreated.clear();
    this.parametersDeleted.clear();
  }

  static newSecretValue(): string {
    // Cognito's generated secrets are 51-52 characters of [a-z0-9] (base32-like); shape only.
    return randomBytes(32).toString('base64url').replace(/[-_]/g, '').toLowerCase().slice(0, 51).padEnd(51, '0');
  }

  static newBrandingId(): string {
    return randomUUID();
  }

  // ── Overlay (types.ts) ────────────────────────────────────────────────────────────────
  async clientSecrets(poolId: string, clientId: string): Promise<string[]> {
    const { DescribeUserPoolClientCommand } = await import('@aws-sdk/client-cognito-identity-provider');
    let original: string | undefined;
    try {
      original = (await this.motoCognito().send(new DescribeUserPoolClientCommand({ UserPoolId: poolId, ClientId: clientId }))).UserPoolClient?.ClientSecret;
    } catch {
      return [];
    }
    const s = this.secrets.get(`${poolId}/${clientId}`);
    const out: string[] = [];
    if (original && !s?.original?.deleted) out.push(original);
    for (const a of s?.added ?? []) out.push(a.value);
    return out;
  }

  managedLoginVersion(domain: string): number | undefined {
    const prefix = domain.split('.')[0] ?? domain;
    return this.domainVersions.get(prefix);
  }

  hasBranding(poolId: string, clientId: string): boolean {
    for (const b of this.brandings.values()) if (b.UserPoolId === poolId && b.ClientId === clientId) return true;
    return false;
  }
}
