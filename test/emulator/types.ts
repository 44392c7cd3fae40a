/**
 * The contract between the emulator front's control plane (server.ts: the AWS API proxy in front
 * of moto) and its data planes (dataplane/: hosted UI, token endpoint, JWKS, gateway MCP endpoint).
 *
 * Addressing: a data-plane request is one that carries `X-Forwarded-Host: <the host it has on AWS>`
 * (for example `my-prefix.auth.us-east-1.amazoncognito.com`, `cognito-idp.us-east-1.amazonaws.com`,
 * `<gatewayId>.gateway.bedrock-agentcore.us-east-1.amazonaws.com`) with the path it has on AWS.
 * Everything else is an AWS API call and goes through the control plane to moto.
 */
import type { IncomingMessage, ServerResponse } from 'node:http';
import type { CognitoIdentityProviderClient } from '@aws-sdk/client-cognito-identity-provider';
import type { BedrockAgentCoreControlClient } from '@aws-sdk/client-bedrock-agentcore-control';

/** What the control plane keeps beside moto (APIs and fields moto lacks), readable by the data planes. */
export interface Overlay {
  /** Every secret a client holds (moto's ClientSecret plus those added by AddUserPoolClientSecret), newest last. */
  clientSecrets(poolId: string, clientId: string): Promise<string[]>;
  /** The managed-login version of a domain (1 classic hosted UI, 2 managed login); undefined when no domain. */
  managedLoginVersion(domain: string): number | undefined;
  /** True when a managed-login branding style applies to the client (CreateManagedLoginBranding for it, or the pool's default). */
  hasBranding(poolId: string, clientId: string): boolean;
}

export interface DataPlaneOptions {
  region: string;
  /** SDK clients pointed at moto itself (not at the front): moto's raw records. */
  moto: { cognito: CognitoIdentityProviderClient; agentcore: BedrockAgentCoreControlClient };
  /**
   * SDK clients through the front's control plane (internal: never faulted, hooked or counted by `calls()`), which
   * the data planes read pools, clients, resource servers, users and gateways with: they see what AWS would answer,
   * not moto's records (moto holds null or [] where AWS has nothing, after the front's full-replacement updates;
   * resource-server updates and deletions, added client secrets and gateway status live only in the front).
   * Defaults to `moto` when the data plane is built outside a front.
   */
  aws?: { cognito: CognitoIdentityProviderClient; agentcore: BedrockAgentCoreControlClient };
  overlay: Overlay;
  /** MCP tools the gateway data plane lists (default: a small fixed set). */
  tools?: { name: string; description?: string }[];
}

export interface DataPlane {
  /** Serve a data-plane request for `host` (the X-Forwarded-Host value); false when the path is not one of its routes. */
  handle(req: IncomingMessage, res: ServerResponse, host: string): Promise<boolean>;
}

export type CreateDataPlane = (opts: DataPlaneOptions) => DataPlane;
