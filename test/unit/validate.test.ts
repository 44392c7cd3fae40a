import { describe, expect, it } from 'vitest';
import { InputError } from '../../src/lib/errors.js';
import { ClientId, DomainPrefix, GatewayId, OAuthScope, PoolId, RedirectUrl, Region, check, parseScopeSpec, redirectUrlProblem, regionOfPoolId } from '../../src/lib/validate.js';

const ok = (schema: Parameters<typeof check>[0], v: unknown) => schema.safeParse(v).success;

describe('DomainPrefix (Cognito prefix domain rules)', () => {
  it.each(['p-x1', 'a', '0', 'mcp-gateway-1a2b3c', 'a'.repeat(63), 'a-b-c'])('accepts %s', (v) => {
    expect(ok(DomainPrefix, v)).toBe(true);
  });
  it.each([
    ['', 'empty'],
    ['a'.repeat(64), '64 characters'],
    ['-abc', 'leading hyphen'],
    ['abc-', 'trailing hyphen'],
    ['Abc', 'upper case'],
    ['a_b', 'underscore'],
    ['a.b', 'dot'],
    ['my-aws-pool', 'reserved aws'],
    ['awsome', 'aws inside a word'],
    ['amazon-login', 'reserved amazon'],
    ['mycognito', 'reserved cognito'],
  ])('rejects %s (%s)', (v) => {
    expect(ok(DomainPrefix, v)).toBe(false);
  });
  it('names the reserved words in the error', () => {
    expect(() => check(DomainPrefix, 'my-aws', '--domain')).toThrow(/--domain "my-aws" cannot contain the reserved words aws, amazon, cognito/);
  });
});

describe('redirect URLs', () => {
  it.each([
    'https://global.consent.azure-apim.net/redirect/abc',
    'https://app.example.com/cb?x=1',
    'http://localhost',
    'http://localhost:6274/callback',
    'http://127.0.0.1:8080/cb',
    'http://[::1]:3000/cb',
    'https://a.example.com/' + 'x'.repeat(1024 - 'https://a.example.com/'.length),
  ])('accepts %s', (v) => {
    expect(redirectUrlProblem(v)).toBeUndefined();
    expect(ok(RedirectUrl, v)).toBe(true);
  });
  it.each([
    ['http://app.example.com/cb', /only https/],
    ['http://localhost.example.com/cb', /only https/],
    ['https://app.example.com/cb#frag', /fragment/],
    ['https://app.example.com/cb#', /fragment/],
    ['https://*.example.com/cb', /wildcard/],
    ['https://app.example.com/*', /wildcard/],
    ['https://a.example.com/' + 'x'.repeat(1024), /longer than 1024/],
    ['/relative/cb', /absolute/],
    ['app.example.com/cb', /absolute/],
    ['ftp://files.example.com/', /ftp:/],
    ['javascript:alert(1)', /javascript:/],
  ])('rejects %s', (v, why) => {
    expect(redirectUrlProblem(v)).toMatch(why);
    expect(ok(RedirectUrl, v)).toBe(false);
  });
  it('check() puts flag, value and reason in one sentence', () => {
    let err: unknown;
    try {
      check(RedirectUrl, 'http://x.example.com', '--callback-url');
    } catch (e) {
      err = e;
    }
    expect(err).toBeInstanceOf(InputError);
    expect((err as Error).message).toBe('--callback-url "http://x.example.com" uses http://; only https is allowed, except for localhost, 127.0.0.1 and [::1].');
  });
});

describe('IDs and Regions', () => {
  it('PoolId and its Region', () => {
    expect(ok(PoolId, 'us-east-1_AbC123xyz')).toBe(true);
    expect(ok(PoolId, 'eu-central-1_a1')).toBe(true);
    expect(ok(PoolId, 'us-gov-west-1_abc')).toBe(true);
    for (const bad of ['', 'us-east-1', 'AbC123', 'us-east-1_', 'us-east-1_a-b', 'US-EAST-1_abc']) expect(ok(PoolId, bad)).toBe(false);
    expect(regionOfPoolId('eu-west-1_Xyz')).toBe('eu-west-1');
    expect(regionOfPoolId('nonsense')).toBeUndefined();
  });
  it('Region', () => {
    for (const r of ['us-east-1', 'eu-central-2', 'ap-southeast-4', 'us-gov-west-1']) expect(ok(Region, r)).toBe(true);
    for (const r of ['', 'useast1', 'US-EAST-1', 'us-east', 'https://x']) expect(ok(Region, r)).toBe(false);
  });
  it('ClientId and GatewayId', () => {
    expect(ok(ClientId, '28a5d19e59524e028d154f4969')).toBe(true);
    expect(ok(ClientId, 'bad id')).toBe(false);
    expect(ok(GatewayId, 'my-gateway-abc1234567')).toBe(true);
    expect(ok(GatewayId, 'fc1dc362ba')).toBe(true); // the emulator's bare IDs
    for (const g of ['My_Gateway', 'gw-', '-gw', 'gw--x', 'arn:aws:bedrock-agentcore:us-east-1:1:gateway/x', 'a b']) expect(ok(GatewayId, g)).toBe(false);
  });
});

describe('scopes', () => {
  it('OAuthScope accepts OIDC and custom scopes, rejects spaces, quotes and backslashes', () => {
    for (const s of ['openid', 'mcp/invoke', 'https://api.example.com/read']) expect(ok(OAuthScope, s)).toBe(true);
    for (const s of ['', 'a b', 'a"b', 'a\\b', 'x'.repeat(257)]) expect(ok(OAuthScope, s)).toBe(false);
  });
  it('parseScopeSpec splits name=description and defaults the description', () => {
    expect(parseScopeSpec('invoke=Invoke MCP server tools')).toEqual({ name: 'invoke', description: 'Invoke MCP server tools' });
    expect(parseScopeSpec('read')).toEqual({ name: 'read', description: 'Access read' });
    expect(parseScopeSpec('a=b=c')).toEqual({ name: 'a', description: 'b=c' });
    expect(() => parseScopeSpec('a/b')).toThrow(InputError);
    expect(() => parseScopeSpec('=desc')).toThrow(InputError);
    expect(() => parseScopeSpec(`x=${'d'.repeat(257)}`)).toThrow(/longer than 256/);
  });
});
