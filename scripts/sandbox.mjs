#!/usr/bin/env node
// npm run sandbox: try the whole `init` flow without an AWS account.
// Starts the local AWS emulator on 127.0.0.1 (moto behind the project's emulator front,
// test/emulator/, which behaves like AWS where moto does not: gateways go UPDATING → READY, an
// update replaces the whole resource, …), creates a sample AgentCore gateway whose CUSTOM_JWT
// authorizer trusts a sample Cognito user pool, then runs the `init` wizard against it in this
// terminal, waiting for the gateway to be READY as a real run does. On a terminal the emulator then
// keeps running (with the directory holding the state file) until Ctrl-C, and the sandbox prints the
// lines that point a new shell at it, so every command printed by the wizard works when pasted there.
//
// Options: --shell (after init, a shell in that directory with the environment set; the emulator
// stops when it exits), --no-keep (stop right after init), --no-gateway-seed (an empty emulator: the
// wizard then creates a new pool), any other argument is passed to init.
import { spawn } from 'node:child_process';
import { mkdirSync, rmSync, writeFileSync } from 'node:fs';
import { constants } from 'node:os';
import { join } from 'node:path';
import { pathToFileURL } from 'node:url';
import { repoRoot, startMoto } from './moto.mjs';

/** How long the sandbox's gateways stay UPDATING (a real one takes seconds to minutes). */
const SANDBOX_GATEWAY_DELAY_MS = 3000;

/**
 * Loads the emulator front (TypeScript under test/emulator/) by bundling it with esbuild into
 * .cache/emulator/front.mjs (its packages stay external: node_modules resolves them).
 */
export async function loadFront() {
  const { build } = await import('esbuild');
  const outfile = join(repoRoot, '.cache', 'emulator', 'front.mjs');
  await build({ entryPoints: [join(repoRoot, 'test', 'emulator', 'index.ts')], bundle: true, platform: 'node', format: 'esm', target: 'node20', packages: 'external', outfile, logLevel: 'warning' });
  return import(`${pathToFileURL(outfile).href}?t=${Date.now()}`);
}

/** moto + the emulator front; `endpoint` is the front's. */
export async function startEmulator({ gatewayDelayMs = SANDBOX_GATEWAY_DELAY_MS } = {}) {
  const [moto, { startFront }] = await Promise.all([startMoto(), loadFront()]);
  let front;
  try {
    front = await startFront({ motoEndpoint: moto.endpoint, region: SAMPLE_REGION, gatewayDelayMs });
  } catch (e) {
    await moto.stop();
    throw e;
  }
  return {
    endpoint: front.endpoint,
    front,
    async stop() {
      await front.stop();
      await moto.stop();
    },
  };
}

export const SAMPLE_REGION = 'us-east-1';
const CREDENTIALS = { accessKeyId: 'test', secretAccessKey: 'test' };

/**
 * Seeds an emulator: a user pool "sample-pool" with one existing app client, and a CUSTOM_JWT
 * gateway "sample-gateway" that trusts the pool and allows that client (as a real, working
 * gateway would), and waits until the gateway is READY; with `target`, the gateway gets an MCP server
 * target too (the sandbox's: a healthy setup has tools). Returns the IDs.
 */
export async function seedSample(endpoint, { poolName = 'sample-pool', gatewayName = 'sample-gateway', target = false } = {}) {
  process.env.AWS_SDK_JS_NODE_VERSION_SUPPORT_WARNING_DISABLED ??= 'true';
  const cip = await import('@aws-sdk/client-cognito-identity-provider');
  const ac = await import('@aws-sdk/client-bedrock-agentcore-control');
  const config = { region: SAMPLE_REGION, endpoint, credentials: CREDENTIALS };
  const cognito = new cip.CognitoIdentityProviderClient(config);
  const agentcore = new ac.BedrockAgentCoreControlClient(config);
  const pool = (await cognito.send(new cip.CreateUserPoolCommand({ PoolName: poolName, UsernameAttributes: ['email'] }))).UserPool;
  const existing = (
    await cognito.send(
      new cip.CreateUserPoolClientCommand({ UserPoolId: pool.Id, ClientName: 'existing-app', GenerateSecret: true, AllowedOAuthFlows: ['code'], AllowedOAuthFlowsUserPoolClient: true, AllowedOAuthScopes: ['openid'], CallbackURLs: ['https://app.example.com/callback'], SupportedIdentityProviders: ['COGNITO'] }),
    )
  ).UserPoolClient;
  const gateway = await agentcore.send(
    new ac.CreateGatewayCommand({
      name: gatewayName,
      roleArn: 'arn:aws:iam::123456789012:role/sample-gateway-role',
      protocolType: 'MCP',
      protocolConfiguration: { mcp: { supportedVersions: ['2025-06-18'] } },
      authorizerType: 'CUSTOM_JWT',
      authorizerConfiguration: {
        customJWTAuthorizer: {
          discoveryUrl: `https://cognito-idp.${SAMPLE_REGION}.amazonaws.com/${pool.Id}/.well-known/openid-configuration`,
          allowedClients: [existing.ClientId],
        },
      },
    }),
  );
  // A gateway is CREATING for a while after CreateGateway; the sample is an existing, working one.
  for (const deadline = Date.now() + 60_000; ; ) {
    const g = await agentcore.send(new ac.GetGatewayCommand({ gatewayIdentifier: gateway.gatewayId }));
    if (g.status === 'READY') break;
    if (g.status !== 'CREATING' || Date.now() > deadline) throw new Error(`The sample gateway is ${g.status}, not READY.`);
    await new Promise((r) => setTimeout(r, 100));
  }
  if (target) {
    // A working gateway has tools: one MCP server target (its tools are served by the emulated gateway).
    await agentcore.send(new ac.CreateGatewayTargetCommand({ gatewayIdentifier: gateway.gatewayId, name: 'sample-tools', targetConfiguration: { mcp: { mcpServer: { endpoint: 'https://tools.example.com/mcp' } } } }));
  }
  cognito.destroy();
  agentcore.destroy();
  return { poolId: pool.Id, poolName, existingClientId: existing.ClientId, gatewayId: gateway.gatewayId, gatewayName };
}

/** The environment that points the CLI (and the aws CLI) at the emulator, with dummy credentials. */
export function emulatorEnv(endpoint, extra = {}) {
  return {
    ...process.env,
    AWS_ACCESS_KEY_ID: CREDENTIALS.accessKeyId,
    AWS_SECRET_ACCESS_KEY: CREDENTIALS.secretAccessKey,
    AWS_REGION: SAMPLE_REGION,
    AWS_ENDPOINT_URL: endpoint,
    AWS_SDK_JS_NODE_VERSION_SUPPORT_WARNING_DISABLED: 'true',
    ...extra,
  };
}

/** POSIX shell quoting, for the lines a person pastes. */
const shq = (v) => (/^[\w@%+=:,./-]+$/.test(v) ? v : `'${v.replace(/'/g, `'\\''`)}'`);

/**
 * The lines that point a new shell at the sandbox: its directory (the state file), the emulator's
 * endpoint with dummy credentials, and `mcp-cognito` on PATH (a shim in the directory that runs this
 * clone's bin/), so a command printed as `mcp-cognito …` works as printed.
 */
export function sandboxShellLines(dir, endpoint) {
  return [
    `cd ${shq(dir)}`,
    `export AWS_ENDPOINT_URL=${shq(endpoint)} AWS_REGION=${SAMPLE_REGION} AWS_ACCESS_KEY_ID=test AWS_SECRET_ACCESS_KEY=test`,
    `export PATH=${shq(join(dir, 'bin'))}:"$PATH"`,
  ];
}

/** A directory for the sandbox's state file, with bin/mcp-cognito running this clone's CLI. */
export function sandboxDir() {
  const dir = join(repoRoot, '.cache', 'sandbox', String(Date.now()));
  mkdirSync(join(dir, 'bin'), { recursive: true });
  writeFileSync(join(dir, 'bin', 'mcp-cognito'), `#!/bin/sh\nexec ${shq(process.execPath)} ${shq(join(repoRoot, 'bin', 'mcp-cognito.js'))} "$@"\n`, { mode: 0o755 });
  return dir;
}

async function main() {
  process.env.AWS_SDK_JS_NODE_VERSION_SUPPORT_WARNING_DISABLED ??= 'true';
  const args = process.argv.slice(2);
  const shell = args.includes('--shell');
  // On a terminal the emulator stays up after init (Ctrl-C stops it); elsewhere, or with --no-keep, it stops at once.
  const keep = !args.includes('--no-keep') && (args.includes('--keep') || Boolean(process.stdin.isTTY));
  const seed = !args.includes('--no-gateway-seed');
  const passThrough = args.filter((a) => !['--keep', '--no-keep', '--shell', '--no-gateway-seed'].includes(a));

  process.stderr.write('Starting the local AWS emulator (moto behind the emulator front) on 127.0.0.1…\n');
  const emulator = await startEmulator();
  let stopping = false;
  const stop = async () => {
    if (stopping) return;
    stopping = true;
    await emulator.stop();
  };
  // The wizard handles Ctrl-C itself (exit 130); this process only has to outlive it and clean up.
  process.on('SIGINT', () => undefined);
  process.on('SIGTERM', () => void stop().then(() => process.exit(143)));
  const dir = sandboxDir();
  try {
    if (seed) {
      // The sample gateway exists already (READY at once); the ones init changes take a few seconds.
      emulator.front.settings.gatewayDelayMs = 0;
      const s = await seedSample(emulator.endpoint, { target: true });
      emulator.front.settings.gatewayDelayMs = SANDBOX_GATEWAY_DELAY_MS;
      process.stderr.write(
        `Emulator ready at ${emulator.endpoint} with a sample gateway ${s.gatewayName} (${s.gatewayId}) that trusts user pool ${s.poolName} (${s.poolId}).\n`,
      );
    } else {
      process.stderr.write(`Emulator ready at ${emulator.endpoint} (empty).\n`);
    }
    // Like a real run: init waits for the gateway to be READY (the emulator's gateways take a few seconds).
    const env = { ...emulatorEnv(emulator.endpoint), PATH: `${join(dir, 'bin')}:${process.env.PATH ?? ''}` };
    delete env.CI; // the wizard prompts only outside CI
    process.stderr.write(`Running: mcp-cognito init ${passThrough.join(' ')}  (in ${dir}, against the emulator)\n\n`);
    const code = await new Promise((resolve) => {
      const child = spawn(join(dir, 'bin', 'mcp-cognito'), ['init', ...passThrough], { cwd: dir, env, stdio: 'inherit' });
      child.once('exit', (c, signal) => resolve(c ?? 128 + (constants.signals[signal] ?? 1)));
      child.once('error', () => resolve(1));
    });
    process.exitCode = code;
    if (shell) {
      process.stderr.write(`\nA shell in ${dir} with the emulator's environment set (mcp-cognito is on PATH). Type exit to stop the emulator.\n`);
      await new Promise((resolve) => {
        const sh = spawn(process.env.SHELL || '/bin/sh', [], { cwd: dir, env, stdio: 'inherit' });
        sh.once('exit', resolve);
        sh.once('error', resolve);
      });
    } else if (keep) {
      const lines = sandboxShellLines(dir, emulator.endpoint);
      process.stderr.write(
        `\nThe emulator keeps running until you press Ctrl-C here. In another terminal, paste these lines; then every mcp-cognito command printed above works as printed:\n\n${lines.map((l) => `  ${l}\n`).join('')}\nfor example:\n\n  mcp-cognito add-callback https://global.consent.azure-apim.net/redirect/example\n  mcp-cognito doctor\n\n(npm run sandbox -- --shell opens such a shell for you; the aws CLI works there too.)\n`,
      );
      await new Promise((resolve) => process.once('SIGINT', resolve));
    }
  } finally {
    await stop();
    // The state file names resources of an emulator that is now gone.
    rmSync(dir, { recursive: true, force: true });
    process.stderr.write(
      `\nEmulator stopped: the pool, clients and gateway above existed only in it, and so did the state file in ${dir}; nothing was sent to AWS.${keep || shell ? '' : ' (On a terminal, or with --keep, the sandbox keeps running after init so you can try the other commands.)'} With your AWS account: mcp-cognito init\n`,
    );
  }
}

if (import.meta.url === pathToFileURL(process.argv[1] ?? '').href) {
  main().catch((e) => {
    process.stderr.write(`sandbox: ${e?.message ?? e}\n`);
    process.exitCode = 1;
  });
}
