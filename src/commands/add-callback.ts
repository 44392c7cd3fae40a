import { Command } from 'commander';
import { InputError, UsageError } from '../lib/errors.js';
import { runAction, type Ctx, type Holder } from '../lib/context.js';
import type { Output } from '../lib/output.js';
import { MAX_URLS_PER_LIST, RedirectUrl, check } from '../lib/validate.js';
import { PLACEHOLDER_CALLBACK } from '../domain/oauth.js';
import { PRESET_TABLE } from '../domain/presets.js';
import type { UserPoolClientType } from '../aws/rmw.js';
import { applyCallback, planCallback } from '../steps/client/add-callbacks.js';
import { clientNotFound } from '../steps/client/create.js';

export interface AddCallbackInput {
  poolId?: string;
  /** Default: the state file's copilot-studio client, or its only client. */
  clientId?: string;
  urls: string[];
  /** Add to LogoutURLs instead of CallbackURLs. */
  logout: boolean;
  /** Keep https://placeholder.example.com when a real URL is added. */
  keepPlaceholder: boolean;
}

export interface AddCallbackResult {
  userPoolId: string;
  clientId: string;
  clientName?: string;
  callbackUrls: string[];
  logoutUrls: string[];
  defaultRedirectUri?: string;
  /** Which list the URLs went to. */
  list: 'callbackUrls' | 'logoutUrls';
  added: string[];
  removed: string[];
  changed: boolean;
}

interface AddCallbackFlags {
  poolId?: string;
  clientId?: string;
  logout?: boolean;
  keepPlaceholder?: boolean;
}

/** Validate the URLs (contract: absolute, https or loopback http, no fragment or wildcard, ≤1024 chars, ≤100). */
export function parseAddCallbackFlags(urls: string[], f: AddCallbackFlags): AddCallbackInput {
  if (urls.length === 0) throw new UsageError('Give at least one URL: mcp-cognito add-callback <url...>.');
  const valid = [...new Set(urls.map((u) => check(RedirectUrl, u, f.logout ? 'Logout URL' : 'Callback URL')))];
  if (valid.length > MAX_URLS_PER_LIST) throw new InputError(`At most ${MAX_URLS_PER_LIST} URLs can be registered per list; ${valid.length} were given.`);
  return { poolId: f.poolId, clientId: f.clientId, urls: valid, logout: Boolean(f.logout), keepPlaceholder: Boolean(f.keepPlaceholder) };
}

/** The client to change: the flag, else the state's copilot-studio client, else its only client. */
async function resolveClientId(input: AddCallbackInput, ctx: Ctx): Promise<string> {
  if (input.clientId) return ctx.clientId(input.clientId);
  const clients = ctx.state.get().clients ?? [];
  const copilot = clients.filter((c) => PRESET_TABLE[c.preset].addCallbackDefault);
  const candidates = copilot.length ? copilot : clients;
  if (candidates.length === 1) return candidates[0]!.clientId;
  if (candidates.length > 1 && ctx.canPrompt) {
    return ctx.prompt.select({ message: 'Which app client?', choices: candidates.map((c) => ({ name: `${c.name} (${c.clientId}, ${c.preset})`, value: c.clientId })) });
  }
  if (candidates.length > 1) {
    throw new UsageError(`The state file lists ${candidates.length} ${copilot.length ? 'copilot-studio ' : ''}clients (${candidates.map((c) => c.clientId).join(', ')}): pass --client-id to say which one.`);
  }
  throw new UsageError('No app client: pass --client-id, or run `mcp-cognito create-client` first so the state file knows it.');
}

/**
 * Register redirect (or logout) URLs on an existing app client without losing any other
 * setting: Describe → plan → approve → the merge-and-verify loop (re-read, merge, UpdateUserPoolClient
 * with every field, read back).
 */
export async function addCallback(input: AddCallbackInput, ctx: Ctx): Promise<AddCallbackResult> {
  const poolId = await ctx.poolId(input.poolId);
  const clientId = await resolveClientId(input, ctx);
  const region = await ctx.region();
  const cognito = await ctx.cognito();
  const described = await cognito.describeClient(poolId, clientId).catch((e: unknown) => {
    throw clientNotFound(e, clientId, poolId, region);
  });

  const plan = planCallback(described, input, region);
  for (const w of plan.warnings) ctx.out.warn(w);
  const result = (changed: boolean, c: UserPoolClientType): AddCallbackResult => ({
    userPoolId: poolId,
    clientId,
    ...(c.ClientName ? { clientName: c.ClientName } : {}),
    callbackUrls: c.CallbackURLs ?? [],
    logoutUrls: c.LogoutURLs ?? [],
    ...(c.DefaultRedirectURI ? { defaultRedirectUri: c.DefaultRedirectURI } : {}),
    list: input.logout ? 'logoutUrls' : 'callbackUrls',
    added: plan.added,
    removed: plan.removed,
    changed,
  });

  if (!plan.step) {
    ctx.out.step(`${input.urls.length > 1 ? 'Every URL is' : `${input.urls[0]} is`} already among the ${plan.label} of ${described.ClientName ?? clientId}; nothing to change`);
    return result(false, described);
  }
  if (!(await ctx.approve([plan.step], `Update the ${plan.label} of ${described.ClientName ?? clientId}?`))) return result(false, plan.change(described));
  return result(true, await applyCallback(cognito, plan, ctx.out));
}

export function renderAddCallback(r: AddCallbackResult, out: Output): string {
  const name = r.clientName ?? r.clientId;
  const head = r.changed
    ? `Updated app client ${name}: added ${r.added.join(', ')}${r.removed.length ? `; removed ${r.removed.join(', ')}` : ''}.`
    : r.added.length
      ? `Would add ${r.added.join(', ')} to app client ${name}${r.removed.length ? ` and remove ${r.removed.join(', ')}` : ''} (nothing was changed).`
      : `Nothing to change: app client ${name} already has ${r.list === 'logoutUrls' ? 'these logout URLs' : 'these callback URLs'}.`;
  const label = r.list === 'logoutUrls' ? 'Logout URLs' : 'Callback URLs';
  const urls = r.list === 'logoutUrls' ? r.logoutUrls : r.callbackUrls;
  return [head, out.table([[label, urls.join(`\n${' '.repeat(label.length + 4)}`) || '(none)']])].join('\n');
}

export function addCallbackCommand(holder: Holder): Command {
  return new Command('add-callback')
    .description(
      'Add callback URLs (for example the redirect URL Copilot Studio shows) to an existing app client. Describe → plan → confirm → UpdateUserPoolClient carrying every setting of the client with only the URL list changed → Describe again to verify. The Copilot Studio placeholder https://placeholder.example.com is removed once a real URL is added. URLs already registered: nothing is sent.',
    )
    .argument('<url...>', 'URL(s): absolute, https (http only for localhost, 127.0.0.1, [::1]), no fragment or wildcard')
    .option('--pool-id <id>', "user pool (default: the state file's)")
    .option('--client-id <id>', "app client (default: the state file's copilot-studio client, or its only client)")
    .option('--logout', 'add to the logout (sign-out) URLs instead')
    .option('--keep-placeholder', `keep ${PLACEHOLDER_CALLBACK} (default: removed once a real URL is added)`)
    .addHelpText(
      'after',
      '\nExamples:\n  $ mcp-cognito add-callback https://global.consent.azure-apim.net/redirect/<id>\n  $ mcp-cognito add-callback http://localhost:6274/oauth/callback --client-id <id> --yes\n  $ mcp-cognito add-callback https://app.example.com/signed-out --logout --dry-run',
    )
    .action(
      runAction<AddCallbackFlags, AddCallbackResult>('add-callback', holder, async (flags, ctx, args) => {
        const input = parseAddCallbackFlags(args, flags);
        return { result: await addCallback(input, ctx), render: renderAddCallback };
      }),
    );
}
