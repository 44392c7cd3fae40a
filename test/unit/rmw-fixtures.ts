/** Rich fixtures (every field set) for the read-modify-write unit tests. */
import type { UserPoolClientType } from '@aws-sdk/client-cognito-identity-provider';
import type { GetGatewayResponse } from '@aws-sdk/client-bedrock-agentcore-control';

/** A described client with every field set (as DescribeUserPoolClient returns it). */
export const RICH_CLIENT: UserPoolClientType = {
  UserPoolId: 'us-east-1_AbC123xyz',
  ClientName: 'copilot-studio-mcp',
  ClientId: 'client1234567890',
  ClientSecret: 'very-secret-value',
  LastModifiedDate: new Date('2026-01-02T00:00:00Z'),
  CreationDate: new Date('2026-01-01T00:00:00Z'),
  RefreshTokenValidity: 10,
  AccessTokenValidity: 30,
  IdTokenValidity: 45,
  TokenValidityUnits: { AccessToken: 'minutes', IdToken: 'minutes', RefreshToken: 'days' },
  ReadAttributes: ['email', 'email_verified', 'name'],
  WriteAttributes: ['name'],
  ExplicitAuthFlows: ['ALLOW_REFRESH_TOKEN_AUTH', 'ALLOW_USER_SRP_AUTH'],
  SupportedIdentityProviders: ['COGNITO', 'Google'],
  CallbackURLs: ['https://placeholder.example.com', 'https://app.example.com/cb'],
  LogoutURLs: ['https://app.example.com/logout'],
  DefaultRedirectURI: 'https://app.example.com/cb',
  AllowedOAuthFlows: ['code'],
  AllowedOAuthScopes: ['openid', 'email', 'mcp/invoke'],
  AllowedOAuthFlowsUserPoolClient: true,
  AnalyticsConfiguration: { ApplicationId: 'app', RoleArn: 'arn:aws:iam::123456789012:role/a', ExternalId: 'x', UserDataShared: true },
  PreventUserExistenceErrors: 'ENABLED',
  EnableTokenRevocation: true,
  EnablePropagateAdditionalUserContextData: true,
  AuthSessionValidity: 7,
  RefreshTokenRotation: { Feature: 'ENABLED', RetryGracePeriodSeconds: 10 },
  ClientType: 'REGULAR' as never,
};

/** A gateway with every field set (as GetGateway returns it). */
export const RICH_GATEWAY: GetGatewayResponse = {
  gatewayArn: 'arn:aws:bedrock-agentcore:us-east-1:123456789012:gateway/mcp-gw-abc1234567',
  gatewayId: 'mcp-gw-abc1234567',
  gatewayUrl: 'https://mcp-gw-abc1234567.gateway.bedrock-agentcore.us-east-1.amazonaws.com',
  createdAt: new Date('2026-01-01T00:00:00Z'),
  updatedAt: new Date('2026-01-02T00:00:00Z'),
  status: 'READY',
  statusReasons: [],
  name: 'mcp-gw',
  description: 'MCP tools',
  roleArn: 'arn:aws:iam::123456789012:role/gw',
  protocolType: 'MCP',
  protocolConfiguration: {
    mcp: {
      supportedVersions: ['2025-03-26', '2025-06-18'],
      instructions: 'Be helpful.',
      searchType: 'SEMANTIC',
      sessionConfiguration: { sessionTimeoutInSeconds: 1800 },
      streamingConfiguration: { enableResponseStreaming: true },
      disableMcpListToolsPagination: true,
    },
  },
  authorizerType: 'CUSTOM_JWT',
  authorizerConfiguration: {
    customJWTAuthorizer: {
      discoveryUrl: 'https://cognito-idp.us-east-1.amazonaws.com/us-east-1_AbC123xyz/.well-known/openid-configuration',
      allowedClients: ['existing1'],
      allowedScopes: ['mcp/invoke'],
      allowedAudience: ['aud1'],
      advertisedScopeMapping: { 'mcp/invoke': 'invoke' },
      customClaims: [
        { inboundTokenClaimName: 'group', inboundTokenClaimValueType: 'STRING', authorizingClaimMatchValue: { claimMatchValue: { matchValueString: 'admins' }, claimMatchOperator: 'EQUALS' } },
      ],
    },
  } as never,
  kmsKeyArn: 'arn:aws:kms:us-east-1:123456789012:key/k',
  customTransformConfiguration: { lambda: { arn: 'arn:aws:lambda:us-east-1:123456789012:function:t' } } as never,
  interceptorConfigurations: [{ interceptor: { lambda: { arn: 'arn:aws:lambda:us-east-1:123456789012:function:i' } }, interceptionPoints: ['REQUEST'] }] as never,
  policyEngineConfiguration: { arn: 'arn:aws:bedrock-agentcore:us-east-1:123456789012:policy-engine/pe', mode: 'ENFORCE' },
  workloadIdentityDetails: { workloadIdentityArn: 'arn:aws:bedrock-agentcore:us-east-1:123456789012:workload-identity-directory/default/workload-identity/x' },
  exceptionLevel: 'DEBUG',
  webAclArn: 'arn:aws:wafv2:us-east-1:123456789012:regional/webacl/w/1',
  wafConfiguration: { failureMode: 'FAIL_CLOSE' } as never,
};
