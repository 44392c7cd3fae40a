/**
 * The Lambda function's entry (bundled to dist/facade-lambda.mjs). Configuration comes from the
 * environment, which holds no secret: the app client secret and the signing key are SSM
 * SecureString parameters named there, read once at cold start with the AWS SDK v3 the Node.js
 * runtime bundles (kept external by the bundle). Each request is logged as one JSON line without
 * query strings, headers or bodies.
 */
import type { FacadeHandler } from './index.js';
import { ENV } from './env.js';
import { facadeFromEnvironment, secretParameterNames } from './environment.js';
import { streamingHandler, type AwsLambdaGlobal, type FunctionUrlEvent } from './lambda.js';

export { ENV };

async function readSecrets(names: string[]): Promise<Map<string, string>> {
  const { SSMClient, GetParametersCommand } = await import('@aws-sdk/client-ssm');
  const out = await new SSMClient({}).send(new GetParametersCommand({ Names: names, WithDecryption: true }));
  if (out.InvalidParameters?.length) throw new Error(`SSM parameters not found: ${out.InvalidParameters.join(', ')}`);
  return new Map((out.Parameters ?? []).map((p) => [p.Name!, p.Value!]));
}

let built: Promise<FacadeHandler> | undefined;

function build(event: FunctionUrlEvent): Promise<FacadeHandler> {
  built ??= (async () => {
    const secrets = await readSecrets(secretParameterNames(process.env));
    return facadeFromEnvironment(process.env, secrets, event.requestContext.domainName, { log: (entry) => console.log(JSON.stringify(entry)), refreshSecrets: readSecrets });
  })().catch((e: unknown) => {
    built = undefined;
    throw e;
  });
  return built;
}

const awslambda = (globalThis as { awslambda?: AwsLambdaGlobal }).awslambda;
if (!awslambda) throw new Error('This module runs in the AWS Lambda Node.js runtime (awslambda is missing).');

export const handler = streamingHandler(awslambda, build);
