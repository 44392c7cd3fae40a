/**
 * `mcp-cognito facade …`: the OAuth façade that lets MCP clients following the MCP authorization
 * spec (Claude Code, claude.ai, MCP Inspector…) sign in through Cognito: served on this machine
 * (serve) or deployed as an AWS Lambda function with a function URL (deploy, status, remove).
 */
import { Command } from 'commander';
import { runAction, type Holder } from '../../lib/context.js';
import { FACADE_DEFAULT_PORT } from '../../domain/oauth.js';
import { parseServeFlags, renderServe, serveFacade, type ServeFlags, type ServeResult } from './serve.js';
import { collect } from './shared.js';

export function facadeCommand(holder: Holder): Command {
  const group = new Command('facade')
    .summary('The OAuth façade for Claude Code, claude.ai and MCP Inspector: serve it here, or deploy it to AWS Lambda')
    .description(
      'Cognito lacks what the MCP authorization spec asks of an authorization server (RFC 8414 metadata with PKCE methods, a registration endpoint, redirect URIs on any loopback port). The façade provides them in front of Cognito and proxies /mcp to the gateway; it holds the app client secret so callers need none.',
    );
  const serve = new Command('serve')
    .summary('Serve the façade on this machine until Ctrl-C')
    .description(
      "Run the façade over the state file's pool, code-flow app client and gateway on a loopback address. Registers its callback (http://127.0.0.1:<port>/callback) on the client (plan, confirm, --yes), reads the client secret with DescribeUserPoolClient (never printed), makes a signing key in memory, prints the MCP URL and the `claude mcp add` line.",
    )
    .option('--port <n>', 'port to listen on', String(FACADE_DEFAULT_PORT))
    .option('--host <address>', 'loopback address to listen on: 127.0.0.1, localhost or ::1', '127.0.0.1')
    .option('--pool-id <id>', "user pool (default: the state file's)")
    .option('--client-id <id>', "code-flow app client the façade stands for (default: the state file's copilot-studio or web client)")
    .option('--gateway-id <id>', "AgentCore gateway (default: the state file's)")
    .option('--allow-redirect <url>', 'an https redirect URI to allow besides loopback (repeatable)', collect, [])
    .option('--name <name>', 'the server name in the printed `claude mcp add` line (default: the gateway name)')
    .addHelpText('after', '\nExamples:\n  $ mcp-cognito facade serve --yes\n  $ mcp-cognito facade serve --port 9000 --client-id <id>\n  $ claude mcp add --transport http my-gateway http://127.0.0.1:8790/mcp')
    .action(
      runAction<ServeFlags, ServeResult>('facade serve', holder, async (flags, ctx) => {
        const input = parseServeFlags({ ...flags, port: flags.port === String(FACADE_DEFAULT_PORT) ? undefined : flags.port });
        return { result: await serveFacade(input, ctx), render: renderServe };
      }),
    );
  for (const cmd of [serve]) {
    cmd.exitOverride().configureOutput({ outputError: () => undefined }).configureHelp({ showGlobalOptions: true });
    group.addCommand(cmd);
  }
  return group;
}
