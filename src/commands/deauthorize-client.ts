import { Command } from 'commander';
import { UsageError } from '../lib/errors.js';
import { runAction, type Ctx, type Holder } from '../lib/context.js';
import type { Output } from '../lib/output.js';
import { parseSeconds } from '../lib/seconds.js';
import { DEFAULT_GATEWAY_WAIT_SECONDS } from '../domain/oauth.js';
import { ALLOW_ANY_CLIENT_FLAG } from '../steps/gateway/deauthorize.js';
import { gatewayOf, prepareDeauthorizeClient, type DeauthorizeClientResult } from '../workflows/deauthorize-client.js';

export type { DeauthorizeClientResult };

interface DeauthorizeClientFlags {
  gatewayId?: string;
  clientId?: string[];
  allowAnyClient?: boolean;
  wait?: boolean;
  waitTimeout?: string;
}

export interface DeauthorizeClientInput {
  gatewayId?: string;
  clientIds: string[];
  allowAnyClient: boolean;
  wait: boolean;
  waitTimeoutSeconds: number;
}

/** Checks that need no AWS call (exit 2): at least one --client-id, each a client ID; the wait timeout. */
export function parseDeauthorizeClientFlags(f: DeauthorizeClientFlags, ctx: Pick<Ctx, 'clientId' | 'gatewayId'>): DeauthorizeClientInput {
  if (!f.clientId?.length) throw new UsageError('Name the client to take off the gateway: --client-id <id> (repeatable).');
  return {
    ...(f.gatewayId !== undefined ? { gatewayId: ctx.gatewayId(f.gatewayId) } : {}),
    clientIds: [...new Set(f.clientId.map((id) => ctx.clientId(id)))],
    allowAnyClient: Boolean(f.allowAnyClient),
    wait: f.wait !== false,
    waitTimeoutSeconds: parseSeconds(f.waitTimeout, DEFAULT_GATEWAY_WAIT_SECONDS, '--wait-timeout'),
  };
}

export function renderDeauthorizeClient(r: DeauthorizeClientResult, out: Output): string {
  const name = r.gatewayName ?? r.gatewayId;
  const head = r.changed
    ? `Updated gateway ${name}: allowed clients − ${r.removed.join(', ')}.`
    : r.removed.length
      ? `Would take ${r.removed.join(', ')} off gateway ${name} (nothing was changed).`
      : `Nothing to change: ${r.notAllowed.join(', ')} ${r.notAllowed.length > 1 ? 'are' : 'is'} not among the allowed clients of gateway ${name}.`;
  const rows: [string, string][] = [
    ['Gateway', `${name} (${r.gatewayId})${r.status ? ` ${r.status}` : ''}`],
    ['Allowed clients', r.allowedClients.join(', ') || '(none: any client of the pool)'],
  ];
  const warn = r.anyClient && r.changed ? `\n${out.c.yellow('The gateway now accepts a token of any app client of the pool it trusts.')}` : '';
  return `${head}\n${out.table(rows)}${warn}`;
}

export function deauthorizeClientCommand(holder: Holder): Command {
  const collect = (v: string, p: string[] = []) => [...p, v];
  return new Command('deauthorize-client')
    .description(
      `Remove app clients from a CUSTOM_JWT gateway's allowedClients, keeping every other gateway setting (allowed scopes, MCP versions, the rest of the list). GetGateway → plan → confirm → re-read, remove, UpdateGateway with every field, wait for READY, read back; a client another writer added meanwhile is kept. An empty allowedClients does not close the gateway: it lets a token of any app client of the pool in, so leaving the list empty is refused unless ${ALLOW_ANY_CLIENT_FLAG} says so. A client that is not on the list: nothing to do (exit 0).`,
    )
    .option('--client-id <id>', 'app client to take off (repeatable; on a terminal, offered from the state file when not given)', collect)
    .option('--gateway-id <id>', "gateway (default: the state file's)")
    .option(ALLOW_ANY_CLIENT_FLAG, 'allow the list to become empty, which lets any client of the pool in')
    .option('--no-wait', 'return once UpdateGateway is accepted, without waiting for READY')
    .option('--wait-timeout <seconds>', `how long to wait for READY (default ${DEFAULT_GATEWAY_WAIT_SECONDS})`)
    .addHelpText('after', '\nExamples:\n  $ mcp-cognito deauthorize-client --client-id <id>\n  $ mcp-cognito deauthorize-client --client-id <id> --client-id <id2> --gateway-id my-gateway-abc1234567 --yes\n  $ mcp-cognito deauthorize-client --client-id <id> --dry-run')
    .action(
      runAction<DeauthorizeClientFlags, DeauthorizeClientResult>('deauthorize-client', holder, async (flags, ctx) => {
        // On a terminal without --client-id: pick from the clients the state file knows (none pre-selected).
        const known = ctx.state.get().clients ?? [];
        if (!flags.clientId?.length && ctx.canPrompt && known.length) {
          flags.clientId = await ctx.prompt.checkbox({ message: 'Which app clients to take off the gateway?', choices: known.map((c) => ({ name: `${c.name} (${c.clientId})`, value: c.clientId })) });
        }
        const input = parseDeauthorizeClientFlags(flags, ctx);
        const gatewayId = gatewayOf(input.gatewayId, ctx, { required: true })!;
        const result = await ctx.run(await prepareDeauthorizeClient({ ...input, gatewayId }, ctx));
        return { result, render: renderDeauthorizeClient };
      }),
    );
}
