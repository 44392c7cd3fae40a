/** What a rule of the front gets for one control-plane request (server.ts builds it). */
import type { CognitoIdentityProviderClient } from '@aws-sdk/client-cognito-identity-provider';
import type { BedrockAgentCoreControlClient } from '@aws-sdk/client-bedrock-agentcore-control';
import { jsonReply, parseJson, type Operation, type Reply } from './protocol';
import type { FrontState } from './state';

export interface MotoAnswer {
  status: number;
  headers: Record<string, string>;
  body: Buffer;
  /** The body parsed as a JSON object ({} when it is not one). */
  json: Record<string, unknown>;
  ok: boolean;
}

export interface FrontSettings {
  /** Items per page of list calls (default 2). */
  pageSize: number;
  /** How long a gateway stays CREATING/UPDATING after Create/Update (default 300 ms). */
  gatewayDelayMs: number;
  /** UpdateGateway while CREATING/UPDATING answers ConflictException (default true; agentcore.ts). */
  conflictWhileTransitional?: boolean;
  /**
   * The caller's identity lacks lambda:ListTags (server.ts#lambdaWithoutListTags): ListTags answers
   * AccessDeniedException, and GetFunction leaves Tags out.
   */
  withoutLambdaListTags?: boolean;
  /** How long a new function stays Pending and an updated one InProgress (default 300 ms; lambda.ts). */
  lambdaDelayMs: number;
  /** How long after CreateRole Lambda cannot assume the role yet (default 0: at once; lambda.ts). */
  roleAssumableAfterMs: number;
  /** How long after its deletion a parameter name cannot be used again (default 30 s as AWS; ssm.ts). */
  parameterReuseAfterMs: number;
}

export interface Ctx {
  op: Operation;
  method: string;
  /** Path without the query string. */
  path: string;
  query: URLSearchParams;
  input: Record<string, unknown>;
  region: string;
  state: FrontState;
  settings: FrontSettings;
  /** moto's endpoint, for raw requests to services the front has no SDK client for (KMS). */
  motoEndpoint: string;
  /** SDK clients straight to moto (for reads the rules need). */
  moto: { cognito: CognitoIdentityProviderClient; agentcore: BedrockAgentCoreControlClient };
  /** The policy of the caller, when the front enforces one for its access key (iam-policy.ts); undefined: anything goes. */
  callerPolicy?: import('./iam-policy').CallerPolicy;
  /** Sends the request to moto, with a replaced JSON body and/or query when given. */
  forward(body?: Record<string, unknown>, opts?: { query?: URLSearchParams }): Promise<MotoAnswer>;
}

export type Rule = (ctx: Ctx) => Promise<Reply>;

const HOP = new Set(['content-length', 'transfer-encoding', 'connection', 'keep-alive', 'date', 'server']);

/** moto's answer as ours, its JSON body replaced by `json` when given. */
export function relay(ctx: Ctx, a: MotoAnswer, json?: unknown): Reply {
  const headers: Record<string, string> = {};
  for (const [k, v] of Object.entries(a.headers)) if (!HOP.has(k)) headers[k] = v;
  if (json === undefined) return { status: a.status, headers, body: a.body };
  const r = jsonReply(ctx.op.service, a.status, json);
  return { status: a.status, headers: { ...headers, ...r.headers, 'x-amzn-requestid': headers['x-amzn-requestid'] ?? r.headers['x-amzn-requestid']! }, body: r.body };
}

export function answer(ctx: Ctx, status: number, json: unknown): Reply {
  return jsonReply(ctx.op.service, status, json);
}

export { parseJson };
