import { Command } from 'commander';
import { CliError, UsageError } from '../lib/errors.js';
import { prepareAuthorizeClient, type AuthorizeClientResult } from '../workflows/authorize-client.js';
import { runAction, type Ctx, type Holder } from '../lib/context.js';
import type { Output } from '../lib/output.js';
import { GatewayId, GatewayScope, McpVersion, check } from '../lib/validate.js';
import { AGENTCORE_MCP_VERSIONS, COPILOT_STUDIO_MCP_VERSION, DEFAULT_GATEWAY_WAIT_SECONDS } from '../domain/oauth.js';
import { parseSeconds } from '../lib/seconds.js';

export const DEFAULT_WAIT_TIMEOUT_SECONDS = DEFAULT_GATEWAY_WAIT_SECONDS;
export { mergeGatewayAuthorization, waitForGatewayReady, type ClientGrant, type GatewayMerge } from '../steps/gateway/authorize.js';
export type { AuthorizeClientResult } from '../workflows/authorize-client.js';

export interface AuthorizeClientInput {
  poolId?: string;
  /** Default: the state's gateway; on a terminal, picked from the account's gateways. */
  gatewayId?: string;
  /** Default: every client in the state file. */
  clientIds?: string[];
  /** Poll GetGateway until READY after the update (default true). */
  wait: boolean;
  waitTimeoutSeconds: number;
  /** Start an allow-list on a gateway that checks no client ID (--restrict-clients). */
  restrictClients?: boolean;
  /** Scopes to add to allowedScopes (--allowed-scope, validated). */
  allowedScopes?: string[];
  /** Start a scope rule on a gateway that checks no scope (--restrict-scopes). */
  restrictScopes?: boolean;
  /** MCP versions to add to supportedVersions (--mcp-version, validated). */
  mcpVersions?: string[];
}

interface AuthorizeClientFlags {
  poolId?: string;
  gatewayId?: string;
  clientId?: string[];
  wait?: boolean;
  waitTimeout?: string;
  restrictClients?: boolean;
  allowedScope?: string[];
  restrictScopes?: boolean;
  mcpVersion?: string[];
}

/** The flags, checked before any AWS call (exit 2 on a bad value). */
export function parseAuthorizeClientFlags(f: AuthorizeClientFlags): AuthorizeClientInput {
  const allowedScopes = [...new Set((f.allowedScope ?? []).map((s) => check(GatewayScope, s, '--allowed-scope')))];
  const mcpVersions = [...new Set((f.mcpVersion ?? []).map((v) => check(McpVersion, v, '--mcp-version')))];
  if (f.restrictScopes && !allowedScopes.length) throw new UsageError('--restrict-scopes needs the scopes to require: pass --allowed-scope <scope>.');
  return {
    poolId: f.poolId,
    gatewayId: f.gatewayId,
    clientIds: f.clientId?.length ? [...new Set(f.clientId)] : undefined,
    wait: f.wait !== false,
    waitTimeoutSeconds: parseSeconds(f.waitTimeout, DEFAULT_WAIT_TIMEOUT_SECONDS, '--wait-timeout'),
    ...(f.restrictClients ? { restrictClients: true } : {}),
    ...(allowedScopes.length ? { allowedScopes } : {}),
    ...(f.restrictScopes ? { restrictScopes: true } : {}),
    ...(mcpVersions.length ? { mcpVersions } : {}),
  };
}

/** Only scopes or MCP versions asked for: the clients are optional. */
const listsOnly = (input: AuthorizeClientInput) => !input.clientIds && Boolean(input.allowedScopes?.length || input.mcpVersions?.length);

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
    choices: gateways.map((g) => ({ name: `${g.name} (${g.gatewayId}) ${g.authorizerType ?? ''} ${g.status ?? ''}`.trim(), value: g.gatewayId!, disabled: g.authorizerType && g.authorizerType !== 'CUSTOM_JWT' && g.authorizerType !== 'AUTHENTICATE_ONLY' ? `${g.authorizerType} authorizer` : false })),
  });
}

function resolveClientIds(input: AuthorizeClientInput, ctx: Ctx): string[] {
  if (input.clientIds) return input.clientIds.map((id) => ctx.clientId(id));
  const ids = (ctx.state.get().clients ?? []).map((c) => c.clientId);
  if (ids.length === 0 && !listsOnly(input)) throw new UsageError('No app client: pass --client-id, or run `mcp-cognito create-client` first so the state file knows it.');
  return ids;
}

/** authorize-client: resolve the gateway and clients (a pick on a terminal), read, plan, approve once, apply. */
export async function authorizeClient(input: AuthorizeClientInput, ctx: Ctx): Promise<AuthorizeClientResult> {
  const clientIds = resolveClientIds(input, ctx);
  // Without clients (only scopes or versions), the pool is the one the gateway trusts.
  const poolId = await ctx.poolId(input.poolId, { required: clientIds.length > 0 });
  const gatewayId = await resolveGatewayId(input, ctx);
  const { clientIds: _c, poolId: _p, gatewayId: _g, ...rest } = input;
  return ctx.run(await prepareAuthorizeClient({ ...rest, poolId, gatewayId, clientIds }, ctx));
}

export function renderAuthorizeClient(r: AuthorizeClientResult, out: Output): string {
  const name = r.gatewayName ?? r.gatewayId;
  const what = [
    r.added.length ? `allowed clients + ${r.added.join(', ')}` : '',
    r.addedScopes.length ? `allowed scopes + ${r.addedScopes.join(', ')}` : '',
    r.addedVersions.length ? `MCP versions + ${r.addedVersions.join(', ')}` : '',
  ].filter(Boolean);
  const open = r.acceptedWithoutAllowList ?? [];
  const head = r.changed
    ? `Updated gateway ${name}${what.length ? `: ${what.join('; ')}` : ' (every setting sent again)'}.`
    : what.length
      ? `Would update gateway ${name}: ${what.join('; ')} (nothing was changed).`
      : open.length
        ? `Nothing to change: gateway ${name} checks no client ID, so it already accepts ${open.join(', ')}.`
        : r.scopesNotChecked?.length
          ? `Nothing to change: gateway ${name} checks no scope, so ${r.scopesNotChecked.join(', ')} ${r.scopesNotChecked.length > 1 ? 'are' : 'is'} not added.`
          : `Nothing to change: gateway ${name} already lets these clients through.`;
  const rows: [string, string][] = [
    ['Gateway', `${name} (${r.gatewayId})${r.status ? ` ${r.status}` : ''}`],
    ...(r.mcpUrl ? ([['MCP endpoint', r.mcpUrl]] as [string, string][]) : []),
    ['Allowed clients', r.allowedClients.join(', ') || '(any client of the pool: the gateway checks no client ID)'],
    ...(r.allowedScopes.length ? ([['Allowed scopes', r.allowedScopes.join(' ')]] as [string, string][]) : []),
    ...(r.supportedVersions.length ? ([['MCP versions', r.supportedVersions.join(', ')]] as [string, string][]) : []),
  ];
  return `${head}\n${out.table(rows)}`;
}

export function authorizeClientCommand(holder: Holder): Command {
  const collect = (v: string, p: string[] = []) => [...p, v];
  return new Command('authorize-client')
    .description(
      `Let app clients through a CUSTOM_JWT gateway, keeping every other gateway setting; nothing is ever removed. A gateway that keeps an allow-list (allowedClients) gains the clients; a gateway without one checks no client ID and already accepts them, so nothing is added unless --restrict-clients starts an allow-list (the plan names who loses access). A gateway that checks scopes gains the clients' custom scopes and every --allowed-scope (a scope rule starts only with --restrict-scopes). supportedVersions gains MCP ${COPILOT_STUDIO_MCP_VERSION} for a Copilot Studio client and every --mcp-version (a gateway that lists none is given every version AgentCore documents). Refused, changing nothing: another authorizer type, a gateway that trusts another pool or Region, a gateway that is CREATING, UPDATING, DELETING or FAILED. A gateway in UPDATE_UNSUCCESSFUL is updated (sending every setting again repairs it). A client counts as Copilot Studio's when the state file says so, or, for clients not in the state file, when it uses the authorization-code flow.`,
    )
    .option('--gateway-id <id>', "gateway (default: the state file's; on a terminal, pick from the account's gateways)")
    .option('--client-id <id>', 'app client to authorize (repeatable; default: every client in the state file)', collect)
    .option('--pool-id <id>', "user pool of the clients (default: the state file's; with only --allowed-scope/--mcp-version, the gateway's)")
    .option('--restrict-clients', 'on a gateway that checks no client ID, start an allow-list with these clients (every other client loses access)')
    .option('--allowed-scope <scope>', 'a scope the gateway should accept, added to allowedScopes (repeatable)', collect)
    .option('--restrict-scopes', 'on a gateway that checks no scope, start a scope rule with the --allowed-scope values (tokens without one lose access)')
    .option('--mcp-version <version>', `an MCP version the gateway should speak, added to supportedVersions (repeatable; ${AGENTCORE_MCP_VERSIONS.join(', ')})`, collect)
    .option('--no-wait', 'return once UpdateGateway is accepted, without waiting for READY')
    .option('--wait-timeout <seconds>', `how long to wait for READY (default ${DEFAULT_WAIT_TIMEOUT_SECONDS})`)
    .addHelpText(
      'after',
      `\nExamples:\n  $ mcp-cognito authorize-client --gateway-id my-gateway-abc1234567\n  $ mcp-cognito authorize-client --client-id <id> --client-id <id2> --yes --no-wait\n  $ mcp-cognito authorize-client --mcp-version ${COPILOT_STUDIO_MCP_VERSION} --allowed-scope mcp/invoke\n  $ mcp-cognito authorize-client --client-id <id> --restrict-clients --dry-run`,
    )
    .action(
      runAction<AuthorizeClientFlags, AuthorizeClientResult>('authorize-client', holder, async (flags, ctx) => {
        const input = parseAuthorizeClientFlags(flags);
        return { result: await authorizeClient(input, ctx), render: renderAuthorizeClient };
      }),
    );
}
