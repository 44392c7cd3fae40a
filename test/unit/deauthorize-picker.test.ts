/** deauthorize-client on a terminal without --client-id offers the state file's clients (none pre-selected); without a terminal it is a usage error. */
import { writeFileSync } from 'node:fs';
import { join } from 'node:path';
import { beforeEach, describe, expect, it } from 'vitest';
import { mockClient } from 'aws-sdk-client-mock';
import { BedrockAgentCoreControlClient, GetGatewayCommand, UpdateGatewayCommand, type GetGatewayResponse } from '@aws-sdk/client-bedrock-agentcore-control';
import { main } from '../../src/cli.js';
import { CaptureStream, scriptedPrompter, testCtx } from './helpers.js';

const agentcore = mockClient(BedrockAgentCoreControlClient);
const POOL = 'us-east-1_AbC123xyz';
const GW = 'my-gateway-abc1234567';
let gateway: GetGatewayResponse;

beforeEach(() => {
  agentcore.reset();
  gateway = { gatewayId: GW, gatewayArn: 'arn:aws:bedrock-agentcore:us-east-1:123456789012:gateway/' + GW, createdAt: new Date(), updatedAt: new Date(), name: 'my-gateway', status: 'READY', roleArn: 'arn:aws:iam::123456789012:role/r', protocolType: 'MCP', authorizerType: 'CUSTOM_JWT', authorizerConfiguration: { customJWTAuthorizer: { discoveryUrl: `https://cognito-idp.us-east-1.amazonaws.com/${POOL}/.well-known/openid-configuration`, allowedClients: ['c1', 'c2'] } } };
  agentcore.on(GetGatewayCommand).callsFake(async () => structuredClone(gateway));
  agentcore.on(UpdateGatewayCommand).callsFake(async (input) => {
    gateway = { ...gateway, ...structuredClone(input), status: 'READY' } as GetGatewayResponse;
    return { gatewayId: GW, status: 'READY' };
  });
});

function stateFile(): string {
  const { dir } = testCtx();
  const path = join(dir, 'mcp-cognito.json');
  writeFileSync(path, JSON.stringify({ version: 1, region: 'us-east-1', userPoolId: POOL, gatewayId: GW, clients: [{ clientId: 'c1', name: 'copilot-studio-mcp', preset: 'copilot-studio' }, { clientId: 'c2', name: 'mcp-agent-m2m', preset: 'm2m' }] }));
  return path;
}

describe('deauthorize-client picks from the state file on a terminal', () => {
  it('offers every recorded client, none checked, and takes off the chosen one after a confirmation that defaults to No', async () => {
    const prompter = scriptedPrompter([['c2'], true]);
    const stderr = new CaptureStream(true);
    const code = await main(['node', 'mcp-cognito', '--state', stateFile(), 'deauthorize-client'], { env: { AWS_REGION: 'us-east-1', AWS_ACCESS_KEY_ID: 'x', AWS_SECRET_ACCESS_KEY: 'y' }, stdinIsTTY: true, prompter, stdout: new CaptureStream(), stderr });
    expect(code, stderr.text()).toBe(0);
    expect(prompter.asked[0]).toMatchObject({ kind: 'checkbox', choices: ['c1', 'c2'] });
    expect(prompter.asked[1]).toMatchObject({ kind: 'confirm', default: false });
    expect(agentcore.commandCalls(UpdateGatewayCommand)[0]!.args[0].input.authorizerConfiguration?.customJWTAuthorizer?.allowedClients).toEqual(['c1']);
  });
  it('without a terminal: a usage error naming --client-id, nothing sent', async () => {
    const stderr = new CaptureStream(false);
    const code = await main(['node', 'mcp-cognito', '--state', stateFile(), 'deauthorize-client'], { env: { AWS_REGION: 'us-east-1' }, stdinIsTTY: false, stdout: new CaptureStream(), stderr });
    expect(code).toBe(2);
    expect(stderr.text()).toContain('--client-id');
    expect(agentcore.calls()).toHaveLength(0);
  });
});
