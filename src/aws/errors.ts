import { CliError, type ErrorCode } from '../lib/errors.js';

export interface CallInfo {
  /** IAM service prefix: `cognito-idp` or `bedrock-agentcore`. */
  service: string;
  operation: string;
  region: string;
  endpoint?: string;
}

const CREDENTIAL_ERRORS = new Set([
  'CredentialsProviderError',
  'ExpiredTokenException',
  'ExpiredToken',
  'UnrecognizedClientException',
  'InvalidClientTokenId',
  'InvalidSignatureException',
  'SignatureDoesNotMatch',
  'TokenRefreshRequired',
  'IncompleteSignatureException',
  'MissingAuthenticationTokenException',
]);
const ACCESS_DENIED = new Set(['AccessDeniedException', 'AccessDenied', 'UnauthorizedOperation']);
const THROTTLED = new Set(['TooManyRequestsException', 'ThrottlingException', 'Throttling', 'RequestLimitExceeded']);
const NETWORK_CODES = new Set(['ECONNREFUSED', 'ENOTFOUND', 'EAI_AGAIN', 'ECONNRESET', 'ETIMEDOUT', 'EHOSTUNREACH', 'ENETUNREACH']);

/** Turn an SDK error into a CliError with a stable code and a message that says what to do. */
export function toCliError(err: unknown, call: CallInfo): CliError {
  if (err instanceof CliError) return err;
  const e = err as { name?: string; message?: string; code?: string; $metadata?: { httpStatusCode?: number; requestId?: string }; cause?: { code?: string } };
  const name = e?.name ?? 'Error';
  const message = (e?.message ?? String(err)).trim();
  const action = `${call.service}:${call.operation}`;
  const make = (code: ErrorCode, msg: string, hint?: string) => new CliError(msg, { code, hint, cause: err });

  const netCode = e?.code ?? e?.cause?.code;
  if (netCode && NETWORK_CODES.has(netCode)) {
    const where = call.endpoint ?? `the ${call.service} endpoint in ${call.region}`;
    return make('AWS_ERROR', `Could not reach ${where} (${netCode}) while calling ${call.operation}.`, call.endpoint ? 'Check that the endpoint given by --endpoint-url or AWS_ENDPOINT_URL is running.' : 'Check your network connection and the Region (--region).');
  }
  if (CREDENTIAL_ERRORS.has(name) || /Could not load credentials|credentials/i.test(name)) {
    return make(
      'CREDENTIALS',
      `No valid AWS credentials for ${call.operation}: ${message.split('\n')[0]}`,
      'Set AWS_PROFILE or pass --profile, run `aws sso login` for SSO profiles, or set AWS_ACCESS_KEY_ID and AWS_SECRET_ACCESS_KEY.',
    );
  }
  if (ACCESS_DENIED.has(name) || (name === 'NotAuthorizedException' && call.service === 'cognito-idp' && !/password|token/i.test(message))) {
    const extra =
      call.operation === 'UpdateGateway' || call.operation === 'CreateGateway'
        ? ' and iam:PassRole on the gateway role'
        : call.operation === 'CreateFunction' || call.operation === 'UpdateFunctionConfiguration'
          ? " and iam:PassRole on the function's role"
          : '';
    return make('ACCESS_DENIED', `Access denied: your AWS identity is not allowed to call ${action}${extra}.`, `Grant ${action}${extra} to the identity you are using (check with \`aws sts get-caller-identity\`). AWS said: ${message}`);
  }
  if (name === 'ResourceNotFoundException' || name === 'UserNotFoundException') {
    return make('NOT_FOUND', `${message.replace(/\.$/, '')} (${call.operation} in ${call.region}).`, 'Check the ID and the Region (--region).');
  }
  if (name === 'ConflictException' || name === 'ConcurrentModificationException') {
    return make('CONFLICT', `${call.operation} conflicted with another change: ${message}`, 'Wait a moment and run the command again.');
  }
  if (THROTTLED.has(name)) {
    return make('AWS_ERROR', `AWS is throttling ${action} even after retries: ${message}`, 'Wait a minute and run the command again.');
  }
  if (name === 'LimitExceededException' || name === 'ServiceQuotaExceededException') {
    return make('AWS_ERROR', `An AWS quota was reached calling ${action}: ${message}`, 'Remove unused resources or request a quota increase in Service Quotas.');
  }
  if (name === 'InvalidKeyId' || name === 'KMSNotFoundException' || (name === 'NotFoundException' && /kms/i.test(message))) {
    // SSM PutParameter with a KeyId that names no usable KMS key (SSM API reference: InvalidKeyId).
    return make('AWS_ERROR', `The KMS key for ${call.operation} cannot be used: ${message}`, `Check --kms-key-arn: the key must exist in ${call.region}, be enabled and let you use it (kms:Encrypt); without the option the AWS managed key aws/ssm is used.`);
  }
  if (e?.$metadata?.httpStatusCode === 403) {
    return make('ACCESS_DENIED', `Access denied: your AWS identity is not allowed to call ${action}.`, `Grant ${action} to the identity you are using. AWS said: ${message}`);
  }
  return make('AWS_ERROR', `${call.operation} failed: ${name === 'Error' ? '' : name + ': '}${message}`);
}
