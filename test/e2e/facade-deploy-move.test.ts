/**
 * `facade deploy` moving a façade to a client of its own, and teardown with a façade, against the emulator front
 * (Lambda, IAM and SSM pass through to moto): a façade that an older version put on the Copilot Studio client moves
 * to its own, taking only its recorded callback off there; teardown removes the façade first, then the clients; the
 * adopted pool and the gateway stay. (A file of its own beside facade-deploy.test.ts, so that the two run at once.)
 */
import { readFileSync, writeFileSync } from 'node:fs';
import { join } from 'node:path';
import { describe, expect, it } from 'vitest';
import { DescribeUserPoolClientCommand } from '@aws-sdk/client-cognito-identity-provider';
import { GetGatewayCommand } from '@aws-sdk/client-bedrock-agentcore-control';
import { LambdaClient, ListFunctionsCommand } from '@aws-sdk/client-lambda';
import { IAMClient, ListRolesCommand } from '@aws-sdk/client-iam';
import { GetParametersCommand, SSMClient } from '@aws-sdk/client-ssm';
import { clientConfig, sdk, useEmulator } from './moto';
import { runCli } from './run-cli';
// @ts-expect-error plain .mjs script without types
import { seedSample } from '../../scripts/sandbox.mjs';

describe('facade deploy against the emulator (moto: Lambda, IAM, SSM)', () => {
  const emu = useEmulator();

  it('a façade that borrowed the Copilot Studio client moves to its own (only its recorded callback comes off there); teardown removes the façade first, then the clients; the adopted pool and the gateway stay', async () => {
    const seed = (await seedSample(emu.endpoint())) as { poolId: string; gatewayId: string };
    const init = await runCli(['init', '--no-input', '--yes', '--gateway-id', seed.gatewayId, '--json'], { endpoint: emu.endpoint() });
    expect(init.code, init.stderr).toBe(0);
    const cwd = init.cwd;
    // An older setup: facade serve had put its loopback callback on the Copilot Studio client (recorded), beside one the user added.
    const copilotId = (init.state() as { clients: { clientId: string }[] }).clients[0]!.clientId;
    const added = await runCli(['add-callback', 'http://127.0.0.1:8790/callback', 'http://localhost:6274/oauth/callback', '--client-id', copilotId, '--yes'], { endpoint: emu.endpoint(), cwd });
    expect(added.code, added.stderr).toBe(0);
    const statePath = join(cwd, 'mcp-cognito.json');
    writeFileSync(statePath, JSON.stringify({ ...JSON.parse(readFileSync(statePath, 'utf8')), facadeServe: { clientId: copilotId, callbacks: ['http://127.0.0.1:8790/callback'] } }));
    const { cognito: idp } = sdk(emu.endpoint());
    const describe = async (id: string) => (await idp.send(new DescribeUserPoolClientCommand({ UserPoolId: seed.poolId, ClientId: id }))).UserPoolClient!;
    const copilotBefore = await describe(copilotId);
    const doctor = await runCli(['doctor', '--json'], { endpoint: emu.endpoint(), cwd });
    const byId = Object.fromEntries(doctor.json<{ checks: { id: string; status: string }[] }>().checks.map((c) => [c.id.split('@')[0], c.status]));
    expect(byId).toMatchObject({ 'facade.client': 'warn', 'client.oauth-metadata': 'fail' });

    const deploy = await runCli(['facade', 'deploy', '--yes', '--json'], { endpoint: emu.endpoint(), cwd, timeoutMs: 60_000 });
    expect(deploy.code, deploy.stderr).toBe(0);
    expect(deploy.stderr).toMatch(/- http:\/\/127\.0\.0\.1:8790\/callback/);
    // Moved: only the façade's recorded callback left the Copilot Studio client; everything else there is as it was.
    const copilotAfter = await describe(copilotId);
    expect(copilotAfter.CallbackURLs).toEqual(copilotBefore.CallbackURLs!.filter((u) => u !== 'http://127.0.0.1:8790/callback'));
    const strip = ({ CallbackURLs: _c, LastModifiedDate: _l, ...rest }: typeof copilotBefore) => rest;
    expect(strip(copilotAfter)).toEqual(strip(copilotBefore));
    expect(deploy.state()).not.toHaveProperty('facadeServe');

    // A deployed façade of an older version stood for the Copilot Studio client (its <url>/callback there, recorded):
    // the next deploy moves it to its own client and takes that callback (only it) off the Copilot Studio client.
    const url = deploy.json<{ url: string }>().url;
    const legacyCallback = `${url}/callback`;
    expect((await runCli(['add-callback', legacyCallback, '--client-id', copilotId, '--yes'], { endpoint: emu.endpoint(), cwd })).code).toBe(0);
    const recorded = JSON.parse(readFileSync(statePath, 'utf8')) as { facade: Record<string, unknown> };
    const ownId = recorded.facade.clientId as string;
    writeFileSync(statePath, JSON.stringify({ ...recorded, facade: { ...recorded.facade, clientId: copilotId, callbackAdded: true, secretId: undefined } }));
    const beforeMove = await describe(copilotId);
    const moved = await runCli(['facade', 'deploy', '--yes', '--json'], { endpoint: emu.endpoint(), cwd, timeoutMs: 60_000 });
    expect(moved.code, moved.stderr).toBe(0);
    expect((moved.state() as { facade: { clientId: string } }).facade.clientId).toBe(ownId);
    const afterMove = await describe(copilotId);
    expect(afterMove.CallbackURLs).toEqual(beforeMove.CallbackURLs!.filter((u) => u !== legacyCallback));
    expect(strip(afterMove)).toEqual(strip(beforeMove));
    // The parameter holds the façade's own client's secret again (it held "another client's").
    const param = await new SSMClient(clientConfig(emu.endpoint())).send(new GetParametersCommand({ Names: ['/mcp-cognito/mcp-cognito-facade/client-secret'], WithDecryption: true }));
    expect(param.Parameters![0]!.Value).toBe((await describe(ownId)).ClientSecret);
    const lambda = new LambdaClient(clientConfig(emu.endpoint()));
    expect(((await lambda.send(new ListFunctionsCommand({}))).Functions ?? []).length).toBe(1);

    const down = await runCli(['teardown', '--yes', '--json'], { endpoint: emu.endpoint(), cwd, timeoutMs: 60_000 });
    expect(down.code, down.stderr).toBe(0);
    expect((await lambda.send(new ListFunctionsCommand({}))).Functions ?? []).toEqual([]);
    const iam = new IAMClient(clientConfig(emu.endpoint()));
    expect(((await iam.send(new ListRolesCommand({}))).Roles ?? []).filter((r) => r.RoleName?.startsWith('mcp-cognito-facade'))).toEqual([]);
    expect(down.state()).not.toHaveProperty('facade');
    // The gateway keeps its earlier client only; the pool (adopted) stays.
    const { cognito, agentcore } = sdk(emu.endpoint());
    const g = await agentcore.send(new GetGatewayCommand({ gatewayIdentifier: seed.gatewayId }));
    const earlier = (init.state() as { clients: { clientId: string }[] }).clients.map((c) => c.clientId);
    for (const id of earlier) expect(g.authorizerConfiguration?.customJWTAuthorizer?.allowedClients ?? []).not.toContain(id);
    const { DescribeUserPoolCommand } = await import('@aws-sdk/client-cognito-identity-provider');
    expect((await cognito.send(new DescribeUserPoolCommand({ UserPoolId: seed.poolId }))).UserPool?.Id).toBe(seed.poolId);

    const again = await runCli(['teardown', '--yes', '--json'], { endpoint: emu.endpoint(), cwd });
    expect(again.code, again.stderr).toBe(0);
    expect(again.requests.filter((r) => /^(Delete|Update|Remove)/.test(r.operation))).toEqual([]);
  }, 150_000);
});
