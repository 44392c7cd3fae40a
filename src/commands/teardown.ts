import { Command } from 'commander';
import { runAction, type Holder } from '../lib/context.js';
import type { Output } from '../lib/output.js';
import { parseSeconds } from '../lib/seconds.js';
import { DEFAULT_GATEWAY_WAIT_SECONDS } from '../domain/oauth.js';
import { ALLOW_ANY_CLIENT_FLAG } from '../steps/gateway/deauthorize.js';
import { FACADE_REMOVE_COMMAND, prepareTeardown, type TeardownResult } from '../workflows/teardown.js';

interface TeardownFlags {
  allowAnyClient?: boolean;
  wait?: boolean;
  waitTimeout?: string;
}

const what = (x: { kind: string; id: string }) => (x.kind === 'userPool' ? `user pool ${x.id}` : x.kind === 'resourceServer' ? `resource server ${x.id}` : x.kind === 'client' ? `app client ${x.id}` : `${x.kind} ${x.id}`);

export function renderTeardown(r: TeardownResult, out: Output): string {
  const own = r.deleted.filter((d) => !d.withPool);
  if (!r.changed && own.length === 0 && r.gateways.length === 0) return `Nothing to remove: nothing this tool created is left${r.kept.length ? ` (${r.kept.length} kept: not created by this tool)` : ''}.`;
  const verb = r.changed ? 'Removed' : 'Would remove';
  const lines = [
    ...r.gateways.map((g) => `${g.removed.join(', ')} from gateway ${g.gatewayName ?? g.gatewayId} (allowed clients now: ${g.allowedClients.join(', ') || 'none: any client of the pool'})`),
    ...own.map(what),
  ];
  const withPool = r.deleted.filter((d) => d.withPool);
  const rows: [string, string][] = [
    [verb, lines.join('\n' + ' '.repeat(verb.length + 4))],
    ...(withPool.length ? ([['With the pool', withPool.map(what).join(', ')]] as [string, string][]) : []),
    ...(r.kept.length ? ([['Kept', r.kept.map((k) => (k.kind === 'gateway' ? `gateway ${k.id}` : what(k))).join(', ')]] as [string, string][]) : []),
  ];
  return `${r.changed ? 'Teardown done.' : 'Teardown planned (nothing was changed).'}\n${out.table(rows)}`;
}

export function teardownCommand(holder: Holder): Command {
  return new Command('teardown')
    .description(
      `Remove what mcp-cognito created, as the state file records it, in reverse order: the façade (refused with a sentence naming \`${FACADE_REMOVE_COMMAND}\` while the state records one), the clients it added to a gateway's allowedClients (never the gateway, nor any other setting of it), app clients, users, groups, the resource server, the hosted-UI domain, the user pool. Anything it adopted (found existing and used), or that an older state file does not record as created, is kept and listed. A pool it created is deleted whole (its domain first) unless it holds clients or users the tool did not create, or has deletion protection: then only what the tool created in it goes. The plan lists every deletion and what is kept; confirm, or --yes; --dry-run shows it only. A second run has nothing to do. Leaving a gateway's allowedClients empty (which lets any client of the pool in) is refused unless ${ALLOW_ANY_CLIENT_FLAG}.`,
    )
    .option(ALLOW_ANY_CLIENT_FLAG, "allow a gateway's allowed clients to become empty, which lets any client of the pool in")
    .option('--no-wait', 'do not wait for a gateway to be READY again')
    .option('--wait-timeout <seconds>', `how long to wait for a gateway or a domain deletion (default ${DEFAULT_GATEWAY_WAIT_SECONDS})`)
    .addHelpText('after', '\nExamples:\n  $ mcp-cognito teardown --dry-run\n  $ mcp-cognito teardown --yes\n  $ mcp-cognito teardown --state trial/mcp-cognito.json --yes --json')
    .action(
      runAction<TeardownFlags, TeardownResult>('teardown', holder, async (flags, ctx) => {
        const waitTimeoutSeconds = parseSeconds(flags.waitTimeout, DEFAULT_GATEWAY_WAIT_SECONDS, '--wait-timeout');
        const prepared = await prepareTeardown({ allowAnyClient: Boolean(flags.allowAnyClient), wait: flags.wait !== false, waitTimeoutSeconds }, ctx);
        return { result: await ctx.run(prepared), render: renderTeardown };
      }),
    );
}
