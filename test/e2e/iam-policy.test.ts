/**
 * The policies of docs/iam.md, enforced: `init`, `facade deploy` (three times), `rotate-secret` (add and
 * --finish) and `teardown` run with the keys of an IAM user whose only policy is the one docs/iam.md
 * documents for that command (placeholders filled in). The emulator front evaluates it for every
 * request signed with a key moto issued (test/emulator/iam-policy.ts: each statement's Action list and
 * the dependent actions; not Resource or Condition, which moto cannot evaluate either). A command that
 * needs an action its policy lacks fails here with ACCESS_DENIED.
 *
 * The same run is the façade's rotation scenario (issue 18 §2; it was facade-rotation.test.ts's first
 * test, run without a policy): rotate-secret on the façade's client reaches the façade, a re-deploy
 * changes nothing, --finish keeps it working.
 */
import { readFileSync } from 'node:fs';
import { join } from 'node:path';
import { describe, expect, it } from 'vitest';
import { CreateAccessKeyCommand, CreateUserCommand, IAMClient, PutUserPolicyCommand } from '@aws-sdk/client-iam';
import { GetGatewayCommand } from '@aws-sdk/client-bedrock-agentcore-control';
import { ListUserPoolClientSecretsCommand } from '@aws-sdk/client-cognito-identity-provider';
import { GetFunctionConfigurationCommand, LambdaClient } from '@aws-sdk/client-lambda';
import { GetParameterCommand, GetParametersCommand, SSMClient } from '@aws-sdk/client-ssm';
import { clientConfig, sdk, useEmulator } from './moto';
import { runCli } from './run-cli';
import { documentedPolicy } from './iam-doc';
import { record } from './fault-kit';
// @ts-expect-error plain .mjs script without types
import { seedSample } from '../../scripts/sandbox.mjs';

// One setup, run in steps (each its own test, so that a loaded machine's slowness does not add up in one).
// Lambda settles each function update after 300 ms (the rotation's update waits for it, as on AWS).
const emu = useEmulator({ gatewayDelayMs: 100, lambdaDelayMs: 300, resetEachTest: false });
const STEP_TIMEOUT = 120_000;
const SECRET_PARAM = '/mcp-cognito/mcp-cognito-facade/client-secret';

describe('commands under exactly the policy docs/iam.md documents', () => {
  let userFor: (command: string) => Promise<Record<string, string>>;
  let run: (args: string[], cwd?: string) => Promise<Awaited<ReturnType<typeof runCli>>>;
  let cwd: string;

  let poolId: string;
  it('init, then facade deploy', { timeout: STEP_TIMEOUT }, async () => {
    const seed = (await seedSample(emu.endpoint())) as { poolId: string; gatewayId: string };
    poolId = seed.poolId;
    const gatewayRole = (await sdk(emu.endpoint()).agentcore.send(new GetGatewayCommand({ gatewayIdentifier: seed.gatewayId }))).roleArn!;
    const iam = new IAMClient(clientConfig(emu.endpoint()));
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
  });

  it("rotate-secret + --finish on the façade's client: the parameter holds the new secret, new instances (the secret's ID in the configuration, never its value), a re-deploy changes nothing, the old secret deleted only then; a third deploy keeps the rotated secret", { timeout: STEP_TIMEOUT }, async ({ task }) => {
    // The façade's own client (the state file names it): its rotation reaches the façade.
    const clientId = (JSON.parse(readFileSync(join(cwd, 'mcp-cognito.json'), 'utf8')) as { facade: { clientId: string } }).facade.clientId;
    const rotate = await run(['rotate-secret', '--client-id', clientId, '--yes', '--json'], cwd);
    const out = rotate.json<{ clientSecret: string; secretId: string; facade: string }>();
    expect(out.facade).toBe('mcp-cognito-facade');
    // The façade's copy of the secret is the new one before the old one goes.
    const ssm = new SSMClient(clientConfig(emu.endpoint()));
    const lambda = new LambdaClient(clientConfig(emu.endpoint()));
    const param = (await ssm.send(new GetParametersCommand({ Names: [SECRET_PARAM], WithDecryption: true }))).Parameters![0]!;
    expect(param.Type).toBe('SecureString');
    expect(param.Value === out.clientSecret, 'the façade parameter holds the added secret').toBe(true);
    const fn = await lambda.send(new GetFunctionConfigurationCommand({ FunctionName: 'mcp-cognito-facade' }));
    expect(fn.Environment?.Variables?.FACADE_CLIENT_SECRET_ID).toBe(out.secretId);
    expect(JSON.stringify(fn)).not.toContain(out.clientSecret);
    expect((rotate.state() as { facade: { secretId: string } }).facade.secretId).toBe(out.secretId);
    expect(rotate.requests.map((r) => r.operation)).toEqual(expect.arrayContaining(['AddUserPoolClientSecret', 'PutParameter', 'UpdateFunctionConfiguration']));

    // The re-deploy reads the function's tags through GetFunction (lambda:ListTags) to adopt only what it made.
    const redeploy = await run(['facade', 'deploy', '--yes', '--json'], cwd);
    expect(redeploy.json()).toMatchObject({ changed: false });

    await run(['rotate-secret', '--finish', '--client-id', clientId, '--yes', '--json'], cwd);
    const left = (await sdk(emu.endpoint()).cognito.send(new ListUserPoolClientSecretsCommand({ UserPoolId: poolId, ClientId: clientId }))).ClientSecrets!.map((s) => s.ClientSecretId);
    expect(left).toEqual([out.secretId]);
    // What the façade reads is the client's one secret: /token keeps working (its Lambda handler: test/unit/facade/rotation-lambda.test.ts).
    const values = emu.front().state.secrets.get(`${poolId}/${clientId}`)!.added.map((a) => a.value);
    const held = async () => (await ssm.send(new GetParameterCommand({ Name: SECRET_PARAM, WithDecryption: true }))).Parameter?.Value;
    expect(values).toEqual([await held()]);
    record(task, { outages: values.includes(out.clientSecret) ? 0 : 1 });
    // Cognito now shows no secret for the client (the original is deleted): deploy keeps the stored one and changes nothing.
    const third = await run(['facade', 'deploy', '--yes'], cwd);
    expect(third.stdout + third.stderr).toMatch(/nothing to change/);
    expect((await held()) === out.clientSecret, 'the façade parameter still holds the rotated secret').toBe(true);
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
