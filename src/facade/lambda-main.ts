/**
 * The Lambda function's entry (bundled to dist/facade-lambda.mjs). Configuration comes from the
 * environment, which holds no secret: the app client secret and the signing key are SSM
 * SecureString parameters named there, read once at cold start with the AWS SDK v3 the Node.js
 * runtime bundles (kept external by the bundle). Each request is logged as one JSON line without
 * query strings, headers or bodies.
 */
import { createFacade, type FacadeHandler } from './index.js';
import { ENV } from './env.js';
import { streamingHandler, type AwsLambdaGlobal, type FunctionUrlEvent } from './lambda.js';

export { ENV };

function env(name: string, required = true): string {
  const v = process.env[name];
  if (!v && required) throw new Error(`The façade's environment lacks ${name}.`);
  return v ?? '';
}

async function readSecrets(names: string[]): Promise<Map<string, string>> {
  const { SSMClient, GetParametersCommand } = await import('@aws-sdk/client-ssm');
  const out = await new SSMClient({}).send(new GetParametersCommand({ Names: names, WithDecryption: true }));
  if (out.InvalidParameters?.length) throw new Error(`SSM parameters not found: ${out.InvalidParameters.join(', ')}`);
  return new Map((out.Parameters ?? []).map((p) => [p.Name!, p.Value!]));
}

let built: Promise<FacadeHandler> | undefined;

function build(event: FunctionUrlEvent): Promise<FacadeHandler> {
  built ??= (async () => {
    const secretName = env(ENV.clientSecretParameter, false);
    const keyName = env(ENV.signingKeyParameter);
    const secrets = await readSecrets(secretName ? [keyName, secretName] : [keyName]);
    const list = (name: string) => env(name, false).split(/\s+/).filter(Boolean);
    return createFacade({
      publicUrl: env(ENV.publicUrl, false) || `https://${event.requestContext.domainName}`,
      // Behind a custom domain (FACADE_PUBLIC_URL) the function URL's own host arrives: not checked then.
      checkHost: !env(ENV.publicUrl, false),
      clientMetadata: env(ENV.clientMetadata, false) !== 'off',
      cognito: {
        region: env(ENV.region, false) || env('AWS_REGION'),
        userPoolId: env(ENV.userPoolId),
        domainUrl: env(ENV.domainUrl),
        clientId: env(ENV.clientId),
        clientSecret: secretName ? secrets.get(secretName) : undefined,
        ...(secretName ? { refreshClientSecret: async () => (await readSecrets([secretName])).get(secretName) } : {}),
      },
      gatewayUrl: env(ENV.gatewayUrl),
      allowedRedirectUris: list(ENV.allowedRedirectUris),
      scopes: list(ENV.scopes),
      signingKey: secrets.get(keyName)!,
      log: (entry) => console.log(JSON.stringify(entry)),
    });
  })().catch((e: unknown) => {
    built = undefined;
    throw e;
  });
  return built;
}

const awslambda = (globalThis as { awslambda?: AwsLambdaGlobal }).awslambda;
if (!awslambda) throw new Error('This module runs in the AWS Lambda Node.js runtime (awslambda is missing).');

export const handler = streamingHandler(awslambda, build);
