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
import { deployFacade, facadeStatus, removeFacade, renderDeploy, renderRemove, renderStatus, type DeployFlags } from './deploy.js';
import type { FacadeDeployResult } from '../../workflows/facade-deploy.js';
import type { FacadeRemoveResult } from '../../steps/facade/remove.js';
import type { FacadeStatus } from '../../steps/facade/status.js';

export function facadeCommand(holder: Holder): Command {
  const group = new Command('facade')
    .summary('The OAuth façade for Claude Code, claude.ai and MCP Inspector: serve it here, or deploy it to AWS Lambda')
    .description(
      'Cognito lacks what the MCP authorization spec asks of an authorization server (RFC 8414 metadata with PKCE methods, a registration endpoint, redirect URIs on any loopback port). The façade provides them in front of Cognito and proxies /mcp to the gateway; it holds the app client secret so callers need none.',
    );
  const serve = new Command('serve')
    .summary('Serve the façade on this machine until Ctrl-C')
    .description(
      "Run the façade over the state file's pool and gateway on a loopback address, with its own app client (the facade preset: code flow, secret, refresh-token rotation, only the façade's callbacks), created or adopted through create-client's step and recorded in the state file; no other client is touched. Registers one callback per host and port (http://127.0.0.1:<port>/callback) on that client and allows the client on the gateway (plan, confirm, --yes), reads its secret (never printed), makes a signing key in memory, prints the MCP URL and the `claude mcp add` and `codex mcp add` lines. Client ID metadata documents are fetched directly, or through HTTPS_PROXY (NO_PROXY honoured).",
    )
    .option('--port <n>', 'port to listen on', String(FACADE_DEFAULT_PORT))
    .option('--host <address>', 'loopback address to listen on: 127.0.0.1, localhost or ::1', '127.0.0.1')
    .option('--pool-id <id>', "user pool (default: the state file's)")
    .option('--client-id <id>', "adopt this app client as the façade's own (default: the state file's façade client, else a new one named mcp-cognito-facade); never another kind of caller's client")
    .option('--gateway-id <id>', "AgentCore gateway (default: the state file's)")
    .option('--allow-redirect <url>', 'an https redirect URI to allow besides loopback (repeatable)', collect)
    .option('--name <name>', 'the server name in the printed `claude mcp add` and `codex mcp add` lines (default: the gateway name)')
    .option('--client-metadata <on|off>', 'advertise and accept client ID metadata documents (off: clients register instead; for a façade without direct internet access)', 'on')
    .option('--public-url <https-origin>', "the https origin a tunnel gives this server (its metadata and callback use it)")
    .option('--copilot-studio', "let Copilot Studio connect with the MCP URL alone (OAuth 2.0 → Dynamic discovery); needs --public-url")
    .addHelpText('after', '\nExamples:\n  $ mcp-cognito facade serve --yes\n  $ mcp-cognito facade serve --port 9000 --client-id <id>\n  $ claude mcp add --transport http my-gateway http://127.0.0.1:8790/mcp\n  $ codex mcp add my-gateway --url http://127.0.0.1:8790/mcp\n  $ HTTPS_PROXY=http://proxy.corp:3128 mcp-cognito facade serve --yes\n  $ mcp-cognito facade serve --client-metadata off --yes')
    .action(
      runAction<ServeFlags, ServeResult>('facade serve', holder, async (flags, ctx) => {
        const input = parseServeFlags({ ...flags, port: flags.port === String(FACADE_DEFAULT_PORT) ? undefined : flags.port });
        return { result: await serveFacade(input, ctx), render: renderServe };
      }),
    );
  const deploy = new Command('deploy')
    .summary('Deploy the façade as an AWS Lambda function with a function URL')
    .description(
      "Deploy the façade as a Lambda function behind a function URL (invoke mode RESPONSE_STREAM: MCP answers stream, and there is no API Gateway 30 s limit). Creates its execution role (logs and ssm:GetParameters on its two parameters only), creates or adopts the façade's own app client (as facade serve does) with <function URL>/callback, stores its secret (obtained at creation, kept across deploys: a re-deploy never needs DescribeUserPoolClient to show it) and a new signing key as SSM SecureString parameters (the function environment holds only their names and public settings), and allows the client on the gateway. A façade that used another client before moves to its own, and the callbacks it had added there are removed. Idempotent: a second run changes nothing; code is updated only when the bundle changed.",
    )
    .option('--name <name>', 'function name; the role is <name>-role, the parameters /mcp-cognito/<name>/…', 'mcp-cognito-facade')
    .option('--pool-id <id>', "user pool (default: the state file's)")
    .option('--client-id <id>', "adopt this app client as the façade's own (default: the state file's façade client, else a new one named mcp-cognito-facade); never another kind of caller's client")
    .option('--gateway-id <id>', "AgentCore gateway (default: the state file's)")
    .option('--allow-redirect <url>', 'an https redirect URI to allow besides loopback (repeatable)', collect)
    .option('--no-claude-ai', "do not allow claude.ai's callbacks (allowed by default)")
    .option('--copilot-studio', "let Copilot Studio connect with the MCP URL alone (OAuth 2.0 → Dynamic discovery): allow its consent redirects https://global.consent.azure-apim.net/redirect/<tool id> (kept on later deploys)")
    .option('--no-copilot-studio', "stop allowing Copilot Studio's consent redirects")
    .option('--client-metadata <on|off>', 'advertise and accept client ID metadata documents (off: clients register instead)', 'on')
    .option('--kms-key-arn <arn>', 'encrypt the parameters with this customer managed key (the role gets kms:Decrypt on it through SSM)')
    .option('--no-wait', 'do not wait for the gateway to be READY')
    .option('--wait-timeout <seconds>', 'how long to wait for the function and the gateway')
    .addHelpText('after', '\nExamples:\n  $ mcp-cognito facade deploy --dry-run\n  $ mcp-cognito facade deploy --yes\n  $ mcp-cognito facade deploy --copilot-studio --yes\n  $ mcp-cognito facade status')
    .action(runAction<DeployFlags, FacadeDeployResult>('facade deploy', holder, async (flags, ctx) => ({ result: await deployFacade(flags, ctx), render: renderDeploy })));
  const status = new Command('status')
    .summary('Show the deployed façade: function state, URL, configuration drift')
    .description('Read-only: the function (state, last update), its URL and invoke mode, its permissions, role and parameters, and where its configuration differs from what deploy would set. Exit 1 when something is wrong.')
    .action(runAction<object, FacadeStatus>('facade status', holder, async (_f, ctx) => ({ result: await facadeStatus(ctx), render: renderStatus })));
  const remove = new Command('remove')
    .summary('Remove exactly what facade deploy made')
    .description("Deletes the function URL, its permissions, the function, the role and its policy, and the two parameters, as the state file records them; removes the façade's callback from the client only if deploy added it (the façade's own client keeps its last one). The façade's client stays, authorized on the gateway (delete-client --force, or teardown, removes it).")
    .action(runAction<object, FacadeRemoveResult>('facade remove', holder, async (_f, ctx) => ({ result: await removeFacade(ctx), render: renderRemove })));
  for (const cmd of [serve, deploy, status, remove]) {
    cmd.exitOverride().configureOutput({ outputError: () => undefined }).configureHelp({ showGlobalOptions: true });
    group.addCommand(cmd);
  }
  return group;
}
