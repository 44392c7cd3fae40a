/**
 * The façade's copy of its app client's secret (an SSM SecureString parameter made by
 * `facade deploy`). `rotate-secret` stores a newly added secret there, before the old one can be
 * deleted: the façade is a consumer of the secret like any other (and re-reads the parameter when
 * Cognito refuses the secret it holds, src/facade/token.ts). Values never reach a plan or a log.
 */
import type { Ctx } from '../../lib/context.js';
import type { PlanStep } from '../../lib/plan.js';

/** The recorded façade's secret parameter when it serves `clientId`; undefined when none does. */
export function facadeSecretParameter(ctx: Ctx, clientId: string): { name: string; functionName: string; kmsKeyArn?: string } | undefined {
  const f = ctx.state.get().facade;
  if (!f || f.clientId !== clientId) return undefined;
  const name = f.parameterNames.find((p) => p.endsWith('/client-secret'));
  return name ? { name, functionName: f.functionName, ...(f.kmsKeyArn ? { kmsKeyArn: f.kmsKeyArn } : {}) } : undefined;
}

export function planFacadeSecret(p: { name: string; functionName: string }): PlanStep {
  return { action: 'update', resource: `SSM SecureString parameter ${p.name} (the OAuth façade ${p.functionName}'s copy of the secret, not shown)` };
}

/** Overwrites the parameter with the new secret (same KMS key as deploy used). */
export async function storeFacadeSecret(ctx: Ctx, p: { name: string; functionName: string; kmsKeyArn?: string }, value: string): Promise<void> {
  const ssm = await ctx.ssm();
  await ssm.putSecureString(p.name, value, { overwrite: true, description: `App client secret for the OAuth façade ${p.functionName}`, ...(p.kmsKeyArn ? { keyId: p.kmsKeyArn } : {}) });
}
