/**
 * A gateway with an AUTHENTICATE_ONLY authorizer ("offloaded authorization": the gateway checks the
 * token and makes no authorization decision of its own; docs.aws.amazon.com/bedrock-agentcore/latest/
 * devguide/gateway-inbound-auth.html) is neither closed nor a gateway to add clients to: init and
 * authorize-client change nothing and say why; doctor and status say who decides instead (a policy
 * engine in ENFORCE mode, an interceptor, or only the targets).
 */
import { describe, expect, it } from 'vitest';
import { CreateGatewayCommand, GetGatewayCommand, UpdateGatewayCommand } from '@aws-sdk/client-bedrock-agentcore-control';
import { sdk, useEmulator } from './moto';
import { runCli } from './run-cli';
import { toUpdateGatewayRequest } from '../../src/aws/rmw';
// @ts-expect-error plain .mjs script without types
import { seedSample } from '../../scripts/sandbox.mjs';

const emu = useEmulator({ gatewayDelayMs: 50 });
const sleep = (ms: number) => new Promise((r) => setTimeout(r, ms));

interface DoctorCheck {
  id: string;
  status: string;
  title: string;
  detail?: string;
}

describe('AUTHENTICATE_ONLY gateway', () => {
  it('init and authorize-client send no UpdateGateway and explain; doctor and status say who decides', async () => {
    const seed = (await seedSample(emu.endpoint())) as { poolId: string };
    const { agentcore } = sdk(emu.endpoint());
    const created = await agentcore.send(
      new CreateGatewayCommand({
        name: 'offloaded',
        roleArn: 'arn:aws:iam::123456789012:role/gw',
        protocolType: 'MCP',
        protocolConfiguration: { mcp: { supportedVersions: ['2025-06-18', '2025-03-26'] } },
        authorizerType: 'AUTHENTICATE_ONLY',
        authorizerConfiguration: { customJWTAuthorizer: { discoveryUrl: `https://cognito-idp.us-east-1.amazonaws.com/${seed.poolId}/.well-known/openid-configuration` } },
      }),
    );
    const gatewayId = created.gatewayId!;
    await sleep(100);

    const init = await runCli(['init', '--no-input', '--yes', '--gateway-id', gatewayId, '--pool-id', seed.poolId, '--json'], { endpoint: emu.endpoint() });
    expect(init.code, init.stdout + init.stderr).toBe(0);
    const clientId = (init.state() as { clients: { clientId: string }[] }).clients[0]!.clientId;
    const auth = await runCli(['authorize-client', '--gateway-id', gatewayId, '--client-id', clientId, '--yes', '--json'], { endpoint: emu.endpoint(), cwd: init.cwd });
    expect(auth.code, auth.stdout + auth.stderr).toBe(0);
    expect(auth.json()).toMatchObject({ changed: false, acceptedWithoutAllowList: [clientId] });
    const human = await runCli(['authorize-client', '--gateway-id', gatewayId, '--client-id', clientId, '--yes'], { endpoint: emu.endpoint(), cwd: init.cwd });
    expect(human.code, human.stderr).toBe(0);
    expect(human.stdout + human.stderr).toMatch(/authenticates only \(AUTHENTICATE_ONLY\).*makes no authorization decision of its own.*offloaded to the target, a policy engine attached to the gateway, or an interceptor Lambda function/s);
    expect(emu.front().calls('UpdateGateway')).toEqual([]);

    const doctor = async () => {
      const r = await runCli(['doctor', '--json', '--no-probes'], { endpoint: emu.endpoint(), cwd: init.cwd });
      return Object.fromEntries((r.json<{ checks: DoctorCheck[] }>().checks ?? []).map((c) => [c.id, c]));
    };
    const open = await doctor();
    expect(open['gateway.authorizer']).toMatchObject({ status: 'warn' });
    expect(open['gateway.authorizer']!.title).toMatch(/Nothing at gateway offloaded decides who may call its tools/);
    expect(open['gateway.authorizer']!.detail).toMatch(/neither a policy engine nor an interceptor/);
    expect(open['gateway.discovery-url']).toMatchObject({ status: 'pass' });
    for (const id of ['gateway.allowed-audience', 'gateway.custom-claims']) expect(open[id], id).toMatchObject({ status: 'skip' });

    const status = await runCli(['status', '--json'], { endpoint: emu.endpoint(), cwd: init.cwd });
    const flags = status.json<{ flags?: { message: string }[] }>().flags ?? [];
    expect(flags.map((f) => f.message).join('\n')).toMatch(/authenticates only \(AUTHENTICATE_ONLY\)/);
    expect(flags.map((f) => f.message).join('\n')).not.toMatch(/does not use a CUSTOM_JWT/);

    // A policy engine in ENFORCE mode decides: doctor passes and names it; status no longer warns.
    const got = await agentcore.send(new GetGatewayCommand({ gatewayIdentifier: gatewayId }));
    await agentcore.send(new UpdateGatewayCommand(toUpdateGatewayRequest(got, { policyEngineConfiguration: { arn: 'arn:aws:bedrock-agentcore:us-east-1:123456789012:policy-engine/pe-1', mode: 'ENFORCE' } })));
    await sleep(100);
    const enforced = await doctor();
    expect(enforced['gateway.authorizer']).toMatchObject({ status: 'pass' });
    expect(enforced['gateway.authorizer']!.detail).toMatch(/policy engine arn:aws:bedrock-agentcore:us-east-1:123456789012:policy-engine\/pe-1 \(ENFORCE\), which allows or denies each call/);
    expect(enforced['gateway.policy-engine']!.detail).toMatch(/enforces its policies/);
  });
});
