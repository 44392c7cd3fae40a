/**
 * `status` through the built binary on the emulator front: after `init` on an existing gateway it
 * names the pool, the clients and the gateway; a client deleted behind its back is flagged (exit 1).
 */
import { describe, expect, it } from 'vitest';
import { DeleteUserPoolClientCommand, DescribeUserPoolClientCommand } from '@aws-sdk/client-cognito-identity-provider';
import { sdk, useEmulator } from './moto';
import { runCli } from './run-cli';
// @ts-expect-error plain .mjs script without types
import { seedSample } from '../../scripts/sandbox.mjs';

const emu = useEmulator();

describe('status (emulator front)', () => {
  it('after init names the pool, domain, clients and gateway; flags a client deleted behind its back', async () => {
    const seed = (await seedSample(emu.endpoint())) as { poolId: string; existingClientId: string; gatewayId: string; gatewayName: string };
    const init = await runCli(['init', '--no-input', '--yes', '--gateway-id', seed.gatewayId, '--json'], { endpoint: emu.endpoint() });
    expect(init.code, init.stderr).toBe(0);
    const clientId = (init.state() as { clients: { clientId: string }[] }).clients[0]!.clientId;
    const { cognito } = sdk(emu.endpoint());
    const secret = (await cognito.send(new DescribeUserPoolClientCommand({ UserPoolId: seed.poolId, ClientId: clientId }))).UserPoolClient!.ClientSecret!;

    const ok = await runCli(['status', '--json'], { endpoint: emu.endpoint(), cwd: init.cwd });
    expect(ok.code, ok.stderr).toBe(0);
    const r = ok.json<any>();
    expect(r).toMatchObject({ success: true, command: 'status', region: 'us-east-1', pool: { id: seed.poolId, found: true, name: 'sample-pool' }, summary: { missing: 0 } });
    // init adopted the seeded pool and created the domain and the client (the state's records).
    expect(r.pool.origin).toBe('adopted');
    expect(r.domain).toMatchObject({ found: true, status: 'ACTIVE', origin: 'created' });
    expect(r.resourceServer).toMatchObject({ identifier: 'mcp', found: true, scopes: ['invoke'] });
    expect(r.clients).toEqual([
      expect.objectContaining({ clientId, name: 'copilot-studio-mcp', preset: 'copilot-studio', origin: 'created', found: true, oauthFlows: ['code'], onGateway: true, callbackUrls: ['https://placeholder.example.com'], secrets: expect.objectContaining({ count: 1, oldestAgeDays: 0 }) }),
    ]);
    expect(r.gateway).toMatchObject({ gatewayId: seed.gatewayId, found: true, name: seed.gatewayName, status: 'READY', allowedClients: [seed.existingClientId, clientId], trustsPool: seed.poolId });
    // The seeded app is on the gateway but not in the state file: named from the pool.
    expect(r.gateway.unknownClients).toEqual([{ clientId: seed.existingClientId, name: 'existing-app', inPool: true }]);
    expect(ok.stdout).not.toContain(secret);
    // Each resource read once (ListUserPoolClientSecrets is the front's; moto lacks it).
    const ops = ok.requests.map((q) => q.operation);
    expect(ops.filter((o) => o === 'DescribeUserPoolClient')).toHaveLength(1);
    expect(ops.filter((o) => o === 'GetGateway')).toHaveLength(1);
    expect(ops.filter((o) => o === 'DescribeUserPool')).toHaveLength(1);
    expect(ops).toContain('ListUserPoolClientSecrets');
    expect(ops.every((o) => /^(Describe|List|Get)/.test(o))).toBe(true);

    // The human screen.
    const human = await runCli(['status'], { endpoint: emu.endpoint(), cwd: init.cwd });
    expect(human.code, human.stderr).toBe(0);
    expect(human.stdout).toContain(seed.poolId);
    expect(human.stdout).toContain('copilot-studio-mcp');
    expect(human.stdout).toContain('existing-app');
    expect(human.stdout).toContain('Everything the state file records exists in AWS');

    // Deleted behind its back: flagged, exit 1, the report still in the JSON envelope.
    await cognito.send(new DeleteUserPoolClientCommand({ UserPoolId: seed.poolId, ClientId: clientId }));
    const gone = await runCli(['status', '--json'], { endpoint: emu.endpoint(), cwd: init.cwd });
    expect(gone.code, gone.stderr).toBe(1);
    const g = gone.json<any>();
    expect(g).toMatchObject({ success: false, error: { code: 'NOT_FOUND' }, summary: { missing: 1 } });
    expect(g.clients[0]).toMatchObject({ clientId, found: false });
    expect(g.flags).toEqual(
      expect.arrayContaining([
        expect.objectContaining({ resource: `client ${clientId}`, severity: 'missing' }),
        // The gateway still allows the deleted client.
        expect.objectContaining({ resource: 'gateway', severity: 'warning', message: expect.stringContaining(clientId) }),
      ]),
    );
    const humanGone = await runCli(['status'], { endpoint: emu.endpoint(), cwd: init.cwd });
    expect(humanGone.code).toBe(1);
    expect(humanGone.stdout).toContain('gone from AWS');
    expect(humanGone.stderr).toContain('gone from AWS');
  });

  it('an empty state file: exit 2, no AWS request', async () => {
    const r = await runCli(['status'], { endpoint: emu.endpoint() });
    expect(r.code).toBe(2);
    expect(r.stderr).toContain('records nothing');
    expect(r.requests).toHaveLength(0);
  });
});
