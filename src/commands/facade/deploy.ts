/**
 * `facade deploy | status | remove`: the façade as an AWS Lambda function behind a function URL.
 * Why a function URL and not API Gateway: it streams responses (invoke mode RESPONSE_STREAM), which
 * MCP's Streamable HTTP needs for SSE answers, and it has no API Gateway integration timeout
 * (29-30 s) on a slow tool call.
 */
import { existsSync, readFileSync } from 'node:fs';
import { dirname, join } from 'node:path';
import { fileURLToPath } from 'node:url';
import { CliError } from '../../lib/errors.js';
import type { Ctx } from '../../lib/context.js';
import type { Output } from '../../lib/output.js';
import { FacadeName, KmsKeyArn, check } from '../../lib/validate.js';
import { CLAUDE_AI_CALLBACKS, DEFAULT_GATEWAY_WAIT_SECONDS } from '../../domain/oauth.js';
import { prepareFacadeDeploy, type FacadeDeployResult } from '../../workflows/facade-deploy.js';
import { prepareFacadeRemoval, type FacadeRemoveResult } from '../../steps/facade/remove.js';
import { readFacadeStatus, type FacadeStatus } from '../../steps/facade/status.js';
import { DEFAULT_FACADE_NAME } from '../../steps/facade/resources.js';
import { allowedRedirects, clientMetadataFlag } from './shared.js';
import { renderCopilotStudioDynamic } from '../../lib/copilot-form.js';

export interface DeployFlags {
  name?: string;
  poolId?: string;
  clientId?: string;
  gatewayId?: string;
  allowRedirect?: string[];
  claudeAi?: boolean;
  copilotStudio?: boolean;
  kmsKeyArn?: string;
  clientMetadata?: string;
  wait?: boolean;
  waitTimeout?: string;
}

/** The façade's Lambda bundle, built beside the CLI (dist/facade-lambda.mjs; this code runs from dist/ or dist/chunks/). */
export function facadeBundle(): Buffer {
  const here = dirname(fileURLToPath(import.meta.url));
  const file = [join(here, 'facade-lambda.mjs'), join(here, '..', 'facade-lambda.mjs')].find((f) => existsSync(f)) ?? join(here, 'facade-lambda.mjs');
  if (!existsSync(file)) throw new CliError(`The façade's Lambda bundle ${file} is missing.`, { code: 'INTERNAL', hint: 'Reinstall mcp-cognito (or run npm run build in a checkout).' });
  return readFileSync(file);
}

export function parseDeployFlags(f: DeployFlags) {
  const name = check(FacadeName, f.name ?? DEFAULT_FACADE_NAME, '--name');
  const extra = allowedRedirects(f.allowRedirect ?? []);
  const kmsKeyArn = f.kmsKeyArn === undefined ? undefined : check(KmsKeyArn, f.kmsKeyArn, '--kms-key-arn');
  const timeout = f.waitTimeout === undefined ? DEFAULT_GATEWAY_WAIT_SECONDS : Number(f.waitTimeout);
  if (!Number.isInteger(timeout) || timeout < 1 || timeout > 3600) throw new CliError('--wait-timeout must be a whole number of seconds between 1 and 3600.', { code: 'INVALID_INPUT', exit: 2 });
  return { name, poolId: f.poolId, clientId: f.clientId, gatewayId: f.gatewayId, allowedRedirectUris: [...new Set([...(f.claudeAi === false ? [] : CLAUDE_AI_CALLBACKS), ...extra])], ...(f.copilotStudio === undefined ? {} : { copilotStudio: f.copilotStudio }), ...(kmsKeyArn ? { kmsKeyArn } : {}), clientMetadata: clientMetadataFlag(f.clientMetadata), wait: f.wait !== false, waitTimeoutSeconds: timeout };
}

export async function deployFacade(f: DeployFlags, ctx: Ctx): Promise<FacadeDeployResult> {
  const input = parseDeployFlags(f);
  return ctx.run(await prepareFacadeDeploy({ ...input, bundle: facadeBundle() }, ctx));
}

export function renderDeploy(r: FacadeDeployResult, out: Output): string {
  const head = r.changed ? `Deployed the OAuth façade ${r.functionName}: ${r.changes.join('; ')}.` : r.url ? `The OAuth façade ${r.functionName} is deployed; nothing changed.` : `Would deploy the OAuth façade ${r.functionName} (nothing was changed).`;
  if (!r.url) return head;
  const lines = [head, out.table([['MCP URL', r.mcpUrl!], ['Function', r.functionName], ['Role', r.roleName], ['Parameters', r.parameterNames.join(', ')]])];
  if (r.copilotStudio) lines.push('', renderCopilotStudioDynamic(r.mcpUrl!, out));
  lines.push('', 'Add it to Claude Code (or claude.ai → Connectors):', `  ${r.claudeCommand}`, 'or to Codex:', `  ${r.codexCommand}`);
  return lines.join('\n');
}

export async function facadeStatus(ctx: Ctx): Promise<FacadeStatus> {
  let bundle: Buffer | undefined;
  try {
    bundle = facadeBundle();
  } catch {
    /* status works without it */
  }
  const s = await readFacadeStatus(ctx, bundle ? { bundle } : {});
  if (!s.healthy && s.recorded) {
    // The report first (stdout), then exit 1; --json carries it in the failure envelope.
    if (!ctx.out.json) ctx.out.result(s, renderStatus);
    throw new CliError(`The OAuth façade ${s.functionName} has ${s.problems.length > 1 ? `${s.problems.length} problems` : 'a problem'}.`, { code: 'CHECKS_FAILED', hint: s.problems.some((p) => p.includes('mcp-cognito facade deploy')) ? 'Run mcp-cognito facade deploy.' : 'See the problems above.', result: s as unknown as Record<string, unknown> });
  }
  if (!s.healthy) process.exitCode = 1;
  return s;
}

export function renderStatus(s: FacadeStatus, out: Output): string {
  if (!s.recorded) return s.problems.join('\n');
  const rows: [string, string][] = [
    ['Function', `${s.functionName} (${s.functionState ?? 'missing'}${s.lastUpdateStatus ? `, last update ${s.lastUpdateStatus}` : ''})`],
    ['MCP URL', s.mcpUrl ?? '(no function URL)'],
    ['Invoke mode', s.invokeMode ?? '-'],
    ['Copilot Studio', s.copilotStudio ? 'allowed (Dynamic discovery)' : 'not allowed (facade deploy --copilot-studio allows it)'],
    ['Drift', s.drift.length ? s.drift.join(', ') : 'none'],
    ['Code', s.codeOutdated === undefined ? 'not compared' : s.codeOutdated ? 'differs from this version (facade deploy updates it)' : 'this version'],
  ];
  return [s.healthy ? `The OAuth façade ${s.functionName} is healthy.` : `The OAuth façade ${s.functionName} has problems:`, ...s.problems.map((p) => `  - ${p}`), out.table(rows)].join('\n');
}

export async function removeFacade(ctx: Ctx): Promise<FacadeRemoveResult> {
  return ctx.run(await prepareFacadeRemoval(ctx));
}

export function renderRemove(r: FacadeRemoveResult): string {
  if (!r.functionName) return 'No façade to remove.';
  if (!r.changed) return `Nothing removed (the façade ${r.functionName} ${r.removed.length ? '' : 'is gone or '}was not changed).`;
  return `Removed the OAuth façade ${r.functionName}: ${[...r.removed, ...(r.callbackRemoved ? ['its callback on the client'] : [])].join('; ')}.`;
}
