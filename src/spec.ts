/**
 * What the program is, defined once: its name, description, version, global options, commands and
 * the text after its help. src/program.ts builds the commander program from this; src/help.ts
 * prints the top-level help and the version from it without loading commander (test/unit/help.test.ts
 * checks that both print the same).
 */
import type { Command } from 'commander';
import type { Deps, Holder } from './lib/context.js';

declare const __VERSION__: string | undefined;
export const VERSION = typeof __VERSION__ === 'string' ? __VERSION__ : '0.0.0-dev';

export const NAME = 'mcp-cognito';

export const DESCRIPTION =
  'Set up Amazon Cognito OAuth for MCP clients (Copilot Studio, Claude Code, agents) behind an Amazon Bedrock AgentCore Gateway, and explain why a connection fails.';

/** A global option: commander's flags string, its help line and its default value, if any. */
export interface GlobalOption {
  readonly flags: string;
  readonly description: string;
  readonly default?: string;
}

/** The version option (listed first in the help), and its alias that the help does not show. */
export const VERSION_OPTION: GlobalOption = { flags: '-v, --version', description: 'output the version number (-V also works)' };
export const VERSION_ALIAS = '-V';

/** The global options, in the order of the help (after the version option). */
export const GLOBAL_OPTIONS: readonly GlobalOption[] = [
  { flags: '-r, --region <region>', description: 'AWS Region (default: state file, AWS_REGION, AWS_DEFAULT_REGION, profile)' },
  { flags: '--profile <name>', description: 'AWS shared config profile (AWS_PROFILE also works)' },
  { flags: '--endpoint-url <url>', description: 'send every AWS API call to this endpoint, e.g. a local emulator (AWS_ENDPOINT_URL also works)' },
  { flags: '--state <file>', description: 'project state file', default: './mcp-cognito.json' },
  { flags: '--json', description: 'print one JSON result document on stdout (implies --no-input)' },
  { flags: '-y, --yes', description: 'apply changes to existing resources without asking' },
  { flags: '--dry-run', description: 'show the plan and the equivalent aws CLI commands; change nothing' },
  { flags: '--no-input', description: 'never prompt; a missing value is a usage error' },
  { flags: '--debug', description: 'log every AWS call to stderr (secrets redacted) and show stack traces' },
  { flags: '--no-color', description: 'plain output (NO_COLOR also works)' },
];

/** Printed after the top-level help. */
export const FOOTER = `
Non-interactive use:
  Prompts appear only on a terminal. --json, --no-input, CI=true, or a stdin/stderr that is not a
  terminal turn them off: a missing value is then a usage error naming its flag, and changes to
  existing resources need --yes.

Exit codes:
  0 success (also "nothing to change")   1 failure (AWS error, refused change, timeout, failing check)
  2 invalid usage or input (nothing was changed)   130 cancelled (Ctrl-C or a declined confirmation)

Environment: AWS_REGION, AWS_PROFILE, AWS_ENDPOINT_URL, NO_COLOR, CI.`;

/** A command's definition (flags, help, action), built for one run. */
export type CommandFactory = (holder: Holder) => Command;

/**
 * A command run without commander when its arguments are simple enough (src/cli.ts tries it
 * first): the exit code, or undefined to leave the arguments to commander. It must print exactly
 * what the commander command prints (its tests hold it to that).
 */
export type QuickRun = (args: readonly string[], deps: Deps) => Promise<number | undefined>;

/**
 * Every command: its name and one-line summary (what `--help` lists) and, for a command with a
 * path that needs no AWS, how to load that path alone (`quick`). How each command's module loads
 * is src/command-modules.ts (src/program.ts's alone: a start loads only the command it runs, and
 * `--help` and `--version` load none). Order = the order in `--help`.
 */
const TABLE = [
  { name: 'init', summary: 'Guided setup: pool, domain, scope, Copilot Studio client, gateway authorization, test user' },
  { name: 'init-pool', summary: 'Create or adopt a user pool, its hosted-UI domain, and the resource server and scopes' },
  { name: 'create-client', summary: 'Create (or adopt) an app client: copilot-studio, m2m or web' },
  { name: 'add-callback', summary: 'Register redirect (or logout) URLs on an app client without losing any setting' },
  { name: 'remove-callback', summary: 'Remove redirect (or logout) URLs from an app client without losing any other setting' },
  { name: 'authorize-client', summary: "Let app clients through an AgentCore gateway's JWT authorizer" },
  { name: 'deauthorize-client', summary: "Take app clients off an AgentCore gateway's JWT authorizer" },
  { name: 'delete-client', summary: 'Delete an app client, taking it off the gateway first' },
  { name: 'teardown', summary: 'Remove what this tool created (per the state file), never what it adopted' },
  { name: 'rotate-secret', summary: "Rotate an app client's secret without an outage (add a second one, then --finish)" },
  { name: 'create-user', summary: 'Create a sign-in user for testing (no invitation e-mail, permanent password)' },
  { name: 'doctor', summary: 'Find out why Copilot Studio, Claude Code or an agent cannot get through, and how to fix it', quick: async () => (await import('./commands/doctor-offline.js')).doctorOffline },
  { name: 'status', summary: 'Show what the state file records, as AWS has it now, and flag what is gone' },
  { name: 'facade', summary: 'The OAuth façade for Claude Code, claude.ai and MCP Inspector: serve it here, or deploy it to AWS Lambda' },
  { name: 'completion', summary: 'Print a shell completion script (bash, zsh or fish)' },
] as const satisfies readonly CommandSpec[];

interface CommandSpec {
  readonly name: string;
  readonly summary: string;
  readonly quick?: () => Promise<QuickRun>;
}

/** A command's name. */
export type CommandName = (typeof TABLE)[number]['name'];

export const COMMANDS: readonly (CommandSpec & { readonly name: CommandName })[] = TABLE;

