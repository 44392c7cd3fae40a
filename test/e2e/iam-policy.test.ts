/**
 * The policies of docs/iam.md, enforced: `init`, `facade deploy` (twice), `rotate-secret` (add and
 * --finish) and `teardown` run with the keys of an IAM user whose only policy is the one docs/iam.md
 * documents for that command (placeholders filled in). The emulator front evaluates it for every
 * request signed with a key moto issued (test/emulator/iam-policy.ts: each statement's Action list and
 * the dependent actions; not Resource or Condition, which moto cannot evaluate either). A command that
 * needs an action its policy lacks fails here with ACCESS_DENIED.
 */
import { readFileSync } from 'node:fs';
import { join } from 'node:path';
import { describe, expect, it } from 'vitest';
import { CreateAccessKeyCommand, CreateUserCommand, IAMClient, PutUserPolicyCommand } from '@aws-sdk/client-iam';
import { GetGatewayCommand } from '@aws-sdk/client-bedrock-agentcore-control';
import { GetParameterCommand, SSMClient } from '@aws-sdk/client-ssm';
import { sdk, useEmulator } from './moto';
import { runCli } from './run-cli';
import { documentedPolicy } from './iam-doc';
// @ts-expect-error plain .mjs script without types
import { seedSample } from '../../scripts/sandbox.mjs';

// One setup, run in steps (each its own test, so that a loaded machine's slowness does not add up in one).
const emu = useEmulator({ gatewayDelayMs: 100, lambdaDelayMs: 0, resetEachTest: false });
const STEP_TIMEOUT = 120_000;

describe('commands under exactly the policy docs/iam.md documents', () => {
  let userFor: (command: string) => Promise<Record<string, string>>;
  let run: (args: string[], cwd?: string) => Promise<Awaited<ReturnType<typeof runCli>>>;
  let cwd: string;

  it('init, then facade deploy twice', { timeout: STEP_TIMEOUT }, async () => {
    const seed = (await seedSample(emu.endpoint())) as { poolId: string; gatewayId: string };
    const gatewayRole = (await sdk(emu.endpoint()).agentcore.send(new GetGatewayCommand({ gatewayIdentifier: seed.gatewayId }))).roleArn!;
    const iam = new IAMClient({ region: 'us-east-1', endpoint: emu.endpoint(), credentials: { accessKeyId: 'test', secretAccessKey: 'test' } });
    const keys = new Map<string, Record<string, string>>();
    userFor = async (command: string): Promise<Record<string, string>> => {
      const known = keys.get(command);
      if (known) return known;
      const policy = documentedPolicy(command);
      expect(policy, `docs/iam.md documents a policy for ${command}`).toBeDefined();
      const doc = JSON.stringify(policy)
        .replaceAll('<region>', 'us-east-1')
        .replaceAll('<account>', '123456789012')
        .replaceAll('<pool-id>', seed.poolId)
        .replaceAll('<gateway-id>', seed.gatewayId)
        .replaceAll('<gateway-role-arn>', gatewayRole);
      expect(doc, 'every placeholder filled in').not.toMatch(/<[a-z-]+>/);
      const user = `cli-${command.replace(/\W+/g, '-')}`;
      await iam.send(new CreateUserCommand({ UserName: user }));
      await iam.send(new PutUserPolicyCommand({ UserName: user, PolicyName: 'docs-iam-md', PolicyDocument: doc }));
      const k = (await iam.send(new CreateAccessKeyCommand({ UserName: user }))).AccessKey!;
      const env = { AWS_ACCESS_KEY_ID: k.AccessKeyId!, AWS_SECRET_ACCESS_KEY: k.SecretAccessKey! };
      keys.set(command, env);
      return env;
    };
    run = async (args: string[], dir?: string) => {
      const command = args[0] === 'facade' ? `facade ${args[1]}` : args[0]!;
      const r = await runCli(args, { endpoint: emu.endpoint(), env: await userFor(command), timeoutMs: 90_000, ...(dir ? { cwd: dir } : {}) });
      expect(r.code, `${args.join(' ')} under its documented policy: ${r.stdout}${r.stderr}`).toBe(0);
      return r;
    };

    const init = await run(['init', '--no-input', '--yes', '--gateway-id', seed.gatewayId, '--json']);
    cwd = init.cwd;
    const first = await run(['facade', 'deploy', '--yes', '--json'], cwd);
    expect(first.json<{ changed: boolean }>().changed).toBe(true);
    // The second deploy reads the function's tags through GetFunction (lambda:ListTags) to adopt only what it made.
    const second = await run(['facade', 'deploy', '--yes', '--json'], cwd);
    expect(second.json<{ changed: boolean }>().changed).toBe(false);
  });

  it('rotate-secret (add, finish), then a third facade deploy', { timeout: STEP_TIMEOUT }, async () => {
    // The façade's own client (the state file names it): its rotation reaches the façade.
    const facadeClient = (JSON.parse(readFileSync(join(cwd, 'mcp-cognito.json'), 'utf8')) as { facade: { clientId: string } }).facade.clientId;
    const added = (await run(['rotate-secret', '--client-id', facadeClient, '--yes', '--json'], cwd)).json<{ clientSecret: string }>().clientSecret;
    // The façade's copy of the secret is the new one before the old one goes.
    const ssm = new SSMClient({ region: 'us-east-1', endpoint: emu.endpoint(), credentials: { accessKeyId: 'test', secretAccessKey: 'test' } });
    const stored = await ssm.send(new GetParameterCommand({ Name: '/mcp-cognito/mcp-cognito-facade/client-secret', WithDecryption: true }));
    expect(stored.Parameter?.Value === added, 'the façade parameter holds the added secret').toBe(true);
    await run(['rotate-secret', '--finish', '--client-id', facadeClient, '--yes', '--json'], cwd);
    // Cognito now shows no secret for the client (the original is deleted): deploy keeps the stored one and changes nothing.
    const third = await run(['facade', 'deploy', '--yes'], cwd);
    expect(third.stdout + third.stderr).toMatch(/nothing to change/);
    const kept = await ssm.send(new GetParameterCommand({ Name: '/mcp-cognito/mcp-cognito-facade/client-secret', WithDecryption: true }));
    expect(kept.Parameter?.Value === added, 'the façade parameter still holds the rotated secret').toBe(true);
  });

  it('teardown; no request was denied; a command outside its policy is', { timeout: STEP_TIMEOUT }, async () => {
    const down = await run(['teardown', '--yes', '--json'], cwd);
    expect(down.state()).not.toHaveProperty('facade');
    const front = emu.front();
    expect(front.requests.filter((r) => r.denied).map((r) => `${r.operation}: ${r.denied}`)).toEqual([]);
    // Under a policy for real: the keys of the rotate-secret user cannot read the gateway.
    const outside = await runCli(['status', '--json'], { endpoint: emu.endpoint(), cwd, env: await userFor('rotate-secret') });
    expect(outside.code).not.toBe(0);
    expect(outside.stdout + outside.stderr).toMatch(/cognito-idp:DescribeUserPool|bedrock-agentcore:GetGateway/);
    expect(front.requests.filter((r) => r.denied).length).toBeGreaterThan(0);
  });
});
