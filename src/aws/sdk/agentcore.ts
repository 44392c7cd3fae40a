// The parts of @aws-sdk/client-bedrock-agentcore-control that src/aws uses, by name: importing them so (not through the package's
// index, which re-exports every operation) lets the build leave the other operations' code out.
export {
  BedrockAgentCoreControlClient,
  GetGatewayCommand,
  GetGatewayTargetCommand,
  GetOauth2CredentialProviderCommand,
  UpdateGatewayCommand,
  paginateListGatewayTargets,
  paginateListGateways,
} from '@aws-sdk/client-bedrock-agentcore-control';
