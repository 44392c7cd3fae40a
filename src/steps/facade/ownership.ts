/**
 * Whether the façade's function and role are this tool's, under the documented IAM policy. The
 * state file's record (deploy writes it before it creates anything) is the primary evidence; tags
 * are the evidence for what the state does not record, read with lambda:ListTags (GetFunction
 * returns Tags only to an identity allowed that action, so their absence there proves nothing). A
 * denied tag read is an ACCESS_DENIED naming lambda:ListTags (src/aws/errors.ts), never "not
 * made by mcp-cognito".
 */
import { RefusedError } from '../../lib/errors.js';
import type { GetFunctionResponse, LambdaApi } from '../../aws/lambda.js';
import { MANAGED_TAG } from './resources.js';

const ours = (tags: Record<string, string>) => tags[MANAGED_TAG.key] === MANAGED_TAG.value;

/**
 * Refuse a function that is not ours. `recorded`: the state file records a façade of this function
 * name made by this tool. Tags shown and saying otherwise still refuse (a function replaced by someone else).
 */
export async function assertOurFunction(lambda: Pick<LambdaApi, 'listTags'>, fn: GetFunctionResponse, name: string, recorded: boolean, doing: string): Promise<void> {
  if (fn.Tags && Object.keys(fn.Tags).length) {
    if (ours(fn.Tags)) return;
    throw foreign('Lambda function', name, doing);
  }
  if (recorded) return;
  const arn = fn.Configuration?.FunctionArn;
  if (!arn) throw foreign('Lambda function', name, doing);
  if (!ours(await lambda.listTags(arn))) throw foreign('Lambda function', name, doing);
}

/** The same for the role (GetRole returns its tags to an identity allowed iam:GetRole). */
export function assertOurRole(tags: { Key?: string; Value?: string }[] | undefined, name: string, recorded: boolean, doing: string): void {
  const t = Object.fromEntries((tags ?? []).map((x) => [x.Key ?? '', x.Value ?? '']));
  if (ours(t) || (recorded && !(tags ?? []).length)) return;
  throw foreign('IAM role', name, doing);
}

function foreign(kind: string, name: string, doing: string): RefusedError {
  return new RefusedError(`A ${kind} named ${name} exists and was not made by mcp-cognito (no ${MANAGED_TAG.key}=${MANAGED_TAG.value} tag, and the state file does not record it); ${doing}.`, 'Pass another --name, or check the state file (--state), or remove that resource yourself.');
}
