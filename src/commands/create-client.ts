import { Command } from 'commander';
import { runAction, type Ctx, type Holder } from '../lib/context.js';
import type { Output } from '../lib/output.js';
import { renderCopilotStudioForm } from '../lib/copilot-form.js';
import { confirmDotenvTarget } from '../lib/dotenv.js';
import { PLACEHOLDER_CALLBACK, isPlaceholderCallback } from '../domain/oauth.js';
import { DEFAULT_PRESET, PRESETS, PRESET_TABLE, isBrowserPreset, presetSpec } from '../domain/presets.js';
import { parseCreateClientFlags, prepareCreateClient, type CreateClientFlags, type CreateClientInput, type CreateClientResult } from '../workflows/create-client.js';

export { parseCreateClientFlags, type CreateClientInput, type CreateClientResult } from '../workflows/create-client.js';

/** create-client's result, with what a person does next. */
export type CreateClientOutput = CreateClientResult & { next?: string[] };

/**
 * What to do next with the client: register Copilot Studio's redirect URL (a Copilot Studio client
 * waits for it), and let the client through the gateway (authorize-client; the gateway named when the
 * state file knows it).
 */
export function createClientNextSteps(r: CreateClientResult, gatewayId: string | undefined): string[] {
  if (!r.clientId) return [];
  const steps: string[] = [];
  const from = presetSpec(r.preset).redirectUrlFrom;
  if (from && r.callbackUrls.every(isPlaceholderCallback)) {
    steps.push(`${from.nextStep} Register it: mcp-cognito add-callback <redirect URL> --client-id ${r.clientId}`);
  }
  steps.push(`Let the client through the AgentCore gateway: mcp-cognito authorize-client --client-id ${r.clientId}${gatewayId ? '' : ' --gateway-id <gateway-id>'}`);
  return steps;
}

/** create-client: read, plan, approve once, apply. */
export async function createClient(input: CreateClientInput, ctx: Ctx): Promise<CreateClientOutput> {
  // An existing file that is not a dotenv file: refused or confirmed before anything is created.
  if (input.envFile && !ctx.dryRun) input = { ...input, forceEnvFile: await confirmDotenvTarget(input.envFile, input.envFileFlag ?? '--env-file', ctx, Boolean(input.forceEnvFile)) };
  const r = await ctx.run(await prepareCreateClient(input, ctx));
  const next = createClientNextSteps(r, ctx.state.get().gatewayId);
  return next.length ? { ...r, next } : r;
}

/** The next steps, their commands in colour. */
function renderNext(next: string[] | undefined, out: Output): string[] {
  if (!next?.length) return [];
  return ['', out.c.bold('Next steps:'), ...next.map((n) => `  • ${n.replace(/mcp-cognito .*$/, (cmd) => out.c.cyan(cmd))}`)];
}

export function renderCreateClient(r: CreateClientOutput, out: Output): string {
  const head = `${r.created ? 'Created' : r.clientId ? 'Using existing' : 'Would create'} ${r.preset} client ${r.clientName}${r.clientId ? ` (${r.clientId})` : ''}`;
  if (r.copilotStudio) {
    return [head, '', renderCopilotStudioForm(r.copilotStudio, out), ...renderNext(r.next, out)].join('\n');
  }
  const rows: [string, string][] = [
    ['Client ID', r.clientId ?? '(new)'],
    ['Client secret', r.clientSecret ?? '(none)'],
    ['OAuth flows', r.allowedOAuthFlows.join(', ')],
    ['Scopes', r.scopes.join(' ')],
    ...(isBrowserPreset(r.preset) ? ([['Callback URLs', r.callbackUrls.join(' ')]] as [string, string][]) : []),
    ...(r.authorizationUrl && isBrowserPreset(r.preset) ? ([['Authorization URL', r.authorizationUrl]] as [string, string][]) : []),
    ...(r.tokenUrl ? ([['Token URL', r.tokenUrl]] as [string, string][]) : []),
  ];
  return [`${head}\n\n${out.table(rows)}`, ...renderNext(r.next, out)].join('\n');
}

export function createClientCommand(holder: Holder): Command {
  const collect = (v: string, p: string[] = []) => [...p, v];
  return new Command('create-client')
    .description(`Create an app client for one kind of caller, or adopt the client of the same name. Presets: ${PRESETS.map((p) => PRESET_TABLE[p].help).join(', ')}. Scopes are checked against the pool before any change.`)
    .option('--pool-id <id>', 'user pool (default: the state file\'s)')
    .option('--preset <preset>', PRESETS.join(' | '), DEFAULT_PRESET)
    .option('--name <name>', `client name (default ${PRESETS.map((p) => PRESET_TABLE[p].defaultName).join(', ')})`)
    .option('--scope <scope>', 'OAuth scope (repeatable; default: openid email profile + the resource server\'s scopes; m2m: custom scopes only)', collect)
    .option('--callback-url <url>', `callback URL (repeatable; copilot-studio default ${PLACEHOLDER_CALLBACK} until add-callback; web: required)`, collect)
    .option('--logout-url <url>', 'sign-out URL (repeatable)', collect)
    .option('--access-token-validity <duration>', 'how long access tokens last: 5m to 1d, such as 8h (default: copilot-studio 1d, others 1h)')
    .option('--env-file <path>', 'also write the credentials to this dotenv file (mode 0600)')
    .option('--dotenv <path>', 'the same as --env-file (Node 20 itself intercepts --env-file anywhere on the command line)')
    .option('--force-env-file', 'write into the --env-file/--dotenv file even if it does not look like a dotenv file (every line is kept; on a terminal you are asked instead)')
    .addHelpText('after', '\nExamples:\n  $ mcp-cognito create-client                                # Copilot Studio client, prints the Manual OAuth form\n  $ mcp-cognito create-client --preset m2m --dotenv .env   # machine-to-machine agent\n  $ mcp-cognito create-client --preset web --callback-url https://app.example.com/callback')
    .action(
      runAction<CreateClientFlags, CreateClientOutput>('create-client', holder, async (flags, ctx) => {
        const input = parseCreateClientFlags(flags);
        return { result: await createClient(input, ctx), render: renderCreateClient };
      }),
    );
}
