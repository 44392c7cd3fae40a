import { Command } from 'commander';
import { runAction, type Holder } from '../lib/context.js';
import type { Output } from '../lib/output.js';
import { DEFAULT_POOL_NAME, DEFAULT_RESOURCE_SERVER, DEFAULT_RESOURCE_SERVER_NAME } from '../domain/oauth.js';
import { parseInitPoolFlags, prepareInitPool, type InitPoolFlags, type InitPoolInput, type InitPoolResult } from '../workflows/init-pool.js';
import type { Ctx } from '../lib/context.js';

export { parseInitPoolFlags, suggestDomainPrefix, type InitPoolFlags, type InitPoolInput, type InitPoolResult } from '../workflows/init-pool.js';

/** init-pool: read, plan, approve once, apply. */
export async function initPool(input: InitPoolInput, ctx: Ctx): Promise<InitPoolResult> {
  return ctx.run(await prepareInitPool(input, ctx));
}

export function renderInitPool(r: InitPoolResult, out: Output): string {
  const rows: [string, string][] = [
    ['Region', r.region],
    ['User pool', `${r.userPoolName}${r.userPoolId ? ` (${r.userPoolId})` : ''}`],
    ['Domain', r.domain],
    ['Issuer', r.issuer ?? '(after creation)'],
    ['Discovery URL', r.discoveryUrl ?? '(after creation)'],
    ['Authorization URL', r.authorizationUrl],
    ['Token URL', r.tokenUrl],
    ['Scopes', r.resourceServer.scopes.join(' ')],
  ];
  const planned = r.plan?.length ?? 0;
  const what = r.dryRun
    ? `dry run: ${planned ? `${planned} change${planned > 1 ? 's' : ''} planned (shown above)` : 'nothing to change'}; nothing was changed`
    : r.created.length || r.updated.length
      ? `created: ${r.created.join(', ') || 'nothing'}; updated: ${r.updated.join(', ') || 'nothing'}`
      : 'nothing to change';
  return `${out.table(rows)}\n\n${out.c.dim(what)}\nNext: ${out.c.cyan('mcp-cognito create-client --preset copilot-studio')}`;
}

export function initPoolCommand(holder: Holder): Command {
  return new Command('init-pool')
    .description('Create or adopt a Cognito user pool, its hosted-UI domain and a resource server with scopes. Idempotent: a second run creates nothing; missing scopes are added, none removed.')
    .option('--pool-name <name>', `user pool name to adopt or create (default "${DEFAULT_POOL_NAME}")`)
    .option('--pool-id <id>', 'adopt this existing user pool')
    .option('--domain <prefix>', 'hosted-UI domain prefix (default: from the pool name plus a random suffix)')
    .option('--resource-server <id>', 'resource server identifier', DEFAULT_RESOURCE_SERVER)
    .option('--resource-server-name <name>', 'resource server name', DEFAULT_RESOURCE_SERVER_NAME)
    .option('--scope <name[=description]>', 'scope (repeatable; default "invoke=Invoke MCP server tools")', (v: string, p: string[] = []) => [...p, v])
    .option('--managed-login', 'use managed login (version 2) for a new domain instead of the classic hosted UI')
    .option('--wait-timeout <seconds>', 'how long to wait for the domain to become ACTIVE', '120')
    .addHelpText('after', '\nExamples:\n  $ mcp-cognito init-pool\n  $ mcp-cognito init-pool --pool-name my-mcp --domain my-mcp-auth --scope invoke --scope admin="Admin tools"\n  $ mcp-cognito init-pool --pool-id us-east-1_AbC123xyz --dry-run')
    .action(
      runAction<InitPoolFlags, InitPoolResult>('init-pool', holder, async (flags, ctx) => {
        const input = parseInitPoolFlags(flags);
        return { result: await initPool(input, ctx), render: renderInitPool };
      }),
    );
}
