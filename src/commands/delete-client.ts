import { Command } from 'commander';
import { UsageError } from '../lib/errors.js';
import { runAction, type Holder } from '../lib/context.js';
import type { Output } from '../lib/output.js';
import { parseSeconds } from '../lib/seconds.js';
import { DEFAULT_GATEWAY_WAIT_SECONDS } from '../domain/oauth.js';
import { ALLOW_ANY_CLIENT_FLAG } from '../steps/gateway/deauthorize.js';
import { FORCE_FLAG } from '../steps/facade/owned.js';
import { gatewayOf } from '../workflows/deauthorize-client.js';
import { gatewaysFor, prepareDeleteClient, type DeleteClientResult } from '../workflows/delete-client.js';

interface DeleteClientFlags {
  poolId?: string;
  clientId?: string;
  gatewayId?: string;
  allowAnyClient?: boolean;
  wait?: boolean;
  waitTimeout?: string;
  force?: boolean;
}

export function renderDeleteClient(r: DeleteClientResult, out: Output): string {
  const name = r.clientName ? `${r.clientName} (${r.clientId})` : r.clientId;
  const off = r.gateways.map((g) => `${g.gatewayName ?? g.gatewayId}`).join(', ');
  if (!r.changed && r.alreadyGone && r.gateways.length === 0) return `Nothing to do: app client ${name} does not exist in user pool ${r.userPoolId}.`;
  const head = r.changed
    ? `${r.deleted ? `Deleted app client ${name}` : `App client ${name} was already deleted`}${off ? `; taken off gateway ${off}` : ''}.`
    : `Would ${r.gateways.length ? `take app client ${name} off gateway ${off}${r.alreadyGone ? '' : ' and '}` : ''}${r.alreadyGone ? '' : `delete app client ${name}`} (nothing was changed).`;
  const rows: [string, string][] = r.gateways.map((g) => [`Allowed clients of ${g.gatewayName ?? g.gatewayId}`, g.allowedClients.join(', ') || '(none: any client of the pool)']);
  return rows.length ? `${head}\n${out.table(rows)}` : head;
}

export function deleteClientCommand(holder: Holder): Command {
  return new Command('delete-client')
    .description(
      `Delete an app client: first take it off the gateways that list it in allowedClients (the state file's gateway, --gateway-id, and any gateway the state file records it was added to; every other gateway setting kept, as deauthorize-client does), then DeleteUserPoolClient, then remove it from the state file. Its credentials stop working at once. Plan → confirm (or --yes) → apply; --dry-run shows the plan. A client already gone: said so, exit 0. Leaving a gateway's allowedClients empty (which lets any client of the pool in) is refused unless ${ALLOW_ANY_CLIENT_FLAG}.`,
    )
    .option('--client-id <id>', 'app client to delete (required)')
    .option('--pool-id <id>', "user pool of the client (default: the state file's)")
    .option('--gateway-id <id>', "gateway to take the client off (default: the state file's)")
    .option(ALLOW_ANY_CLIENT_FLAG, "allow a gateway's allowed clients to become empty, which lets any client of the pool in")
    .option(FORCE_FLAG, "delete the OAuth façade's client anyway (breaks the façade; mcp-cognito facade remove is the way to take it away)")
    .option('--no-wait', 'do not wait for the gateway to be READY again')
    .option('--wait-timeout <seconds>', `how long to wait for READY (default ${DEFAULT_GATEWAY_WAIT_SECONDS})`)
    .addHelpText('after', '\nExamples:\n  $ mcp-cognito delete-client --client-id <id> --dry-run\n  $ mcp-cognito delete-client --client-id <id> --yes')
    .action(
      runAction<DeleteClientFlags, DeleteClientResult>('delete-client', holder, async (flags, ctx) => {
        if (flags.clientId === undefined) throw new UsageError('Name the client to delete: --client-id <id>.');
        const clientId = ctx.clientId(flags.clientId);
        const given = flags.gatewayId !== undefined ? ctx.gatewayId(flags.gatewayId) : undefined;
        const waitTimeoutSeconds = parseSeconds(flags.waitTimeout, DEFAULT_GATEWAY_WAIT_SECONDS, '--wait-timeout');
        const poolId = await ctx.poolId(flags.poolId);
        const gatewayIds = gatewaysFor(ctx.state.get(), clientId, [gatewayOf(given, ctx, { required: false })]);
        const prepared = await prepareDeleteClient({ poolId, clientId, gatewayIds, allowAnyClient: Boolean(flags.allowAnyClient), force: Boolean(flags.force), wait: flags.wait !== false, waitTimeoutSeconds }, ctx);
        return { result: await ctx.run(prepared), render: renderDeleteClient };
      }),
    );
}
