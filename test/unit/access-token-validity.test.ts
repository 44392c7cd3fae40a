/**
 * --access-token-validity (init, create-client): a duration with its unit within Cognito's 5 minutes
 * to 1 day, refused before any AWS call otherwise (exit 2); sent as AccessTokenValidity in minutes
 * (TokenValidityUnits.AccessToken "minutes"); the Copilot Studio preset's default is a day, because
 * Copilot Studio has been reported to ask people to reconnect at every expiry instead of refreshing
 * (Microsoft Q&A 12832005); other presets keep Cognito's hour.
 */
import { describe, expect, it } from 'vitest';
import { parseAccessTokenValidity, formatMinutes } from '../../src/lib/seconds.js';
import { parseCreateClientFlags } from '../../src/workflows/create-client.js';
import { clientRequest, planClient } from '../../src/steps/client/create.js';
import { PRESET_TABLE } from '../../src/domain/presets.js';

describe('--access-token-validity', () => {
  it.each([
    ['5m', 5],
    ['90m', 90],
    ['90 minutes', 90],
    ['8h', 480],
    ['1 hour', 60],
    ['24h', 1440],
    ['1d', 1440],
    ['1 day', 1440],
  ])('%s is %i minutes', (raw, minutes) => expect(parseAccessTokenValidity(raw)).toBe(minutes));

  it.each(['4m', '25h', '2d', '0m', '90', '1.5h', 'an hour', '8h\n', ' 8h', '8 h\t', '-1h', '1w', ''])('refuses %j with exit 2', (raw) => {
    let err: unknown;
    try {
      parseAccessTokenValidity(raw);
    } catch (e) {
      err = e;
    }
    expect(err).toMatchObject({ exit: 2 });
    expect(String((err as Error).message)).toMatch(/^--access-token-validity /);
  });

  it('create-client: the flag reaches CreateUserPoolClient in minutes; defaults come from the preset', () => {
    const spec = (over: object) => parseCreateClientFlags({ preset: 'copilot-studio', ...over });
    expect(clientRequest('us-east-1_A', spec({ accessTokenValidity: '8h' }), ['openid'])).toMatchObject({ AccessTokenValidity: 480, TokenValidityUnits: { AccessToken: 'minutes' } });
    expect(PRESET_TABLE['copilot-studio'].accessTokenMinutes).toBe(1440);
    expect(clientRequest('us-east-1_A', spec({}), ['openid'])).toMatchObject({ AccessTokenValidity: 1440, TokenValidityUnits: { AccessToken: 'minutes' } });
    expect(clientRequest('us-east-1_A', parseCreateClientFlags({ preset: 'm2m' }), ['mcp/invoke'])).toMatchObject({ AccessTokenValidity: 60, TokenValidityUnits: { AccessToken: 'minutes' } });
    expect(() => spec({ accessTokenValidity: '2d' })).toThrow(/5 minutes to 1 day/);
  });

  it('an adopted client with another lifetime is reported, not changed', () => {
    const input = parseCreateClientFlags({ preset: 'copilot-studio', accessTokenValidity: '8h' });
    const existing = { ClientId: 'c1', ClientName: input.name, AllowedOAuthFlowsUserPoolClient: true, AllowedOAuthFlows: ['code'], AllowedOAuthScopes: ['openid'], ClientSecret: 's', SupportedIdentityProviders: ['COGNITO'], AccessTokenValidity: 1, TokenValidityUnits: { AccessToken: 'hours' } };
    const plan = planClient('us-east-1_A', input, ['openid'], { existing: existing as never, managedLogin: false }, 'us-east-1');
    expect(plan.steps).toEqual([]);
    expect(plan.differences).toContain(`access tokens last ${formatMinutes(60)}, not the ${formatMinutes(480)} asked for (the adopted client is not changed; set it in the Cognito console or with aws cognito-idp update-user-pool-client)`);
  });
});
