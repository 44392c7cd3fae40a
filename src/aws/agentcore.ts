import { agentcoreSender, collect, pagedClient, type AwsSettings } from './clients.js';
import type { GetGatewayResponse, GatewaySummary, UpdateGatewayRequest, UpdateGatewayResponse } from '@aws-sdk/client-bedrock-agentcore-control';
import type { TargetSummary, GetGatewayTargetResponse, GetOauth2CredentialProviderResponse } from '@aws-sdk/client-bedrock-agentcore-control';

export type { GetGatewayResponse, GatewaySummary, UpdateGatewayRequest, UpdateGatewayResponse };
export type { TargetSummary, GetGatewayTargetResponse, GetOauth2CredentialProviderResponse };

/** Thin wrappers over the AgentCore control-plane gateway APIs. They never print, prompt or exit. */
export async function agentcoreApi(settings: AwsSettings) {
  const { m, sender } = await agentcoreSender(settings);
  const client = pagedClient(sender);
  return {
    sender,
    module: m,

    /** GetGateway. `fresh` bypasses the per-run read cache (status polling). */
    async getGateway(gatewayId: string, opts: { fresh?: boolean } = {}): Promise<GetGatewayResponse> {
      return sender.send<GetGatewayResponse>(new m.GetGatewayCommand({ gatewayIdentifier: gatewayId }), opts);
    },

    /**
     * UpdateGateway (HTTP PUT, a full replacement): build `request` with
     * rmw.ts#toUpdateGatewayRequest from GetGateway. Accepted means UPDATING, not done.
     */
    async updateGateway(request: UpdateGatewayRequest): Promise<UpdateGatewayResponse> {
      // Once, without the SDK's retry: the merge loop (src/steps/merge.ts) reads, merges and writes again instead.
      return sender.send<UpdateGatewayResponse>(new m.UpdateGatewayCommand(request), { once: true });
    },

    /** ListGateways over every page. */
    async listGateways(): Promise<GatewaySummary[]> {
      return collect(m.paginateListGateways({ client, pageSize: 100 }, {}), (p) => p.items);
    },

    /** ListGatewayTargets over every page (summaries: id, name, status). */
    async listGatewayTargets(gatewayId: string): Promise<TargetSummary[]> {
      return collect(m.paginateListGatewayTargets({ client, pageSize: 100 }, { gatewayIdentifier: gatewayId }), (p) => p.items);
    },

    /** GetGatewayTarget: status, statusReasons, credentialProviderConfigurations. */
    async getGatewayTarget(gatewayId: string, targetId: string): Promise<GetGatewayTargetResponse> {
      return sender.send<GetGatewayTargetResponse>(new m.GetGatewayTargetCommand({ gatewayIdentifier: gatewayId, targetId }));
    },

    /** GetOauth2CredentialProvider (by name, the last segment of the provider ARN). */
    async getOauth2CredentialProvider(name: string): Promise<GetOauth2CredentialProviderResponse> {
      return sender.send<GetOauth2CredentialProviderResponse>(new m.GetOauth2CredentialProviderCommand({ name }));
    },
  };
}

export type AgentCoreApi = Awaited<ReturnType<typeof agentcoreApi>>;
