/**
 * The deployed façade and the day-two writers on the emulator (moto: Lambda, IAM, SSM): facade
 * remove survives a kill right after its last write (issue 17 §6; the emulator front faults and
 * hooks Cognito and AgentCore requests only, not Lambda, IAM or SSM). rotate-secret on the façade's
 * client reaching the façade (issue 18 §2) and --finish keeping it working: iam-policy.test.ts,
 * which runs that scenario under the policies docs/iam.md documents.
 */
import type { ChildProcess } from 'node:child_process';
import { describe, expect, it } from 'vitest';
import { DescribeUserPoolClientCommand } from '@aws-sdk/client-cognito-identity-provider';
import { LambdaClient, ListFunctionsCommand } from '@aws-sdk/client-lambda';
import { GetParametersCommand, SSMClient } from '@aws-sdk/client-ssm';
import { clientConfig, sdk, useEmulator } from './moto';
import { runCli } from './run-cli';
import { record } from './fault-kit';
// @ts-expect-error plain .mjs script without types
import { seedSample } from '../../scripts/sandbox.mjs';

const SECRET_PARAM = '/mcp-cognito/mcp-cognito-facade/client-secret';

describe('the deployed façade and the day-two writers', () => {
  const emu = useEmulator();

  async function deployed() {
    const seed = (await seedSample(emu.endpoint())) as { poolId: string; gatewayId: string };
    // The façade's own client first (init --facade-client: serve's loopback callback), so deploy adds its URL's callback and remove takes it off.
    const init = await runCli(['init', '--no-input', '--yes', '--gateway-id', seed.gatewayId, '--facade-client', '--json'], { endpoint: emu.endpoint() });
    expect(init.code, init.stderr).toBe(0);
    const cwd = init.cwd;
    const deploy = await runCli(['facade', 'deploy', '--yes', '--json'], { endpoint: emu.endpoint(), cwd, timeoutMs: 60_000 });
    expect(deploy.code, deploy.stderr).toBe(0);
    const state = deploy.state() as { facade: { clientId: string } };
    return { poolId: seed.poolId, clientId: state.facade.clientId, cwd };
  }

  it("facade remove killed right after its last write landed (the façade's callback off the client; the front faults Cognito only): a clean re-run finishes; nothing left", async ({ task }) => {
    const { poolId, clientId, cwd } = await deployed();
    let child: ChildProcess | undefined;
    const front = emu.front();
    const hook = front.faults.hook({
      operation: 'UpdateUserPoolClient',
      when: 'after',
      async run() {
        child?.kill('SIGKILL');
        await new Promise((r) => setTimeout(r, 300));
      },
    });
    const killed = await runCli(['facade', 'remove', '--yes', '--json'], { endpoint: emu.endpoint(), cwd, onSpawn: (c) => (child = c) });
    expect(killed.signal, killed.stderr).toBe('SIGKILL');
    expect(hook.fired).toBe(1);
    const again = await runCli(['facade', 'remove', '--yes', '--json'], { endpoint: emu.endpoint(), cwd });
    expect(again.code, again.stderr).toBe(0);
    const lambda = new LambdaClient(clientConfig(emu.endpoint()));
    expect((await lambda.send(new ListFunctionsCommand({}))).Functions ?? []).toEqual([]);
    const ssm = new SSMClient(clientConfig(emu.endpoint()));
    expect((await ssm.send(new GetParametersCommand({ Names: [SECRET_PARAM] }))).Parameters ?? []).toEqual([]);
    expect((again.state() as { facade?: unknown }).facade).toBeUndefined();
    const client = (await sdk(emu.endpoint()).cognito.send(new DescribeUserPoolClientCommand({ UserPoolId: poolId, ClientId: clientId }))).UserPoolClient!;
    expect((client.CallbackURLs ?? []).filter((u) => u.includes('lambda-url'))).toEqual([]);
    record(task, { faultsTried: 1, failedThenRerun: 1 });
  }, 120_000);
});
