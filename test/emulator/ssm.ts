/**
 * SSM Parameter Store rules of the emulator front (moto 5.2.1 accepts any KeyId and lets a deleted
 * name be used again at once). Each rule quotes its evidence; README.md lists them.
 */
import { AwsError } from './protocol';
import { relay, type Ctx, type Rule } from './context';

const err = (code: string, message: string) => AwsError.of('ssm', code, message);

/** The AWS managed key SSM uses when no KeyId is given, by alias or alias ARN. */
const AWS_MANAGED = /^(arn:aws[\w-]*:kms:[\w-]+:\d{12}:)?alias\/aws\/ssm$/;

/** Does moto's KMS know the key (key ID, key ARN, alias name or alias ARN)? */
async function kmsKeyExists(ctx: Ctx, keyId: string): Promise<boolean> {
  const r = await fetch(`${ctx.motoEndpoint}/`, {
    method: 'POST',
    headers: {
      'content-type': 'application/x-amz-json-1.1',
      'x-amz-target': 'TrentService.DescribeKey',
      authorization: `AWS4-HMAC-SHA256 Credential=test/20260101/${ctx.region}/kms/aws4_request, SignedHeaders=host, Signature=0`,
    },
    body: JSON.stringify({ KeyId: keyId }),
  });
  await r.arrayBuffer();
  return r.ok;
}

/**
 * Rule S1 — PutParameter with a KeyId that names no KMS key → InvalidKeyId "Key '<key>' does not
 * exist (Service: AWSKMS; Status Code: 400; Error Code: NotFoundException; …)". — SSM API reference
 * PutParameter, Errors: "InvalidKeyId: The query key ID isn't valid."; the message as observed in
 * github.com/binxio/aws-ssm-copy/issues/10. `alias/aws/ssm` (the AWS managed key) always exists.
 *
 * Rule S2 — a deleted parameter's name is not usable for 30 s: "After deleting a parameter, wait for
 * at least 30 seconds to create a parameter with the same name." — SSM API reference DeleteParameter
 * and DeleteParameters (docs.aws.amazon.com/systems-manager/latest/APIReference/API_DeleteParameters.html).
 * What AWS answers meanwhile is not documented (UNCONFIRMED): the front answers ParameterAlreadyExists
 * "The parameter already exists. To overwrite this value, set the overwrite option in the request to
 * true." Window: `settings.parameterReuseAfterMs` (30 000 ms by default, as AWS).
 */
const putParameter: Rule = async (ctx) => {
  const keyId = typeof ctx.input.KeyId === 'string' ? ctx.input.KeyId : undefined;
  if (keyId && !AWS_MANAGED.test(keyId) && !(await kmsKeyExists(ctx, keyId))) {
    throw err('InvalidKeyId', `Key '${keyId}' does not exist (Service: AWSKMS; Status Code: 400; Error Code: NotFoundException; Request ID: ${crypto.randomUUID()}; Proxy: null)`);
  }
  const name = String(ctx.input.Name ?? '');
  const deletedAt = ctx.state.parametersDeleted.get(name);
  if (deletedAt !== undefined) {
    if (Date.now() - deletedAt < ctx.settings.parameterReuseAfterMs) throw err('ParameterAlreadyExists', 'The parameter already exists. To overwrite this value, set the overwrite option in the request to true.');
    ctx.state.parametersDeleted.delete(name);
  }
  return relay(ctx, await ctx.forward());
};

const deleteParameters: Rule = async (ctx) => {
  const a = await ctx.forward();
  if (a.ok) {
    const now = Date.now();
    const names = ctx.op.name === 'DeleteParameter' ? [String(ctx.input.Name ?? '')] : ((a.json.DeletedParameters as string[] | undefined) ?? []);
    for (const n of names) ctx.state.parametersDeleted.set(n, now);
  }
  return relay(ctx, a);
};

export const ssmRules: Record<string, Rule> = {
  'ssm:PutParameter': putParameter,
  'ssm:DeleteParameter': deleteParameters,
  'ssm:DeleteParameters': deleteParameters,
};
