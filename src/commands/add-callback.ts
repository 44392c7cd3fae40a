import { Command } from 'commander';
import { CliError, InputError, UsageError } from '../lib/errors.js';
import { runAction, type Ctx } from '../lib/context.js';
import type { Output } from '../lib/output.js';
import { awsCliCommand, listDiff, type PlanStep } from '../lib/plan.js';
import { MAX_URLS_PER_LIST, RedirectUrl, check } from '../lib/validate.js';
import { PLACEHOLDER_CALLBACK, describeNearMiss, nearMisses } from '../lib/urls.js';
import { changedClientFields, toUpdateUserPoolClientRequest, type UserPoolClientPatch } from '../aws/rmw.js';
import type { Holder } from '../cli.js';

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

/** A NOT_FOUND from DescribeUserPoolClient, said in the user's terms. */
export function clientNotFound(e: unknown, clientId: string, poolId: string, region: string): unknown {
  if (!(e instanceof CliError) || e.code !== 'NOT_FOUND') return e;
  return new CliError(`App client ${clientId} does not exist in user pool ${poolId} (${region}).`, {
    code: 'NOT_FOUND',
    hint: 'Check --client-id and --pool-id (list the clients with `aws cognito-idp list-user-pool-clients --user-pool-id ' + poolId + '`).',
    cause: e,
  });
}

/** The client to change: the flag, else the state's copilot-studio client, else its only client. */
async function resolveClientId(input: AddCallbackInput, ctx: Ctx): Promise<string> {
  if (input.clientId) return ctx.clientId(input.clientId);
  const clients = ctx.state.get().clients ?? [];
  const copilot = clients.filter((c) => c.preset === 'copilot-studio');
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
 * setting: Describe → plan → approve → UpdateUserPoolClient with every field → Describe to verify.
 */
export async function addCallback(input: AddCallbackInput, ctx: Ctx): Promise<AddCallbackResult> {
  const poolId = await ctx.poolId(input.poolId);
  const clientId = await resolveClientId(input, ctx);
  const region = await ctx.region();
  const cognito = await ctx.cognito();
  const described = await cognito.describeClient(poolId, clientId).catch((e: unknown) => {
    throw clientNotFound(e, clientId, poolId, region);
  });

  const field = input.logout ? 'LogoutURLs' : 'CallbackURLs';
  const label = input.logout ? 'logout URLs' : 'callback URLs';
  const before = described[field] ?? [];
  for (const url of input.urls) {
    for (const miss of nearMisses(url, before)) {
      if (!input.urls.includes(miss.url)) ctx.out.warn(`${url} is not ${miss.url}, which is already registered: it ${describeNearMiss(miss.kind)}. Cognito matches redirect URLs exactly, so both are kept.`);
    }
  }
  const added = input.urls.filter((u) => !before.includes(u));
  // Copilot Studio shows its redirect URL only after the connection exists; the placeholder goes once a real one is in.
  const removed =
    !input.logout && !input.keepPlaceholder && added.some((u) => u !== PLACEHOLDER_CALLBACK) && before.includes(PLACEHOLDER_CALLBACK) && !input.urls.includes(PLACEHOLDER_CALLBACK) ? [PLACEHOLDER_CALLBACK] : [];
  const after = [...before.filter((u) => !removed.includes(u)), ...added];

  const result = (changed: boolean, c = described): AddCallbackResult => ({
    userPoolId: poolId,
    clientId,
    ...(c.ClientName ? { clientName: c.ClientName } : {}),
    callbackUrls: c.CallbackURLs ?? [],
    logoutUrls: c.LogoutURLs ?? [],
    ...(c.DefaultRedirectURI ? { defaultRedirectUri: c.DefaultRedirectURI } : {}),
    list: input.logout ? 'logoutUrls' : 'callbackUrls',
    added,
    removed,
    changed,
  });

  if (added.length === 0) {
    ctx.out.step(`${input.urls.length > 1 ? 'Every URL is' : `${input.urls[0]} is`} already among the ${label} of ${described.ClientName ?? clientId}; nothing to change`);
    return result(false);
  }
  if (after.length > MAX_URLS_PER_LIST) {
    throw new InputError(`The client would have ${after.length} ${label}; Cognito allows at most ${MAX_URLS_PER_LIST}. Nothing was changed.`, 'Remove unused URLs in the Cognito console first.');
  }

  const patch: UserPoolClientPatch = { [field]: after };
  const diff = listDiff(before, after);
  // DefaultRedirectURI must be one of the callback URLs: if it was the placeholder, the first new URL takes its place.
  if (!input.logout && described.DefaultRedirectURI && removed.includes(described.DefaultRedirectURI)) {
    patch.DefaultRedirectURI = added.find((u) => u !== PLACEHOLDER_CALLBACK);
    diff.push(`~ DefaultRedirectURI: ${described.DefaultRedirectURI} → ${patch.DefaultRedirectURI}`);
  }
  const request = toUpdateUserPoolClientRequest(described, patch);
  const step: PlanStep = {
    action: 'update',
    resource: `${label} of app client ${described.ClientName ? `${described.ClientName} (${clientId})` : clientId}`,
    diff,
    awsCli: awsCliCommand('cognito-idp', 'UpdateUserPoolClient', { ...request }, region),
  };
  if (!(await ctx.approve([step], `Update the ${label} of ${described.ClientName ?? clientId}?`))) {
    return { ...result(false), ...(input.logout ? { logoutUrls: after } : { callbackUrls: after }), ...(patch.DefaultRedirectURI ? { defaultRedirectUri: patch.DefaultRedirectURI } : {}) };
  }

  // A person took time to confirm: never overwrite a change made meanwhile.
  const moved = ctx.approvalWasAsked ? changedClientFields(toUpdateUserPoolClientRequest(described), await cognito.describeClient(poolId, clientId, { fresh: true })) : [];
  if (moved.length) {
    throw new CliError(`App client ${clientId} changed while this command was running (${moved.join(', ')}). Nothing was changed.`, {
      code: 'CONFLICT',
      hint: 'Run the command again to plan against the current settings.',
    });
  }

  await cognito.updateClient(request);
  if (patch.DefaultRedirectURI) ctx.out.info(`DefaultRedirectURI was the placeholder; it is now ${patch.DefaultRedirectURI}.`);

  const verified = await cognito.describeClient(poolId, clientId, { fresh: true });
  const drift = changedClientFields(request, verified);
  if (drift.length) {
    throw new CliError(`UpdateUserPoolClient was accepted, but app client ${clientId} does not read back as sent: ${drift.join(', ')} ${drift.length > 1 ? 'differ' : 'differs'}. Another change may have happened at the same time.`, {
      code: 'CONFLICT',
      hint: `Check the client in the Cognito console (or aws cognito-idp describe-user-pool-client --user-pool-id ${poolId} --client-id ${clientId}) and run the command again.`,
    });
  }
  ctx.out.step(`Added ${added.join(', ')} to the ${label} of ${described.ClientName ?? clientId}${removed.length ? ` and removed ${removed.join(', ')}` : ''}`);
  return result(true, verified);
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
