/**
 * The two discovery documents.
 *
 * RFC 9728 protected-resource metadata for the façade's /mcp names the façade (not Cognito) as the
 * authorization server, so discovery stays on routes the façade serves.
 *
 * RFC 8414 authorization-server metadata: `issuer` is the façade's origin. RFC 8414 §3.3 requires the
 * issuer in the document to be identical to the identifier the well-known URL was built from, and
 * clients that follow it discard a document that differs; the MCP TypeScript SDK binds stored client
 * information and tokens to the URL taken from `authorization_servers`. Access tokens keep Cognito's
 * `iss`: to the client they are opaque (OAuth 2.1 §1.4), and the party that checks `iss` is the
 * gateway, against its own discovery URL (Cognito's). The façade therefore serves no OpenID
 * configuration of its own (an OIDC client would compare an ID token's `iss` with it).
 */
import type { Resolved } from './config.js';

export function protectedResourceMetadata(r: Resolved): Record<string, unknown> {
  return {
    resource: r.resource,
    authorization_servers: [r.issuer],
    bearer_methods_supported: ['header'],
    ...(r.scopes.length ? { scopes_supported: [...r.scopes] } : {}),
    resource_name: 'Amazon Bedrock AgentCore Gateway',
  };
}

export function authorizationServerMetadata(r: Resolved): Record<string, unknown> {
  return {
    issuer: r.issuer,
    authorization_endpoint: `${r.publicUrl}/authorize`,
    token_endpoint: `${r.publicUrl}/token`,
    registration_endpoint: `${r.publicUrl}/register`,
    // Cognito's revocation endpoint needs the client secret the caller does not have: the façade adds it.
    revocation_endpoint: `${r.publicUrl}/revoke`,
    jwks_uri: r.cognito.jwksUrl,
    userinfo_endpoint: r.cognito.userInfoUrl,
    ...(r.scopes.length ? { scopes_supported: [...r.scopes] } : {}),
    response_types_supported: ['code'],
    response_modes_supported: ['query'],
    grant_types_supported: ['authorization_code', 'refresh_token'],
    // With Copilot Studio allowed, a registration may ask for a secret the façade mints (client-secret.ts).
    token_endpoint_auth_methods_supported: r.copilotStudio ? ['none', 'client_secret_post', 'client_secret_basic'] : ['none'],
    revocation_endpoint_auth_methods_supported: ['none'],
    code_challenge_methods_supported: ['S256'],
    // Absent when turned off (--client-metadata off): clients that use documents then register.
    ...(r.clientMetadata ? { client_id_metadata_document_supported: true } : {}),
    // RFC 9207: /callback adds iss=<this issuer> to every response it sends the client.
    authorization_response_iss_parameter_supported: true,
  };
}
