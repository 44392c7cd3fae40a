import { describe, expect, it } from 'vitest';
import { InputError } from '../../src/lib/errors.js';
import { ClientId, DomainPrefix, GatewayId, OAuthScope, PoolId, RedirectUrl, Region, check, parseScopeSpec, redirectUrlProblem, regionOfPoolId } from '../../src/lib/validate.js';
import * as validate from '../../src/lib/validate.js';

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
    // App callback URLs (SDK CallbackURLs doc: "App callback URLs such as myapp://example are also supported").
    'myapp://callback',
    'myapp://example',
    'com.example.app:/oauth2redirect',
    'com.example.app://callback?x=1',
    'exp+my-app://expo-development-client/',
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
    ['javascript:alert(1)', /javascript:, which can never be a redirect URL/],
    ['JavaScript://%0aalert(1)', /javascript:/],
    ['data:text/html,<script>alert(1)</script>', /data:/],
    ['file:///etc/passwd', /file:/],
    ['vbscript:msgbox(1)', /vbscript:/],
    ['about:blank', /about:/],
    ['blob:https://app.example.com/uuid', /blob:/],
    ['wss://app.example.com/cb', /wss:, which is not a redirect target/],
    ['myapp:', /nothing after myapp:/],
    ['myapp://', /nothing after myapp:/],
    ['myapp://call back', /space/],
    ['myapp://cb#frag', /fragment/],
    ['localhost:8080/callback', /without a scheme/],
    ['app.example.com:443/cb', /without a scheme/],
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

describe('control characters and surrounding white space (every schema)', () => {
  /** A valid value for every schema that validate.ts exports. A new schema without one fails the first test. */
  const SAMPLES: Record<string, string> = {
    Region: 'us-east-1',
    PoolId: 'us-east-1_AbC123xyz',
    ClientId: '28a5d19e59524e028d154f4969',
    GatewayId: 'my-gateway-abc1234567',
    PoolName: 'mcp gateway pool',
    ClientName: 'copilot-studio-mcp',
    ResourceServerName: 'MCP Server Access',
    ResourceServerId: 'mcp',
    ScopeName: 'invoke',
    OAuthScope: 'mcp/invoke',
    GatewayScope: 'mcp/invoke',
    McpVersion: '2025-03-26',
    DomainPrefix: 'p-x1',
    Email: 'dev@example.com',
    GroupName: 'testers',
    ProfileName: 'dev',
    EndpointUrl: 'http://127.0.0.1:5000',
    FilePath: './mcp-cognito.json',
    RedirectUrl: 'https://app.example.com/callback',
    ScopeSpecText: 'invoke=Invoke MCP server tools',
    HttpsRedirectUrl: 'https://claude.ai/api/mcp/auth_callback',
    PortNumber: '8790',
    McpServerName: 'agentcore-gateway',
    FacadeName: 'mcp-cognito-facade',
    KmsKeyArn: 'arn:aws:kms:us-east-1:123456789012:key/1234abcd-12ab-34cd-56ef-1234567890ab',
  };
  const isSchema = (v: unknown): v is Parameters<typeof check>[0] => typeof v === 'object' && v !== null && '_zod' in v;
  const schemas = Object.entries(validate).filter(([, v]) => isSchema(v)) as [string, Parameters<typeof check>[0]][];

  it('every exported schema is listed here with a valid sample, and accepts it', () => {
    expect(schemas.length).toBeGreaterThanOrEqual(Object.keys(SAMPLES).length);
    for (const [name, schema] of schemas) {
      expect(SAMPLES, `no sample for the exported schema ${name}: add one`).toHaveProperty(name);
      expect(schema.safeParse(SAMPLES[name]).success, `${name} rejects its sample`).toBe(true);
    }
  });

  // C0 (NUL, tab, newline, CR, ESC, US), DEL, C1 (U+0080, NEL, U+009F), line/paragraph separators.
  const CONTROLS = ['\u0000', '\t', '\n', '\r', '\u001b', '\u001f', '\u007f', '\u0080', '\u0085', '\u009f', '\u2028', '\u2029'];
  const mutations = (v: string): [string, string][] => [
    ...CONTROLS.flatMap((c): [string, string][] => [
      [`U+${c.charCodeAt(0).toString(16)} at the end`, v + c],
      [`U+${c.charCodeAt(0).toString(16)} in the middle`, v.slice(0, 2) + c + v.slice(2)],
      [`U+${c.charCodeAt(0).toString(16)} at the start`, c + v],
    ]),
    ['a leading space', ' ' + v],
    ['a trailing space', v + ' '],
    ['a trailing no-break space', v + '\u00a0'],
  ];

  it.each(Object.keys(SAMPLES))('%s rejects every control character and surrounding white space, with a sentence that says so', (name) => {
    const schema = (validate as unknown as Record<string, Parameters<typeof check>[0]>)[name]!;
    for (const [what, bad] of mutations(SAMPLES[name]!)) {
      const r = schema.safeParse(bad);
      expect(r.success, `${name} accepted ${what}: ${JSON.stringify(bad)}`).toBe(false);
      const message = r.success ? '' : r.error.issues[0]!.message;
      expect(message, `${name} with ${what}`).toMatch(/control character|white space/);
    }
  });

  it('check() names the flag and the character in one line, the value escaped', () => {
    expect(() => check(RedirectUrl, 'https://app.example.com/cb\n', '--callback-url')).toThrow(
      new InputError('--callback-url "https://app.example.com/cb\\n" contains a control character (newline, U+000A) at position 27.'),
    );
    expect(() => check(validate.Email, 'a\u0000@example.com', '--email')).toThrow(/^--email "a\\u0000@example.com" contains a control character \(NUL, U\+0000\) at position 2\.$/);
    expect(() => check(validate.PoolName, ' pool', '--pool-name')).toThrow('--pool-name " pool" begins with white space.');
    expect(() => check(validate.OAuthScope, 'mcp/invoke\t', '--scope')).toThrow(/tab, U\+0009/);
  });

  it('a tab or newline inside a URL is refused although the URL parser would drop it', () => {
    expect(new URL('https://app.example.com/c\tb').href).toBe('https://app.example.com/cb');
    expect(redirectUrlProblem('https://app.example.com/c\tb')).toMatch(/control character \(tab/);
    expect(redirectUrlProblem('https://app.example.com/c\nb')).toMatch(/control character \(newline/);
  });

  it('parseScopeSpec refuses a control character in the name or the description', () => {
    expect(() => parseScopeSpec('invoke=Invoke\ntools')).toThrow(/--scope "invoke=Invoke\\ntools" contains a control character \(newline/);
    expect(() => parseScopeSpec('inv\u007foke')).toThrow(/DEL/);
    expect(() => parseScopeSpec(' invoke')).toThrow(/begins with white space/);
  });

  it('quote() keeps printable text and escapes control characters', () => {
    expect(validate.quote('a"b')).toBe('"a"b"');
    expect(validate.quote('x\r\ny\u0085')).toBe('"x\\r\\ny\\u0085"');
  });
});
