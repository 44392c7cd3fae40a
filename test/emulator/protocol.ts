/**
 * The wire protocols the front speaks: which AWS operation a request is, and AWS-shaped answers
 * (success and error) for the two services the product drives.
 *
 * - cognito-idp is awsJson1_1: `POST /` with `X-Amz-Target: AWSCognitoIdentityProviderService.<Op>`;
 *   errors are HTTP 400 (500 for server faults) with `{"__type": "<Code>", "message": "…"}`.
 * - bedrock-agentcore-control is restJson1: the operation is the HTTP method + path (the routes
 *   below are copied from the SDK's schema, node_modules/@aws-sdk/client-bedrock-agentcore-control/
 *   dist-es/schemas/schemas_0.js, `[_ht]: [METHOD, PATH, CODE]`); errors carry `x-amzn-ErrorType`
 *   and `{"message": "…"}` with the modelled HTTP status (ValidationException 400, ConflictException
 *   409, ResourceNotFoundException 404, ThrottlingException 429, InternalServerException 500).
 */
import { randomUUID } from 'node:crypto';

export type Service = 'cognito-idp' | 'bedrock-agentcore' | 'lambda' | 'iam' | 'ssm' | 'kms' | 'sts';

export interface Operation {
  service: Service;
  /** The SDK operation name, e.g. `UpdateUserPoolClient`, `GetGateway` (an unknown REST route: `METHOD /path`). */
  name: string;
  /** Path labels of a REST operation (gatewayIdentifier, targetId). */
  labels: Record<string, string>;
}

const COGNITO_TARGET = 'AWSCognitoIdentityProviderService.';

/** The AgentCore control-plane routes the product (and its tests) use, from the SDK schema. */
const AGENTCORE_ROUTES: [method: string, pattern: string, name: string][] = [
  ['POST', '/gateways/', 'CreateGateway'],
  ['GET', '/gateways/', 'ListGateways'],
  ['GET', '/gateways/{gatewayIdentifier}/', 'GetGateway'],
  ['PUT', '/gateways/{gatewayIdentifier}/', 'UpdateGateway'],
  ['DELETE', '/gateways/{gatewayIdentifier}/', 'DeleteGateway'],
  ['POST', '/gateways/{gatewayIdentifier}/targets/', 'CreateGatewayTarget'],
  ['GET', '/gateways/{gatewayIdentifier}/targets/', 'ListGatewayTargets'],
  ['GET', '/gateways/{gatewayIdentifier}/targets/{targetId}/', 'GetGatewayTarget'],
  ['PUT', '/gateways/{gatewayIdentifier}/targets/{targetId}/', 'UpdateGatewayTarget'],
  ['DELETE', '/gateways/{gatewayIdentifier}/targets/{targetId}/', 'DeleteGatewayTarget'],
  ['PUT', '/gateways/{gatewayIdentifier}/synchronizeTargets', 'SynchronizeGatewayTargets'],
  ['POST', '/identities/CreateOauth2CredentialProvider', 'CreateOauth2CredentialProvider'],
  ['POST', '/identities/GetOauth2CredentialProvider', 'GetOauth2CredentialProvider'],
  ['POST', '/identities/UpdateOauth2CredentialProvider', 'UpdateOauth2CredentialProvider'],
  ['POST', '/identities/DeleteOauth2CredentialProvider', 'DeleteOauth2CredentialProvider'],
  ['POST', '/identities/ListOauth2CredentialProviders', 'ListOauth2CredentialProviders'],
];

/**
 * The Lambda routes the product uses (restJson1), from the SDK's schema
 * (node_modules/@aws-sdk/client-lambda/dist-cjs/index.js, `{ [_h]: [METHOD, PATH, CODE] }`).
 */
const LAMBDA_ROUTES: [method: string, pattern: string, name: string][] = [
  ['POST', '/2015-03-31/functions', 'CreateFunction'],
  ['GET', '/2015-03-31/functions/{FunctionName}', 'GetFunction'],
  ['DELETE', '/2015-03-31/functions/{FunctionName}', 'DeleteFunction'],
  ['GET', '/2015-03-31/functions/{FunctionName}/configuration', 'GetFunctionConfiguration'],
  ['PUT', '/2015-03-31/functions/{FunctionName}/configuration', 'UpdateFunctionConfiguration'],
  ['PUT', '/2015-03-31/functions/{FunctionName}/code', 'UpdateFunctionCode'],
  ['GET', '/2015-03-31/functions/{FunctionName}/policy', 'GetPolicy'],
  ['POST', '/2015-03-31/functions/{FunctionName}/policy', 'AddPermission'],
  ['DELETE', '/2015-03-31/functions/{FunctionName}/policy/{StatementId}', 'RemovePermission'],
  ['GET', '/2021-10-31/functions/{FunctionName}/url', 'GetFunctionUrlConfig'],
  ['POST', '/2021-10-31/functions/{FunctionName}/url', 'CreateFunctionUrlConfig'],
  ['PUT', '/2021-10-31/functions/{FunctionName}/url', 'UpdateFunctionUrlConfig'],
  ['DELETE', '/2021-10-31/functions/{FunctionName}/url', 'DeleteFunctionUrlConfig'],
  ['GET', '/2017-03-31/tags/{Resource}', 'ListTags'],
  ['POST', '/2017-03-31/tags/{Resource}', 'TagResource'],
  ['DELETE', '/2017-03-31/tags/{Resource}', 'UntagResource'],
];

const compile = (routes: [string, string, string][]) => routes.map(([method, pattern, name]) => {
  const keys: string[] = [];
  const re = new RegExp(
    '^' +
      pattern.replace(/[.*+?^$()|[\]\\]/g, '\\$&').replace(/\{(\w+)\}/g, (_m, k: string) => {
        keys.push(k);
        return '([^/]+)';
      }) +
      '$',
  );
  return { method, re, keys, name };
});
const compiled = compile(AGENTCORE_ROUTES);
const lambdaCompiled = compile(LAMBDA_ROUTES);

function route(table: typeof compiled, method: string, bare: string): { name: string; labels: Record<string, string> } | undefined {
  for (const r of table) {
    if (r.method !== method) continue;
    const m = r.re.exec(bare);
    if (!m) continue;
    const labels: Record<string, string> = {};
    r.keys.forEach((k, i) => (labels[k] = decodeURIComponent(m[i + 1] ?? '')));
    return { name: r.name, labels };
  }
  return undefined;
}

/** The signing service of a SigV4 request (`Credential=<key>/<date>/<region>/<service>/aws4_request`). */
export function signingService(headers: Record<string, string | string[] | undefined>): string | undefined {
  return /Credential=[^/]+\/\d{8}\/[a-z0-9-]+\/([a-z0-9-]+)\/aws4_request/.exec(String(headers.authorization ?? ''))?.[1];
}

/** The access key ID a SigV4 request is signed with. */
export function accessKeyOf(headers: Record<string, string | string[] | undefined>): string | undefined {
  return /Credential=([^/]+)\//.exec(String(headers.authorization ?? ''))?.[1];
}

/** Which operation a control-plane request is; undefined for paths that are neither service (e.g. /moto-api/). */
export function identify(method: string, path: string, headers: Record<string, string | string[] | undefined>, body?: Buffer): Operation | undefined {
  const target = headers['x-amz-target'];
  if (typeof target === 'string' && target.startsWith(COGNITO_TARGET)) {
    return { service: 'cognito-idp', name: target.slice(COGNITO_TARGET.length), labels: {} };
  }
  // SSM and KMS are awsJson1_1 too (`AmazonSSM.<Op>`, `TrentService.<Op>`).
  if (typeof target === 'string' && target.startsWith('AmazonSSM.')) return { service: 'ssm', name: target.slice('AmazonSSM.'.length), labels: {} };
  if (typeof target === 'string' && target.startsWith('TrentService.')) return { service: 'kms', name: target.slice('TrentService.'.length), labels: {} };
  if (path.startsWith('/moto-api')) return undefined;
  const bare = path.split('?')[0] ?? path;
  const signer = signingService(headers);
  // IAM and STS speak the awsQuery protocol: `POST /` with `Action=<Op>&…` in a form body.
  if ((signer === 'iam' || signer === 'sts') && body) {
    const action = new URLSearchParams(body.toString('utf8')).get('Action');
    if (action) return { service: signer, name: action, labels: {} };
  }
  if (signer === 'lambda' || bare.startsWith('/2015-03-31/') || bare.startsWith('/2021-10-31/') || bare.startsWith('/2017-03-31/')) {
    const r = route(lambdaCompiled, method, bare);
    if (r) return { service: 'lambda', ...r };
    if (signer === 'lambda') return { service: 'lambda', name: `${method} ${bare}`, labels: {} };
  }
  const r = route(compiled, method, bare);
  if (r) return { service: 'bedrock-agentcore', ...r };
  const auth = headers.authorization;
  if (typeof auth === 'string' && /\/bedrock-agentcore\/aws4_request/.test(auth)) {
    return { service: 'bedrock-agentcore', name: `${method} ${bare}`, labels: {} };
  }
  return undefined;
}

/** An answer to send: status, headers and a JSON (or raw) body. */
export interface Reply {
  status: number;
  headers: Record<string, string>;
  body: Buffer;
}

export function jsonReply(service: Service, status: number, body: unknown, extraHeaders: Record<string, string> = {}): Reply {
  const text = body === undefined ? '' : JSON.stringify(body);
  return {
    status,
    headers: {
      'content-type': service === 'cognito-idp' || service === 'ssm' || service === 'kms' ? 'application/x-amz-json-1.1' : 'application/json',
      'x-amzn-requestid': randomUUID(),
      ...extraHeaders,
    },
    body: Buffer.from(text, 'utf8'),
  };
}

/** HTTP status of an AgentCore error code, as modelled (SDK schema `[_e]: "client", [_hE]: …`). */
const AGENTCORE_STATUS: Record<string, number> = {
  ValidationException: 400,
  AccessDeniedException: 403,
  ResourceNotFoundException: 404,
  ConflictException: 409,
  ServiceQuotaExceededException: 402,
  ThrottlingException: 429,
  InternalServerException: 500,
  ServiceUnavailableException: 503,
};

/** HTTP status of a Lambda error code, as modelled (SDK client-lambda schema). */
const LAMBDA_STATUS: Record<string, number> = {
  InvalidParameterValueException: 400,
  AccessDeniedException: 403,
  ResourceNotFoundException: 404,
  ResourceConflictException: 409,
  PreconditionFailedException: 412,
  TooManyRequestsException: 429,
  ServiceException: 500,
};

/** An AWS error in the service's wire format. Cognito: 400 (`InternalErrorException` 500). */
export function errorReply(service: Service, code: string, message: string, extra: Record<string, unknown> = {}, status?: number): Reply {
  if (service === 'iam' || service === 'sts') {
    // awsQuery errors: XML, `<ErrorResponse><Error><Type>Sender</Type><Code>…</Code><Message>…</Message></Error>`.
    const xml = (t: string) => t.replace(/&/g, '&amp;').replace(/</g, '&lt;').replace(/>/g, '&gt;');
    const s = status ?? (code === 'AccessDenied' ? 403 : code === 'NoSuchEntity' ? 404 : 400);
    const body = `<ErrorResponse xmlns="https://${service}.amazonaws.com/doc/2010-05-08/"><Error><Type>Sender</Type><Code>${xml(code)}</Code><Message>${xml(message)}</Message></Error><RequestId>${randomUUID()}</RequestId></ErrorResponse>`;
    return { status: s, headers: { 'content-type': 'text/xml', 'x-amzn-requestid': randomUUID() }, body: Buffer.from(body, 'utf8') };
  }
  if (service === 'lambda') {
    // restJson1: `x-amzn-ErrorType` and `{"Type": "User", "message": …}` with the modelled status.
    const s = status ?? LAMBDA_STATUS[code] ?? 400;
    return jsonReply(service, s, { Type: 'User', message, ...extra }, { 'x-amzn-errortype': code });
  }
  if (service !== 'bedrock-agentcore') {
    const s = status ?? (code === 'InternalErrorException' ? 500 : 400);
    return jsonReply(service, s, { __type: code, message, ...extra }, { 'x-amzn-errortype': code });
  }
  const s = status ?? AGENTCORE_STATUS[code] ?? 400;
  return jsonReply(service, s, { message, ...extra }, { 'x-amzn-errortype': code });
}

/** AgentCore's ValidationException for a constraint violation, in the service's standard shape. */
export function validationError(fields: { name: string; message: string }[]): Reply {
  const message = `${fields.length} validation error${fields.length === 1 ? '' : 's'} detected: ${fields.map((f) => f.message).join('; ')}`;
  return errorReply('bedrock-agentcore', 'ValidationException', message, { reason: 'FieldValidationFailed', fieldList: fields });
}

/** Thrown by a rule to answer with an AWS error instead of forwarding. */
export class AwsError extends Error {
  constructor(
    readonly reply: Reply,
    message: string,
  ) {
    super(message);
  }
  static of(service: Service, code: string, message: string, extra: Record<string, unknown> = {}, status?: number): AwsError {
    return new AwsError(errorReply(service, code, message, extra, status), `${code}: ${message}`);
  }
}

export function parseJson(body: Buffer): Record<string, unknown> {
  if (body.length === 0) return {};
  try {
    const v = JSON.parse(body.toString('utf8')) as unknown;
    return v && typeof v === 'object' && !Array.isArray(v) ? (v as Record<string, unknown>) : {};
  } catch {
    return {};
  }
}
