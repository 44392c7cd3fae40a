/**
 * --copilot-studio on facade deploy and serve, without AWS: deploy's flag is kept as deployed
 * unless said (--no-copilot-studio takes it away); the function's environment carries only
 * FACADE_COPILOT_STUDIO=1 (never a secret) and drift sees it; serve needs an https --public-url
 * for it (Copilot Studio reaches the façade from Microsoft's cloud); the printed steps hold the URL
 * and no secret.
 */
import { describe, expect, it } from 'vitest';
import { parseDeployFlags, renderDeploy } from '../../src/commands/facade/deploy.js';
import { parseServeFlags } from '../../src/commands/facade/serve.js';
import { desiredSettings, facadeNames, settingsDrift } from '../../src/steps/facade/resources.js';
import { copilotStudioDynamicSteps } from '../../src/lib/copilot-form.js';
import type { FacadeTarget } from '../../src/steps/facade/target.js';
import { Output } from '../../src/lib/output.js';

const t = { region: 'us-east-1', poolId: 'us-east-1_Abc', domainUrl: 'https://p.auth.us-east-1.amazoncognito.com', clientId: 'c1', client: { ClientSecret: 'THE-SECRET' }, gatewayId: 'gw-1', gatewayUrl: 'https://gw-1.gateway.bedrock-agentcore.us-east-1.amazonaws.com/mcp', scopes: ['openid'] } as unknown as FacadeTarget;
const n = facadeNames('mcp-cognito-facade');

describe('facade deploy --copilot-studio', () => {
  it('undefined keeps what is deployed; true and false say it', () => {
    expect(parseDeployFlags({})).not.toHaveProperty('copilotStudio');
    expect(parseDeployFlags({ copilotStudio: true })).toMatchObject({ copilotStudio: true });
    expect(parseDeployFlags({ copilotStudio: false })).toMatchObject({ copilotStudio: false });
  });

  it('sets FACADE_COPILOT_STUDIO=1 in the environment, no secret; drift names it', () => {
    const on = desiredSettings(t, n, 'arn:aws:iam::1:role/r', [], { copilotStudio: true });
    const off = desiredSettings(t, n, 'arn:aws:iam::1:role/r', []);
    expect(on.Environment.Variables.FACADE_COPILOT_STUDIO).toBe('1');
    expect(off.Environment.Variables).not.toHaveProperty('FACADE_COPILOT_STUDIO');
    expect(JSON.stringify(on)).not.toContain('THE-SECRET');
    expect(settingsDrift(off, on)).toEqual(['Environment.FACADE_COPILOT_STUDIO']);
    expect(settingsDrift(on, on)).toEqual([]);
  });

  it('prints the Copilot Studio steps with the MCP URL, and no secret', () => {
    const out = new Output({ command: 'facade deploy', json: false, color: false, debug: false });
    const text = renderDeploy({ functionName: 'f', roleName: 'f-role', parameterNames: ['/p'], url: 'https://abc.lambda-url.us-east-1.on.aws', mcpUrl: 'https://abc.lambda-url.us-east-1.on.aws/mcp', claudeCommand: 'claude mcp add x', copilotStudio: true, clientId: 'c1', gatewayId: 'gw-1', codeSha256: 'x', changes: ['created function f'], changed: true }, out);
    for (const line of copilotStudioDynamicSteps('https://abc.lambda-url.us-east-1.on.aws/mcp')) expect(text).toContain(line.trim());
    expect(text).toContain('Server URL: https://abc.lambda-url.us-east-1.on.aws/mcp');
    expect(text).not.toMatch(/secret/i);
  });
});

describe('facade serve --copilot-studio', () => {
  it('needs an https --public-url (exit 2 otherwise)', () => {
    expect(() => parseServeFlags({ copilotStudio: true })).toThrow(expect.objectContaining({ exit: 2, message: expect.stringMatching(/--public-url/) }));
    for (const bad of ['http://abc.example.dev', 'https://abc.example.dev/path', 'https://u@abc.example.dev', 'https://abc.example.dev?x=1', 'https://abc.example.dev\n']) {
      expect(() => parseServeFlags({ copilotStudio: true, publicUrl: bad }), bad).toThrow(expect.objectContaining({ exit: 2 }));
    }
    expect(parseServeFlags({ copilotStudio: true, publicUrl: 'https://abc.example.dev/' })).toMatchObject({ copilotStudio: true, publicUrl: 'https://abc.example.dev' });
    expect(parseServeFlags({})).toMatchObject({ copilotStudio: false });
  });
});
