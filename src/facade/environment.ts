/**
 * The deployed façade's configuration, read from the Lambda function's environment (public settings
 * and parameter names only, env.ts) plus the SSM SecureString values those names point at. Kept
 * apart from lambda-main.ts (which needs the Lambda runtime's `awslambda` global) so tests build
 * the handler exactly as the deployed function does, from the environment deploy set.
 */
import { createFacade, type FacadeConfig, type FacadeHandler } from './index.js';
import { ENV } from './env.js';

export type Environment = Readonly<Record<string, string | undefined>>;

function read(env: Environment, name: string, required = true): string {
  const v = env[name];
  if (!v && required) throw new Error(`The façade's environment lacks ${name}.`);
  return v ?? '';
}

/** The SSM parameter names the function reads at cold start: the signing key first, then the client secret if any. */
export function secretParameterNames(env: Environment): string[] {
  const secretName = read(env, ENV.clientSecretParameter, false);
  return [read(env, ENV.signingKeyParameter), ...(secretName ? [secretName] : [])];
}

/** The façade for this environment; `secrets` maps parameter names to values; `domainName` is the function URL's host. */
export function facadeFromEnvironment(
  env: Environment,
  secrets: ReadonlyMap<string, string>,
  domainName: string | undefined,
  extra: Pick<FacadeConfig, 'fetch' | 'log' | 'now'> & { /** Reads parameters again (the client secret, when Cognito refuses the one in hand). */ refreshSecrets?: (names: string[]) => Promise<ReadonlyMap<string, string>> } = {},
): FacadeHandler {
  const { refreshSecrets, ...rest } = extra;
  const secretName = read(env, ENV.clientSecretParameter, false);
  const keyName = read(env, ENV.signingKeyParameter);
  const list = (name: string) => read(env, name, false).split(/\s+/).filter(Boolean);
  return createFacade({
    publicUrl: read(env, ENV.publicUrl, false) || `https://${domainName}`,
    // Behind a custom domain (FACADE_PUBLIC_URL) the function URL's own host arrives: not checked then.
    checkHost: !read(env, ENV.publicUrl, false),
    clientMetadata: read(env, ENV.clientMetadata, false) !== 'off',
    cognito: {
      region: read(env, ENV.region, false) || read(env, 'AWS_REGION'),
      userPoolId: read(env, ENV.userPoolId),
      domainUrl: read(env, ENV.domainUrl),
      clientId: read(env, ENV.clientId),
      clientSecret: secretName ? secrets.get(secretName) : undefined,
      ...(secretName && refreshSecrets ? { refreshClientSecret: async () => (await refreshSecrets([secretName])).get(secretName) } : {}),
    },
    gatewayUrl: read(env, ENV.gatewayUrl),
    allowedRedirectUris: list(ENV.allowedRedirectUris),
    copilotStudio: read(env, ENV.copilotStudio, false) === '1',
    scopes: list(ENV.scopes),
    signingKey: secrets.get(keyName)!,
    ...rest,
  });
}
