/** The Lambda function's environment variable names: parameter names and public settings only, never a secret. */
export const ENV = {
  publicUrl: 'FACADE_PUBLIC_URL',
  region: 'FACADE_COGNITO_REGION',
  userPoolId: 'FACADE_USER_POOL_ID',
  domainUrl: 'FACADE_HOSTED_UI_URL',
  clientId: 'FACADE_CLIENT_ID',
  gatewayUrl: 'FACADE_GATEWAY_URL',
  allowedRedirectUris: 'FACADE_ALLOWED_REDIRECT_URIS',
  scopes: 'FACADE_SCOPES',
  /** "1": accept Copilot Studio's consent redirects (facade deploy --copilot-studio). */
  copilotStudio: 'FACADE_COPILOT_STUDIO',
  /** "off": client ID metadata documents are not advertised nor accepted (--client-metadata off). */
  clientMetadata: 'FACADE_CLIENT_METADATA',
  clientSecretParameter: 'FACADE_CLIENT_SECRET_PARAMETER',
  signingKeyParameter: 'FACADE_SIGNING_KEY_PARAMETER',
  /** The ClientSecretId whose value the secret parameter holds (an ID, not the secret): rotate-secret changes it to recycle running instances. */
  clientSecretId: 'FACADE_CLIENT_SECRET_ID',
} as const;
