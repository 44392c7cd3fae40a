import { Command } from 'commander';
import { CliError, UsageError } from '../lib/errors.js';
import { prepareAuthorizeClient, type AuthorizeClientResult } from '../steps/gateway-setup.js';
import { runAction, type Ctx, type Holder } from '../lib/context.js';
import type { Output } from '../lib/output.js';
import { GatewayId, check } from '../lib/validate.js';
import { COPILOT_STUDIO_MCP_VERSION, DEFAULT_GATEWAY_WAIT_SECONDS } from '../domain/oauth.js';
import { parseSeconds } from '../lib/seconds.js';

export const DEFAULT_WAIT_TIMEOUT_SECONDS = DEFAULT_GATEWAY_WAIT_SECONDS;
export { mergeGatewayAuthorization, waitForGatewayReady, type ClientGrant, type GatewayMerge } from '../steps/gateway.js';
export type { AuthorizeClientResult } from '../steps/gateway-setup.js';

export interface AuthorizeClientInput {
  poolId?: string;
  /** Default: the state's gateway; on a terminal, picked from the account's gateways. */
  gatewayId?: string;
  /** Default: every client in the state file. */
  clientIds?: string[];
  /** Poll GetGateway until READY after the update (default true). */
  wait: boolean;
  waitTimeoutSeconds: number;
}

interface AuthorizeClientFlags {
  poolId?: string;
  gatewayId?: string;
  clientId?: string[];
  wait?: boolean;
  waitTimeout?: string;
}

export function parseAuthorizeClientFlags(f: AuthorizeClientFlags): AuthorizeClientInput {
  return {
    poolId: f.poolId,
    gatewayId: f.gatewayId,
    clientIds: f.clientId?.length ? [...new Set(f.clientId)] : undefined,
    wait: f.wait !== false,
    waitTimeoutSeconds: parseSeconds(f.waitTimeout, DEFAULT_WAIT_TIMEOUT_SECONDS, '--wait-timeout'),
  };
}

/** The gateway to change: the flag, the state's, or (on a terminal) picked from the account's gateways. */
async function resolveGatewayId(input: AuthorizeClientInput, ctx: Ctx): Promise<string> {
  if (input.gatewayId) return ctx.gatewayId(input.gatewayId);
  const fromState = ctx.state.get().gatewayId;
  // The state file is input too: a malformed ID is an input error (exit 2), never sent to AWS.
  if (fromState) return check(GatewayId, fromState, `The gatewayId in the state file ${ctx.state.path}`);
  if (!ctx.canPrompt) throw new UsageError('No gateway: pass --gateway-id (the state file names none).');
  const agentcore = await ctx.agentcore();
  const gateways = await agentcore.listGateways();
  if (gateways.length === 0) {
    throw new CliError(`There is no AgentCore gateway in ${await ctx.region()}.`, { code: 'NOT_FOUND', hint: 'Create one first (AgentCore console or `agentcore` CLI), or check --region.' });
  }
  return ctx.prompt.select({
    message: 'Which gateway should trust the client?',
    choices: gateways.map((g) => ({ name: `${g.name} (${g.gatewayId}) ${g.authorizerType ?? ''} ${g.status ?? ''}`.trim(), value: g.gatewayId!, disabled: g.authorizerType && g.authorizerType !== 'CUSTOM_JWT' ? `${g.authorizerType} authorizer` : false })),
  });
}

function resolveClientIds(input: AuthorizeClientInput, ctx: Ctx): string[] {
  if (input.clientIds) return input.clientIds.map((id) => ctx.clientId(id));
  const ids = (ctx.state.get().clients ?? []).map((c) => c.clientId);
  if (ids.length === 0) throw new UsageError('No app client: pass --client-id, or run `mcp-cognito create-client` first so the state file knows it.');
  return ids;
}

/** authorize-client: resolve the gateway and clients (a pick on a terminal), read, plan, approve once, apply. */
export async function authorizeClient(input: AuthorizeClientInput, ctx: Ctx): Promise<AuthorizeClientResult> {
  const poolId = await ctx.poolId(input.poolId);
  const clientIds = resolveClientIds(input, ctx);
  const gatewayId = await resolveGatewayId(input, ctx);
  return ctx.run(await prepareAuthorizeClient({ poolId, gatewayId, clientIds, wait: input.wait, waitTimeoutSeconds: input.waitTimeoutSeconds }, ctx));
}

export function renderAuthorizeClient(r: AuthorizeClientResult, out: Output): string {
  const name = r.gatewayName ?? r.gatewayId;
  const what = [
    r.added.length ? `allowed clients + ${r.added.join(', ')}` : '',
    r.addedScopes.length ? `allowed scopes + ${r.addedScopes.join(', ')}` : '',
    r.addedVersions.length ? `MCP versions + ${r.addedVersions.join(', ')}` : '',
  ].filter(Boolean);
  const head = r.changed ? `Updated gateway ${name}: ${what.join('; ')}.` : what.length ? `Would update gateway ${name}: ${what.join('; ')} (nothing was changed).` : `Nothing to change: gateway ${name} already lets these clients through.`;
  const rows: [string, string][] = [
    ['Gateway', `${name} (${r.gatewayId})${r.status ? ` ${r.status}` : ''}`],
    ...(r.gatewayUrl ? ([['Gateway URL', `${r.gatewayUrl}/mcp`]] as [string, string][]) : []),
    ['Allowed clients', r.allowedClients.join(', ') || '(none)'],
    ...(r.allowedScopes.length ? ([['Allowed scopes', r.allowedScopes.join(' ')]] as [string, string][]) : []),
    ...(r.supportedVersions.length ? ([['MCP versions', r.supportedVersions.join(', ')]] as [string, string][]) : []),
  ];
  return `${head}\n${out.table(rows)}`;
}

export function authorizeClientCommand(holder: Holder): Command {
  const collect = (v: string, p: string[] = []) => [...p, v];
  return new Command('authorize-client')
    .description(
      `Add app clients to a CUSTOM_JWT gateway's allowedClients (and, when the gateway checks them, their custom scopes to allowedScopes; for a Copilot Studio client, MCP version ${COPILOT_STUDIO_MCP_VERSION} to the listed supportedVersions), keeping every other gateway setting. Nothing is ever removed. Refused, changing nothing: a gateway with another authorizer type, a gateway that trusts another pool or Region, a gateway that is not READY. A client counts as Copilot Studio's when the state file says so, or, for clients not in the state file, when it uses the authorization-code flow.`,
    )
    .option('--gateway-id <id>', "gateway (default: the state file's; on a terminal, pick from the account's gateways)")
    .option('--client-id <id>', 'app client to authorize (repeatable; default: every client in the state file)', collect)
    .option('--pool-id <id>', "user pool of the clients (default: the state file's)")
    .option('--no-wait', 'return once UpdateGateway is accepted, without waiting for READY')
    .option('--wait-timeout <seconds>', `how long to wait for READY (default ${DEFAULT_WAIT_TIMEOUT_SECONDS})`)
    .addHelpText('after', '\nExamples:\n  $ mcp-cognito authorize-client --gateway-id my-gateway-abc1234567\n  $ mcp-cognito authorize-client --client-id <id> --client-id <id2> --yes --no-wait\n  $ mcp-cognito authorize-client --dry-run')
    .action(
      runAction<AuthorizeClientFlags, AuthorizeClientResult>('authorize-client', holder, async (flags, ctx) => {
        const input = parseAuthorizeClientFlags(flags);
        return { result: await authorizeClient(input, ctx), render: renderAuthorizeClient };
      }),
    );
}
