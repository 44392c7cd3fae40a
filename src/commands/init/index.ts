/** `init`: the guided setup. questions.ts asks, plan.ts plans, run.ts approves once and applies, render.ts prints. */
import { Command } from 'commander';
import { CancelledError, InputError, UsageError } from '../../lib/errors.js';
import { Ctx, runAction, type Holder } from '../../lib/context.js';
import { readSecretFromStdin } from '../../lib/user.js';
import { AGENTCORE_MCP_VERSIONS, DEFAULT_POOL_NAME } from '../../domain/oauth.js';
import { awsFacts } from './facts.js';
import { init } from './run.js';
import { renderInit } from './render.js';
import type { InitFlags, InitResult } from './types.js';

export { askInitQuestions, gatewayProblem } from './questions.js';
export { planInit } from './plan.js';
export { init, authorizeGatewayStep, runDoctorStep } from './run.js';
export { renderInit } from './render.js';
export { awsFacts } from './facts.js';
export type * from './types.js';

export function initCommand(holder: Holder): Command {
  const collect = (v: string, prev: string[] = []) => [...prev, v];
  return new Command('init')
    .description(
      'Asks for what it needs (Region, gateway, the MCP versions it lacks, pool, domain prefix, resource server and scope, clients, an optional test user), shows one plan, asks once, then runs init-pool → create-client → authorize-client → create-user and prints the Copilot Studio form and the next step. Pressing Enter at every prompt gives a working setup. Every question has a flag, so `init --no-input --yes …` runs unattended. Re-running resumes from the state file and creates nothing twice.',
    )
    .option('--gateway-id <id>', 'the gateway whose CUSTOM_JWT authorizer should accept the new clients (its trusted pool is used)')
    .option('--no-gateway', 'set up Cognito only; authorize a gateway later with authorize-client')
    .option('--mcp-version <version>', `an MCP version the gateway should speak, added to supportedVersions (repeatable; ${AGENTCORE_MCP_VERSIONS.join(', ')})`, collect)
    .option('--pool-name <name>', `user pool to adopt or create when no gateway decides it (default "${DEFAULT_POOL_NAME}")`)
    .option('--pool-id <id>', 'adopt this existing user pool')
    .option('--domain <prefix>', 'hosted-UI domain prefix for a pool without one (default: from the pool name plus a random suffix)')
    .option('--resource-server <id>', 'resource server identifier (default: the pool\'s only one, else "mcp")')
    .option('--resource-server-name <name>', 'resource server name (default "MCP Server Access")')
    .option('--scope <name[=description]>', 'resource server scope (repeatable; default "invoke")', collect)
    .option('--managed-login', 'use managed login (version 2) for a new domain')
    .option('--client-name <name>', 'name of the Copilot Studio client (default "copilot-studio-mcp")')
    .option('--callback-url <url>', 'callback URL of the Copilot Studio client (repeatable; default a placeholder until add-callback)', collect)
    .option('--logout-url <url>', 'sign-out URL of the Copilot Studio client (repeatable)', collect)
    .option('--access-token-validity <duration>', "how long the Copilot Studio client's access tokens last: 5m to 1d, such as 8h (default 1d)")
    .option('--copilot-studio-oauth <how>', 'how Copilot Studio signs in: manual (paste client ID, secret and URLs into its Manual OAuth form; default) dynamic (Dynamic discovery through the OAuth façade: paste one URL), or both')
    .option('--no-copilot-studio', 'do not create the Copilot Studio client')
    .option('--m2m', 'also create an M2M agent client (client_credentials)')
    .option('--m2m-name <name>', 'name of the M2M client (default "mcp-agent-m2m")')
    .option('--facade-client', "also create the OAuth façade's own client (facade serve and facade deploy otherwise create it when they first run)")
    .option('--env-file <path>', 'write the M2M client\'s credentials to this dotenv file (mode 0600)')
    .option('--dotenv <path>', 'the same as --env-file')
    .option('--force-env-file', 'write into the --env-file/--dotenv file even if it does not look like a dotenv file (every line is kept)')
    .option('--no-wait', 'return once UpdateGateway is accepted, without waiting for READY')
    .option('--wait-timeout <seconds>', 'how long to wait for the domain and the gateway (defaults 120 and 300)')
    .option('--user-email <address>', 'create a sign-in user for testing with this e-mail address')
    .option('--user-group <name>', 'add the sign-in user to this group (created if missing)')
    .option('--user-password-stdin', 'read the sign-in user\'s password from stdin (first line)')
    .option('--no-doctor', 'skip the short doctor run at the end')
    .addHelpText(
      'after',
      '\nExamples:\n  $ mcp-cognito init                                      # the wizard\n  $ mcp-cognito init --no-input --yes --gateway-id my-gateway-abc1234567\n  $ mcp-cognito init --no-input --no-gateway --pool-name my-mcp --m2m --dotenv .env\n  $ printf %s "$PASSWORD" | mcp-cognito init --no-input --yes --gateway-id my-gateway-abc1234567 --user-email tester@example.com --user-password-stdin\n\nResume: run the same command again; finished steps are skipped and nothing is created twice.',
    )
    .action(
      runAction<InitFlags, InitResult>('init', holder, async (flags, ctx) => {
        const secrets: { userPassword?: string } = {};
        if (flags.userPasswordStdin && flags.userEmail === undefined) throw new UsageError('--user-password-stdin needs --user-email.');
        if (flags.userPasswordStdin && !ctx.dryRun) {
          secrets.userPassword = await readSecretFromStdin();
          if (!secrets.userPassword) throw new InputError('--user-password-stdin: stdin was empty; pipe the password into the command.');
        }
        const probe = () => new Ctx('init', { ...ctx.flags, region: undefined }, holder.deps).region().catch(() => undefined);
        try {
          return { result: await init(ctx, flags, awsFacts(ctx, probe), secrets), render: renderInit };
        } catch (e) {
          if (e instanceof CancelledError) {
            throw new CancelledError(e.message, e.hint ?? `Every finished step is recorded in ${ctx.state.path}; run \`mcp-cognito init\` again to resume where it stopped.`);
          }
          throw e;
        }
      }),
    );
}
