/**
 * What a deployed façade is made of, derived from its name: the Lambda function (with a function URL
 * in RESPONSE_STREAM mode: MCP's Streamable HTTP answers may be long SSE streams, and a function URL
 * has no API Gateway 29-30 s integration limit), its execution role with one least-privilege inline
 * policy, and two SSM SecureString parameters (the app client secret and the signing key). The
 * function's environment holds parameter names and public settings only.
 */
import { ENV } from '../../facade/env.js';
import type { FacadeTarget } from './target.js';

export interface FacadeNames {
  functionName: string;
  roleName: string;
  policyName: string;
  clientSecretParameter: string;
  signingKeyParameter: string;
  logGroup: string;
}

export const DEFAULT_FACADE_NAME = 'mcp-cognito-facade';
export const MANAGED_TAG = { key: 'managed-by', value: 'mcp-cognito' } as const;
export const RUNTIME = 'nodejs22.x' as const;
export const HANDLER = 'index.handler';
export const MEMORY_MB = 256;
/** Seconds: long enough for a slow tool call through the gateway. */
export const TIMEOUT_S = 120;
export const ARCHITECTURE = 'arm64' as const;

/** Function URL permissions: since October 2025 a public function URL needs both (AWS Lambda docs, "Control access to function URLs"). */
export const URL_PERMISSIONS = [
  { sid: 'FacadeFunctionUrlPublic', action: 'lambda:InvokeFunctionUrl', extra: { FunctionUrlAuthType: 'NONE' as const } },
  { sid: 'FacadeFunctionUrlInvoke', action: 'lambda:InvokeFunction', extra: { InvokedViaFunctionUrl: true } },
] as const;

export function facadeNames(name: string): FacadeNames {
  return {
    functionName: name,
    roleName: `${name}-role`,
    policyName: 'facade-runtime',
    clientSecretParameter: `/mcp-cognito/${name}/client-secret`,
    signingKeyParameter: `/mcp-cognito/${name}/signing-key`,
    logGroup: `/aws/lambda/${name}`,
  };
}

export const TRUST_POLICY = JSON.stringify({
  Version: '2012-10-17',
  Statement: [{ Effect: 'Allow', Principal: { Service: 'lambda.amazonaws.com' }, Action: 'sts:AssumeRole' }],
});

/** The account and partition of an ARN (arn:<partition>:<service>:<region>:<account>:…). */
export function arnParts(arn: string): { partition: string; account: string } {
  const [, partition = 'aws', , , account = ''] = arn.split(':');
  return { partition, account };
}

/**
 * The execution role's one inline policy: write its own log group, read its two parameters
 * (decrypting with the AWS managed key needs no KMS grant; a customer managed key gets kms:Decrypt,
 * only through SSM).
 */
export function runtimePolicy(n: FacadeNames, o: { region: string; account: string; partition: string; withSecret: boolean; kmsKeyArn?: string }): string {
  const ssm = (p: string) => `arn:${o.partition}:ssm:${o.region}:${o.account}:parameter${p}`;
  const logs = `arn:${o.partition}:logs:${o.region}:${o.account}:log-group:${n.logGroup}`;
  const statements: Record<string, unknown>[] = [
    { Sid: 'Logs', Effect: 'Allow', Action: ['logs:CreateLogGroup', 'logs:CreateLogStream', 'logs:PutLogEvents'], Resource: [logs, `${logs}:*`] },
    { Sid: 'Parameters', Effect: 'Allow', Action: 'ssm:GetParameters', Resource: [ssm(n.signingKeyParameter), ...(o.withSecret ? [ssm(n.clientSecretParameter)] : [])] },
  ];
  if (o.kmsKeyArn) {
    statements.push({ Sid: 'Decrypt', Effect: 'Allow', Action: 'kms:Decrypt', Resource: o.kmsKeyArn, Condition: { StringEquals: { 'kms:ViaService': `ssm.${o.region}.amazonaws.com` } } });
  }
  return JSON.stringify({ Version: '2012-10-17', Statement: statements });
}

/** The function's environment: public settings and parameter names. */
export function facadeEnvironment(t: FacadeTarget, n: FacadeNames, allowedRedirectUris: readonly string[], o: FacadeOptions = {}): Record<string, string> {
  return {
    [ENV.region]: t.region,
    [ENV.userPoolId]: t.poolId,
    [ENV.domainUrl]: t.domainUrl,
    // Absent only while deploy creates the façade's client (set once it exists, before anyone has the URL).
    ...(t.clientId ? { [ENV.clientId]: t.clientId } : {}),
    [ENV.gatewayUrl]: t.gatewayUrl,
    ...(allowedRedirectUris.length ? { [ENV.allowedRedirectUris]: allowedRedirectUris.join(' ') } : {}),
    ...(o.copilotStudio ? { [ENV.copilotStudio]: '1' } : {}),
    ...(t.scopes.length ? { [ENV.scopes]: t.scopes.join(' ') } : {}),
    ...(t.confidential ? { [ENV.clientSecretParameter]: n.clientSecretParameter } : {}),
    [ENV.signingKeyParameter]: n.signingKeyParameter,
    ...(o.clientMetadata === false ? { [ENV.clientMetadata]: 'off' } : {}),
  };
}

/** Settings of the façade's behaviour (flags of deploy), kept in its environment. */
export interface FacadeOptions {
  /** false: client ID metadata documents off (--client-metadata off). */
  clientMetadata?: boolean;
  /** Allow Copilot Studio's consent redirects (FACADE_COPILOT_STUDIO=1). */
  copilotStudio?: boolean;
}

/** The function settings deploy owns (compared with GetFunction's configuration for drift). */
export function desiredSettings(t: FacadeTarget, n: FacadeNames, roleArn: string, allowedRedirectUris: readonly string[], o: FacadeOptions = {}) {
  return {
    Role: roleArn,
    Runtime: RUNTIME,
    Handler: HANDLER,
    MemorySize: MEMORY_MB,
    Timeout: TIMEOUT_S,
    Description: `OAuth façade for AgentCore gateway ${t.gatewayName ?? t.gatewayId} (mcp-cognito)`,
    Environment: { Variables: facadeEnvironment(t, n, allowedRedirectUris, o) },
  };
}
export type DesiredSettings = ReturnType<typeof desiredSettings>;

/** The settings that differ between what is deployed and what deploy wants, by name. */
export function settingsDrift(current: { Role?: string; Runtime?: string; Handler?: string; MemorySize?: number; Timeout?: number; Description?: string; Environment?: { Variables?: Record<string, string> } } | undefined, want: DesiredSettings): string[] {
  if (!current) return [];
  const out: string[] = [];
  for (const k of ['Role', 'Runtime', 'Handler', 'MemorySize', 'Timeout', 'Description'] as const) if (current[k] !== want[k]) out.push(k);
  const have = current.Environment?.Variables ?? {};
  const keys = new Set([...Object.keys(have), ...Object.keys(want.Environment.Variables)]);
  // The secret's ID marker is rotate-secret's (steps/facade/secret.ts), not a deploy setting.
  for (const k of keys) if (k !== ENV.clientSecretId && have[k] !== want.Environment.Variables[k]) out.push(`Environment.${k}`);
  return out;
}

/** Policy documents compared as data (IAM returns them re-serialised). */
export function samePolicy(a: string | undefined, b: string): boolean {
  if (!a) return false;
  try {
    return JSON.stringify(JSON.parse(a)) === JSON.stringify(JSON.parse(b));
  } catch {
    return false;
  }
}
