/**
 * The façade's own app client as data and as every other command sees it: the facade preset's
 * CreateUserPoolClient request; delete-client, deauthorize-client and remove-callback refusing the
 * façade's client and callbacks before any AWS call (--force goes ahead); the stale-secret finding
 * by secret ID, else by dates (never by value).
 */
import { afterEach, describe, expect, it } from 'vitest';
import { clientRequest, presetDifferences } from '../../src/steps/client/create.js';
import { facadePreset, isFacadePreset, PRESETS } from '../../src/domain/presets.js';
import { prepareDeleteClient } from '../../src/workflows/delete-client.js';
import { prepareDeauthorizeClient } from '../../src/workflows/deauthorize-client.js';
import { removeCallback } from '../../src/commands/remove-callback.js';
import { secretStatus } from '../../src/steps/facade/status.js';
import type { StateFacade } from '../../src/lib/state.js';
import { testCtx, type TestCtx } from './helpers.js';

const POOL = 'us-east-1_AbC123xyz';
const COPILOT = '4997164c568245b993d46b0e6a';
const FACADE = '7f3e9a1b2c4d5e6f7a8b9c0d1e';
const GATEWAY = 'my-gateway-abc1234567';
const noAws = () => {
  throw new Error('no AWS call expected');
};
const state = {
  version: 1,
  region: 'us-east-1',
  userPoolId: POOL,
  gatewayId: GATEWAY,
  clients: [
    { clientId: COPILOT, name: 'copilot-studio-mcp', preset: 'copilot-studio' },
    { clientId: FACADE, name: 'mcp-cognito-facade', preset: 'oauth-facade' },
  ],
  facadeServe: { clientId: FACADE, callbacks: ['http://127.0.0.1:8790/callback'] },
};

let t: TestCtx | undefined;
afterEach(() => t?.cleanup());
const ctxWith = (s: object = state) => (t = testCtx({ yes: true }, { state: s, aws: { cognito: noAws, agentcore: noAws } })).ctx;

describe('the facade preset', () => {
  it('is found by its property, not its name; code flow, a secret, refresh-token rotation, only the given callbacks', () => {
    const preset = facadePreset();
    expect(PRESETS.filter(isFacadePreset)).toEqual([preset]);
    const r = clientRequest(POOL, { preset, name: 'mcp-cognito-facade', callbackUrls: ['http://127.0.0.1:8790/callback'], logoutUrls: [] }, ['openid', 'email', 'profile', 'mcp/invoke']);
    expect(r).toMatchObject({ GenerateSecret: true, AllowedOAuthFlows: ['code'], AllowedOAuthFlowsUserPoolClient: true, CallbackURLs: ['http://127.0.0.1:8790/callback'], RefreshTokenRotation: { Feature: 'ENABLED', RetryGracePeriodSeconds: 0 }, EnableTokenRevocation: true });
    expect(clientRequest(POOL, { preset: 'copilot-studio', name: 'x', logoutUrls: [] }, ['openid'])).not.toHaveProperty('RefreshTokenRotation');
    expect(presetDifferences({ AllowedOAuthFlowsUserPoolClient: true, AllowedOAuthFlows: ['code'], ClientSecret: 's', AllowedOAuthScopes: ['openid'], SupportedIdentityProviders: ['COGNITO'] }, preset, ['openid'])).toEqual(['refresh-token rotation is off']);
  });
});

describe("every command knows the façade's client (refused before any AWS call; --force goes ahead)", () => {
  it('delete-client', async () => {
    await expect(prepareDeleteClient({ poolId: POOL, clientId: FACADE, gatewayIds: [GATEWAY], allowAnyClient: false, wait: false, waitTimeoutSeconds: 1 }, ctxWith())).rejects.toThrow(/App client 7f3e.* is the OAuth façade's client, and deleting it would break the façade: remove the façade first with `mcp-cognito facade remove`, or pass --force/);
    // --force passes the refusal (and then reads AWS: here, the stub).
    await expect(prepareDeleteClient({ poolId: POOL, clientId: FACADE, gatewayIds: [], allowAnyClient: false, wait: false, waitTimeoutSeconds: 1, force: true }, ctxWith())).rejects.toThrow(/no AWS call expected/);
  });

  it('deauthorize-client (also for a deployed façade on a borrowed client)', async () => {
    await expect(prepareDeauthorizeClient({ gatewayId: GATEWAY, clientIds: [FACADE], allowAnyClient: false, wait: false, waitTimeoutSeconds: 1 }, ctxWith())).rejects.toMatchObject({ code: 'REFUSED', message: expect.stringMatching(/taking it off the gateway.*mcp-cognito facade remove/) });
    const legacy = { ...state, facadeServe: undefined, facade: { functionName: 'f', roleName: 'f-role', parameterNames: [], region: 'us-east-1', clientId: COPILOT, url: 'https://x.lambda-url.us-east-1.on.aws', created: true, callbackAdded: true } };
    await expect(prepareDeauthorizeClient({ gatewayId: GATEWAY, clientIds: [COPILOT], allowAnyClient: false, wait: false, waitTimeoutSeconds: 1 }, ctxWith(legacy))).rejects.toMatchObject({ code: 'REFUSED' });
  });

  it("remove-callback: the façade's recorded callbacks only", async () => {
    await expect(removeCallback({ clientId: FACADE, urls: ['http://127.0.0.1:8790/callback'], logout: false }, ctxWith())).rejects.toThrow(/http:\/\/127\.0\.0\.1:8790\/callback belongs to the OAuth façade .*mcp-cognito facade remove.*--force/);
    // Another URL of that client, or --force: no refusal (the stub is reached).
    await expect(removeCallback({ clientId: FACADE, urls: ['http://127.0.0.1:9999/callback'], logout: false }, ctxWith())).rejects.toThrow(/no AWS call expected/);
    await expect(removeCallback({ clientId: FACADE, urls: ['http://127.0.0.1:8790/callback'], logout: false, force: true }, ctxWith())).rejects.toThrow(/no AWS call expected/);
    // The Copilot Studio client is not the façade's here.
    await expect(removeCallback({ clientId: COPILOT, urls: ['http://127.0.0.1:8790/callback'], logout: false }, ctxWith())).rejects.toThrow(/no AWS call expected/);
  });
});

describe("a façade whose secret no longer exists (IDs and dates, never the value)", () => {
  const f: StateFacade = { functionName: 'f', roleName: 'f-role', parameterNames: [], region: 'us-east-1', clientId: FACADE, created: true, callbackAdded: true };
  const at = (iso: string) => new Date(iso);
  const ctxListing = (list: () => Promise<unknown[]>) => (t = testCtx({}, { state, aws: { cognito: async () => ({ listClientSecrets: list }) as never, agentcore: noAws } })).ctx;

  it('by the recorded secret ID', async () => {
    const list = async () => [{ ClientSecretId: 'new', ClientSecretCreateDate: at('2026-12-01T00:00:00Z') }];
    expect(await secretStatus(ctxListing(list), { ...f, secretId: 'new' }, undefined)).toMatchObject({ status: 'current' });
    expect(await secretStatus(ctxListing(list), { ...f, secretId: 'old' }, undefined)).toMatchObject({ status: 'gone', detail: expect.stringMatching(/holds secret old, which app client .* no longer has/) });
  });

  it('without an ID: a parameter written before every secret the client has now holds a deleted one', async () => {
    const list = async () => [{ ClientSecretId: 'a', ClientSecretCreateDate: at('2026-12-01T00:00:00Z') }, { ClientSecretId: 'b', ClientSecretCreateDate: at('2026-12-03T00:00:00Z') }];
    expect(await secretStatus(ctxListing(list), f, at('2026-11-30T00:00:00Z'))).toMatchObject({ status: 'gone' });
    expect(await secretStatus(ctxListing(list), f, at('2026-12-02T00:00:00Z'))).toMatchObject({ status: 'current' });
    expect(await secretStatus(ctxListing(list), f, undefined)).toMatchObject({ status: 'unknown' });
  });

  it('secrets that cannot be listed: unknown, not a failure', async () => {
    const denied = async () => {
      throw new Error('Access denied: your AWS identity is not allowed to call cognito-idp:ListUserPoolClientSecrets.');
    };
    expect(await secretStatus(ctxListing(denied), { ...f, secretId: 'x' }, undefined)).toMatchObject({ status: 'unknown', detail: expect.stringMatching(/ListUserPoolClientSecrets/) });
  });
});

describe('status shows the façade', () => {
  it('its client (own or not), whether and where it is deployed, its callbacks', async () => {
    const { renderStatus } = await import('../../src/commands/status.js');
    const tc = (t = testCtx({ noColor: true } as never, {}));
    const text = renderStatus(
      { stateFile: 'mcp-cognito.json', region: 'us-east-1', clients: [], flags: [], summary: { missing: 0, warnings: 0 }, facade: { clientId: FACADE, clientName: 'mcp-cognito-facade', ownClient: true, deployed: false, callbacks: ['http://127.0.0.1:8790/callback'] } },
      tc.ctx.out,
    );
    expect(text).toMatch(/Façade/);
    expect(text).toMatch(/App client +mcp-cognito-facade \(7f3e9a1b2c4d5e6f7a8b9c0d1e\) — its own/);
    expect(text).toMatch(/Deployed +no \(facade serve runs it here\)/);
    expect(text).toMatch(/Callbacks +http:\/\/127\.0\.0\.1:8790\/callback/);
  });
});

describe('a re-deploy never depends on DescribeUserPoolClient returning a secret', () => {
  const gateway = {
    gatewayId: GATEWAY,
    name: 'my-gateway',
    status: 'READY',
    gatewayUrl: 'https://my-gateway-abc1234567.gateway.bedrock-agentcore.us-east-1.amazonaws.com/mcp',
    authorizerType: 'CUSTOM_JWT',
    authorizerConfiguration: { customJWTAuthorizer: { discoveryUrl: `https://cognito-idp.us-east-1.amazonaws.com/${POOL}/.well-known/openid-configuration`, allowedClients: [COPILOT, FACADE] } },
  };
  // The façade's client after a rotation: DescribeUserPoolClient shows no secret.
  const client = { UserPoolId: POOL, ClientId: FACADE, ClientName: 'mcp-cognito-facade', AllowedOAuthFlowsUserPoolClient: true, AllowedOAuthFlows: ['code'], AllowedOAuthScopes: ['openid', 'mcp/invoke'], CallbackURLs: ['http://127.0.0.1:8790/callback'] };
  const deps = (params: Map<string, { type: string }>) => ({
    state,
    aws: {
      cognito: async () => ({ describePool: async () => ({ Id: POOL, Domain: 'my-pool' }), describeClient: async () => client, listClientSecrets: async () => [] }) as never,
      agentcore: async () => ({ getGateway: async () => gateway }) as never,
      lambda: async () => ({ getFunction: async () => undefined }) as never,
      iam: async () => ({ getRole: async () => undefined }) as never,
      ssm: async () => ({ getParameters: async () => params }) as never,
    },
  });
  const input = { name: 'mcp-cognito-facade', allowedRedirectUris: [], bundle: new Uint8Array([1]), wait: false, waitTimeoutSeconds: 1 };

  it('no parameter holds it and Describe shows none: refused before any change, naming rotate-secret', async () => {
    const { prepareFacadeDeploy } = await import('../../src/workflows/facade-deploy.js');
    t = testCtx({ yes: true }, deps(new Map()));
    await expect(prepareFacadeDeploy(input, t.ctx)).rejects.toMatchObject({ code: 'REFUSED', message: expect.stringMatching(/cannot be read .*no parameter holds it/), hint: `Give the client a new secret, which is delivered to the façade: mcp-cognito rotate-secret --client-id ${FACADE}` });
  });

  it('the parameter holds it: the plan keeps it (no secret needed)', async () => {
    const { prepareFacadeDeploy } = await import('../../src/workflows/facade-deploy.js');
    t = testCtx({ yes: true }, deps(new Map([['/mcp-cognito/mcp-cognito-facade/client-secret', { type: 'SecureString' }]])));
    const plan = await prepareFacadeDeploy(input, t.ctx);
    expect(plan.steps.map((s) => s.resource).join('\n')).not.toMatch(/client-secret/);
  });
});
