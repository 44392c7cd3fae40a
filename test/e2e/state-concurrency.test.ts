/**
 * The shared state file through the built binary: several mcp-cognito processes recording
 * different clients at the same moment all end up in the file.
 */
import { lstatSync, mkdirSync, mkdtempSync, readFileSync, symlinkSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { describe, expect, it } from 'vitest';
import { CreateResourceServerCommand, CreateUserPoolCommand, paginateListUserPoolClients, type UserPoolClientDescription } from '@aws-sdk/client-cognito-identity-provider';
import { sdk, useMoto } from './moto';
import { runCli } from './run-cli';
import { record } from './fault-kit';

const moto = useMoto();

describe('state file shared by concurrent processes (moto)', () => {
  it('4 create-client processes at once, through a symlinked state file: 4 clients in AWS, 4 entries in the state, the link kept', async ({ task }) => {
    const { cognito } = sdk(moto.endpoint());
    const pool = (await cognito.send(new CreateUserPoolCommand({ PoolName: 'mcp-gateway' }))).UserPool!;
    await cognito.send(new CreateResourceServerCommand({ UserPoolId: pool.Id, Identifier: 'mcp', Name: 'MCP', Scopes: [{ ScopeName: 'invoke', ScopeDescription: 'Invoke' }] }));
    const cwd = mkdtempSync(join(tmpdir(), 'mcp-cognito-state-e2e-'));
    mkdirSync(join(cwd, 'shared'));
    writeFileSync(join(cwd, 'shared', 'state.json'), JSON.stringify({ version: 1, region: 'us-east-1', userPoolId: pool.Id }));
    symlinkSync('shared/state.json', join(cwd, 'mcp-cognito.json'));

    const names = ['agent-a', 'agent-b', 'agent-c', 'agent-d'];
    const runs = await Promise.all(names.map((name) => runCli(['create-client', '--preset', 'm2m', '--name', name, '--json'], { endpoint: moto.endpoint(), cwd })));
    for (const r of runs) expect(r.code, r.stderr).toBe(0);

    // The emulator front pages like AWS (small pages): read them all.
    const inAws: UserPoolClientDescription[] = [];
    for await (const page of paginateListUserPoolClients({ client: cognito }, { UserPoolId: pool.Id, MaxResults: 60 })) inAws.push(...(page.UserPoolClients ?? []));
    expect(inAws.map((c) => c.ClientName).sort()).toEqual(names);
    const state = JSON.parse(readFileSync(join(cwd, 'shared', 'state.json'), 'utf8')) as { userPoolId: string; clients: { clientId: string; name: string }[] };
    // The fault suite's figures (test/faults-reporter.ts): entries of one process lost by another's write.
    record(task, { concurrentProcesses: names.length, itemsLost: names.filter((n) => !state.clients.some((c) => c.name === n)).length });
    expect(state.userPoolId).toBe(pool.Id);
    expect(state.clients.map((c) => c.name).sort()).toEqual(names);
    expect(state.clients.map((c) => c.clientId).sort()).toEqual(inAws.map((c) => c.ClientId).sort());
    expect(lstatSync(join(cwd, 'mcp-cognito.json')).isSymbolicLink()).toBe(true);
  });
});
