/**
 * Rotation reaches the façade (issue 18 §2): when rotate-secret adds a secret to the façade's app
 * client, the new value goes to the façade's SecureString parameter (overwritten), and the
 * function's configuration gets the new secret's ID (FACADE_CLIENT_SECRET_ID: an ID, never the
 * value), which makes Lambda start new instances: they read the parameter at cold start. The state
 * file's façade record then names the ClientSecretId the façade holds (`facade.secretId`), which
 * `rotate-secret --finish` checks before deleting anything. Done under the façade's lock (facade
 * remove takes it too).
 */
import type { Ctx } from '../../lib/context.js';
import { resourceKey, withResourceLock } from '../../lib/resource-lock.js';
import type { StateFacade } from '../../lib/state.js';
import { ENV } from '../../facade/env.js';
import { facadeNames } from './resources.js';

/** The façade's client-secret parameter, as the state records it (deploy's name), if it has one. */
export function facadeSecretParameter(f: StateFacade): string | undefined {
  const name = facadeNames(f.functionName).clientSecretParameter;
  return f.parameterNames.includes(name) ? name : f.parameterNames.find((p) => p.endsWith('/client-secret'));
}

/**
 * Give the deployed façade `value` (the secret `secretId`): parameter, then configuration (waiting
 * until the update is done), then the state record. Throws when a step fails (what was done stays).
 */
export async function giveFacadeSecret(ctx: Ctx, f: StateFacade, secretId: string, value: string, o: { waitTimeoutSeconds?: number } = {}): Promise<void> {
  const parameter = facadeSecretParameter(f);
  if (!parameter) throw new Error(`the state file records no client-secret parameter for the façade ${f.functionName}`);
  await withResourceLock(resourceKey.facade(f.region, f.functionName), `the façade ${f.functionName}`, async () => {
    const [ssm, lambda] = await Promise.all([ctx.ssm(), ctx.lambda()]);
    await ssm.putSecureString(parameter, value, { overwrite: true, description: `App client secret for the OAuth façade ${f.functionName}`, ...(f.kmsKeyArn ? { keyId: f.kmsKeyArn } : {}) });
    ctx.out.step(`Stored the new secret in ${parameter}`);
    const fn = await lambda.getFunction(f.functionName, { fresh: true });
    if (!fn?.Configuration) throw new Error(`Lambda function ${f.functionName} does not exist`);
    const vars = fn.Configuration.Environment?.Variables ?? {};
    if (vars[ENV.clientSecretId] !== secretId) {
      // Every variable as it is, plus the new secret's ID: new instances read the new parameter value.
      await lambda.updateFunctionConfiguration({ FunctionName: f.functionName, Environment: { Variables: { ...vars, [ENV.clientSecretId]: secretId } } });
      await lambda.waitReady(f.functionName, o.waitTimeoutSeconds ?? 120);
    }
    ctx.state.change((s) => (s.facade && s.facade.functionName === f.functionName ? { ...s, facade: { ...s.facade, secretId } } : s));
    ctx.out.step(`The façade ${f.functionName} now uses secret ${secretId} (its running instances were replaced)`);
  });
}
