/**
 * The local AWS emulator for end-to-end tests: moto (scripts/moto.mjs) behind the project's
 * emulator front (test/emulator/server.ts), which behaves as AWS documents where moto is lenient.
 *
 * `useEmulator()` (alias `useMoto()`) gives a test file a front of its own, started in this process
 * in front of a moto server: the one of this vitest worker slot when test/emulator/global-setup.ts
 * runs (vitest.config.ts globalSetup), else one started for the file. moto and the front are reset
 * before each test. `endpoint()` is the front's: give it to the CLI (runCli's `endpoint`) and to
 * `sdk()`.
 *
 * The front runs in the test's own process: run the CLI asynchronously (runCli, spawn, execFile),
 * never with execFileSync/spawnSync, which would block the front and hang.
 */
import { afterAll, beforeAll, beforeEach, inject } from 'vitest';
import { readFileSync, writeFileSync } from 'node:fs';
import { join } from 'node:path';
import { CognitoIdentityProviderClient, CreateResourceServerCommand, CreateUserPoolCommand, CreateUserPoolDomainCommand, DescribeUserPoolCommand } from '@aws-sdk/client-cognito-identity-provider';
import { BedrockAgentCoreControlClient } from '@aws-sdk/client-bedrock-agentcore-control';
import { resetMoto, startMoto, type Moto } from '../../scripts/moto.mjs';
import { startFront, type Front, type FrontOptions } from '../emulator/server';
import { runCli, tempDir } from './run-cli';

export { findMotoServer, freePort, repoRoot, startMoto, type Moto } from '../../scripts/moto.mjs';
export type { Front } from '../emulator/server';

// The SDK warns on Node < 22; irrelevant in tests.
process.env.AWS_SDK_JS_NODE_VERSION_SUPPORT_WARNING_DISABLED = 'true';

export interface Emulator {
  /** The front's endpoint (`http://127.0.0.1:<port>`): what the CLI and tests talk to. */
  endpoint(): string;
  /** moto's own endpoint (bypasses the front's AWS rules). */
  motoEndpoint(): string;
  /** The front: request record, faults, hooks, gateway status control, settings. */
  front(): Front;
}

/**
 * moto for this file: the worker slot's shared one (test/emulator/global-setup.ts) when the broker
 * runs, else one started for the file. Its state is whatever the slot's last file left: reset it
 * (or the front in front of it) before use. `release()` stops only a moto started here.
 */
export async function acquireMoto(): Promise<{ endpoint: string; reset(): Promise<void>; release(): Promise<void> }> {
  const broker = inject('motoBroker') as string | undefined;
  if (broker) {
    const slot = process.env.VITEST_POOL_ID ?? '1';
    const r = await fetch(`${broker}/moto/${slot}`);
    const text = await r.text();
    if (!r.ok) throw new Error(`The moto broker could not start moto: ${text}`);
    const { endpoint } = JSON.parse(text) as { endpoint: string };
    return { endpoint, reset: () => resetMoto(endpoint), release: async () => undefined };
  }
  const moto: Moto = await startMoto();
  return { endpoint: moto.endpoint, reset: () => moto.reset(), release: () => moto.stop() };
}

/**
 * For test files: moto + the emulator front, reset before each test. Call at the top level of the
 * file (or of a describe block). Options go to the front (page size, gateway delay, data plane).
 */
export function useEmulator(options: Omit<FrontOptions, 'motoEndpoint'> & { /** false: reset once before the file's tests (they share what a beforeAll seeded); default true. */ resetEachTest?: boolean } = {}): Emulator {
  let moto: Awaited<ReturnType<typeof acquireMoto>> | undefined;
  let front: Front | undefined;
  const { resetEachTest = true, ...frontOptions } = options;
  beforeAll(async () => {
    moto = await acquireMoto();
    front = await startFront({ ...frontOptions, motoEndpoint: moto.endpoint });
    if (!resetEachTest) await front.reset();
  });
  afterAll(async () => {
    await front?.stop();
    await moto?.release();
    front = undefined;
    moto = undefined;
  });
  beforeEach(async () => {
    if (!resetEachTest) return;
    await front?.reset();
    if (front) {
      front.settings.pageSize = options.pageSize ?? 2;
      front.settings.gatewayDelayMs = options.gatewayDelayMs ?? 300;
      front.settings.lambdaDelayMs = options.lambdaDelayMs ?? 300;
      front.settings.roleAssumableAfterMs = options.roleAssumableAfterMs ?? 0;
      front.settings.parameterReuseAfterMs = options.parameterReuseAfterMs ?? 30_000;
      delete front.settings.conflictWhileTransitional;
      delete front.settings.withoutLambdaListTags;
    }
  });
  const need = () => {
    if (!front || !moto) throw new Error('The emulator is not running: call it inside a test or hook, after useEmulator()’s beforeAll.');
    return { front, moto };
  };
  return {
    endpoint: () => need().front.endpoint,
    motoEndpoint: () => need().moto.endpoint,
    front: () => need().front,
  };
}

/**
 * Polls `probe` every 100 ms until it returns true, for at most 10 s: the end of a timed emulator window
 * (a gateway's UPDATING, a Lambda update, IAM propagation), waited for instead of slept for.
 */
export async function until(what: string, probe: () => Promise<boolean>): Promise<void> {
  const t0 = Date.now();
  while (!(await probe())) {
    if (Date.now() - t0 > 10_000) throw new Error(`${what}: not after 10 s`);
    await new Promise((r) => setTimeout(r, 100));
  }
}

/** The emulator (moto behind the front); kept under its old name for the existing tests. */
export const useMoto = useEmulator;

/** An SDK client's configuration for the emulator at `endpoint` (us-east-1, dummy credentials): for the Lambda, IAM and SSM clients tests make themselves. */
export const clientConfig = (endpoint: string) => ({ region: 'us-east-1', endpoint, credentials: { accessKeyId: 'test', secretAccessKey: 'test' } });

/**
 * SDK clients pointed at `endpoint` (the front), for tests to seed state and to read back what the
 * CLI did. One pair per endpoint: building an SDK client resolves its whole configuration (a few
 * ms of CPU each), and tests ask for them in every step.
 */
export function sdk(endpoint: string): { cognito: CognitoIdentityProviderClient; agentcore: BedrockAgentCoreControlClient } {
  let clients = sdkClients.get(endpoint);
  if (!clients) {
    const config = clientConfig(endpoint);
    clients = { cognito: new CognitoIdentityProviderClient(config), agentcore: new BedrockAgentCoreControlClient(config) };
    sdkClients.set(endpoint, clients);
  }
  return clients;
}
const sdkClients = new Map<string, { cognito: CognitoIdentityProviderClient; agentcore: BedrockAgentCoreControlClient }>();

/**
 * A user pool as `mcp-cognito init-pool <args>` leaves it (the pool, its domain, its resource server
 * and the state file), for files whose subject is another command (init-pool itself:
 * init-pool.test.ts). The first call runs init-pool for real; each later call (after the emulator's
 * reset) sends, through the SDK and the front, the Create requests that run sent (its request
 * record; the password policy, which the record redacts, read back from the pool it made) and writes
 * its state file with the new pool's ID. A CLI run costs ~0.3 s of CPU (the CLI, the front and moto);
 * the three requests a few milliseconds.
 */
export function initPoolSeed(emu: Emulator, args: string[]): () => Promise<{ cwd: string; poolId: string }> {
  let recipe: { requests: { operation: string; input: Record<string, unknown> }[]; poolId: string; state: string } | undefined;
  return async () => {
    const { cognito } = sdk(emu.endpoint());
    if (!recipe) {
      const r = await runCli(['init-pool', ...args, '--json'], { endpoint: emu.endpoint() });
      if (r.code !== 0) throw new Error(`init-pool ${args.join(' ')} failed: ${r.stderr}`);
      const poolId = r.json<{ userPoolId: string }>().userPoolId;
      const { Policies } = (await cognito.send(new DescribeUserPoolCommand({ UserPoolId: poolId }))).UserPool!;
      const requests = r.requests.filter((q) => q.operation.startsWith('Create')).map((q) => ({ operation: q.operation, input: q.operation === 'CreateUserPool' ? { ...q.input, Policies } : q.input }));
      if (JSON.stringify(requests).includes('<redacted>')) throw new Error(`init-pool's record has a redacted field initPoolSeed cannot send again: ${JSON.stringify(requests)}`);
      if (requests.map((q) => q.operation).join() !== 'CreateUserPool,CreateUserPoolDomain,CreateResourceServer') throw new Error(`init-pool ${args.join(' ')} sent ${requests.map((q) => q.operation).join(', ')}: a fresh emulator expected`);
      recipe = { requests, poolId, state: readFileSync(r.statePath, 'utf8') };
      return { cwd: r.cwd, poolId };
    }
    let poolId = '';
    for (const { operation, input } of recipe.requests) {
      const withPool = JSON.parse(JSON.stringify(input).replaceAll(recipe.poolId, poolId)) as never;
      if (operation === 'CreateUserPool') poolId = (await cognito.send(new CreateUserPoolCommand(withPool))).UserPool!.Id!;
      else if (operation === 'CreateUserPoolDomain') await cognito.send(new CreateUserPoolDomainCommand(withPool));
      else await cognito.send(new CreateResourceServerCommand(withPool));
    }
    const cwd = tempDir('cwd-');
    writeFileSync(join(cwd, 'mcp-cognito.json'), recipe.state.replaceAll(recipe.poolId, poolId));
    return { cwd, poolId };
  };
}
