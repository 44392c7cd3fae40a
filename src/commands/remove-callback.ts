import { Command } from 'commander';
import { UsageError } from '../lib/errors.js';
import { runAction, type Ctx, type Holder } from '../lib/context.js';
import type { Output } from '../lib/output.js';
import { RedirectUrl, check } from '../lib/validate.js';
import type { UserPoolClientType } from '../aws/rmw.js';
import { applyRemoveCallback, planRemoveCallback } from '../steps/client/remove-callbacks.js';
import { chooseClient } from '../steps/client/choose.js';
import { clientNotFound } from '../steps/client/create.js';
import { FORCE_FLAG, refuseFacadeCallbacks } from '../steps/facade/owned.js';

export interface RemoveCallbackInput {
  poolId?: string;
  /** Default: the state file's copilot-studio client, or its only client. */
  clientId?: string;
  urls: string[];
  /** Remove from LogoutURLs instead of CallbackURLs. */
  logout: boolean;
  /** Go ahead on the OAuth façade's callbacks (breaks sign-in through it). */
  force?: boolean;
}

export interface RemoveCallbackResult {
  userPoolId: string;
  clientId: string;
  clientName?: string;
  callbackUrls: string[];
  logoutUrls: string[];
  defaultRedirectUri?: string;
  list: 'callbackUrls' | 'logoutUrls';
  removed: string[];
  /** Given but not registered: nothing to do for them. */
  notRegistered: string[];
  changed: boolean;
}

interface RemoveCallbackFlags {
  poolId?: string;
  clientId?: string;
  logout?: boolean;
  force?: boolean;
}

/** The URLs are checked like add-callback's (a malformed one cannot be registered, so is a typo: exit 2). */
export function parseRemoveCallbackFlags(urls: string[], f: RemoveCallbackFlags): RemoveCallbackInput {
  if (urls.length === 0) throw new UsageError('Give at least one URL: mcp-cognito remove-callback <url...>.');
  const valid = [...new Set(urls.map((u) => check(RedirectUrl, u, f.logout ? 'Logout URL' : 'Callback URL')))];
  return { poolId: f.poolId, clientId: f.clientId, urls: valid, logout: Boolean(f.logout), ...(f.force ? { force: true } : {}) };
}

/** Describe → plan (refusing to strand a code-flow client) → approve → merge-and-verify. */
export async function removeCallback(input: RemoveCallbackInput, ctx: Ctx): Promise<RemoveCallbackResult> {
  const poolId = await ctx.poolId(input.poolId);
  const { clientId } = await chooseClient(ctx, input.clientId, 'remove-callback');
  if (!input.logout) refuseFacadeCallbacks(ctx.state.get(), clientId, input.urls, Boolean(input.force));
  const region = await ctx.region();
  const cognito = await ctx.cognito();
  const described = await cognito.describeClient(poolId, clientId).catch((e: unknown) => {
    throw clientNotFound(e, clientId, poolId, region);
  });
  const plan = planRemoveCallback(described, input, region);
  const name = described.ClientName ?? clientId;
  for (const u of plan.notRegistered) ctx.out.info(ctx.out.c.dim(`${u} is not among the ${plan.label} of ${name}.`));
  const result = (changed: boolean, c: UserPoolClientType): RemoveCallbackResult => ({
    userPoolId: poolId,
    clientId,
    ...(c.ClientName ? { clientName: c.ClientName } : {}),
    callbackUrls: c.CallbackURLs ?? [],
    logoutUrls: c.LogoutURLs ?? [],
    ...(c.DefaultRedirectURI ? { defaultRedirectUri: c.DefaultRedirectURI } : {}),
    list: input.logout ? 'logoutUrls' : 'callbackUrls',
    removed: plan.removed,
    notRegistered: plan.notRegistered,
    changed,
  });
  if (!plan.step) {
    ctx.out.step(`None of the URLs is among the ${plan.label} of ${name}; nothing to change`);
    return result(false, described);
  }
  if (!(await ctx.approve([plan.step], `Update the ${plan.label} of ${name}?`))) return result(false, plan.change(described));
  return result(true, await applyRemoveCallback(cognito, plan, ctx.out));
}

export function renderRemoveCallback(r: RemoveCallbackResult, out: Output): string {
  const name = r.clientName ?? r.clientId;
  const head = r.changed
    ? `Updated app client ${name}: removed ${r.removed.join(', ')}.`
    : r.removed.length
      ? `Would remove ${r.removed.join(', ')} from app client ${name} (nothing was changed).`
      : `Nothing to change: app client ${name} has none of these ${r.list === 'logoutUrls' ? 'logout URLs' : 'callback URLs'}.`;
  const label = r.list === 'logoutUrls' ? 'Logout URLs' : 'Callback URLs';
  const urls = r.list === 'logoutUrls' ? r.logoutUrls : r.callbackUrls;
  const rows: [string, string][] = [[label, urls.join(`\n${' '.repeat(Math.max(label.length, 'Default redirect'.length) + 4)}`) || '(none)']];
  if (r.list === 'callbackUrls' && r.defaultRedirectUri) rows.push(['Default redirect', r.defaultRedirectUri]);
  return [head, out.table(rows)].join('\n');
}

export function removeCallbackCommand(holder: Holder): Command {
  return new Command('remove-callback')
    .description(
      'Remove callback URLs (or, with --logout, sign-out URLs) from an existing app client. Describe → plan → confirm → UpdateUserPoolClient carrying every setting of the client with only the URL list changed → Describe again to verify. A client using the code (or implicit) flow keeps at least one callback URL: removing its last one is refused. DefaultRedirectURI moves to the first URL left when it pointed at a removed one. URLs not registered: nothing is sent.',
    )
    .argument('<url...>', 'URL(s) to remove, exactly as registered')
    .option('--pool-id <id>', "user pool (default: the state file's)")
    .option('--client-id <id>', "app client (default: the state file's copilot-studio client, or its only client)")
    .option('--logout', 'remove from the logout (sign-out) URLs instead')
    .option(FORCE_FLAG, "remove the OAuth façade's callbacks anyway (breaks sign-in through it)")
    .addHelpText(
      'after',
      '\nExit codes: 0 removed, or nothing to remove; 1 refused (the last callback URL of a code-flow client) or an AWS error; 2 bad usage.\n\nExamples:\n  $ mcp-cognito remove-callback https://global.consent.azure-apim.net/redirect/<old-id>\n  $ mcp-cognito remove-callback http://localhost:6274/oauth/callback --client-id <id> --yes\n  $ mcp-cognito remove-callback https://app.example.com/signed-out --logout --dry-run',
    )
    .action(
      runAction<RemoveCallbackFlags, RemoveCallbackResult>('remove-callback', holder, async (flags, ctx, args) => {
        const input = parseRemoveCallbackFlags(args, flags);
        return { result: await removeCallback(input, ctx), render: renderRemoveCallback };
      }),
    );
}
