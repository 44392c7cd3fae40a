/**
 * The gateway's customClaims rules (CUSTOM_JWT authorizer), described and evaluated against a
 * token's claims. Semantics (AgentCore API, CustomClaimValidationType and its CloudFormation and
 * Terraform references): EQUALS with a STRING claim and one string; CONTAINS with a STRING_ARRAY
 * claim and one string (the claim's array holds it); CONTAINS_ANY with a STRING_ARRAY claim and a
 * list (the claim's array holds one of them).
 */
import type { CustomClaimValidationType } from '@aws-sdk/client-bedrock-agentcore-control';

/** Claims Cognito itself puts in access tokens (developer guide, "Understanding the access token"). */
export const COGNITO_ACCESS_CLAIMS = ['sub', 'cognito:groups', 'iss', 'version', 'client_id', 'origin_jti', 'event_id', 'token_use', 'scope', 'auth_time', 'exp', 'iat', 'jti', 'username'];

export type ClaimRule = CustomClaimValidationType;

function ruleValues(r: ClaimRule): { one?: string; many?: string[] } {
  const v = r.authorizingClaimMatchValue?.claimMatchValue as { matchValueString?: string; matchValueStringList?: string[] } | undefined;
  return { one: v?.matchValueString, many: v?.matchValueStringList };
}

export function describeRule(r: ClaimRule): string {
  const { one, many } = ruleValues(r);
  const op = r.authorizingClaimMatchValue?.claimMatchOperator;
  const name = r.inboundTokenClaimName ?? '?';
  if (op === 'EQUALS') return `${name} equals "${one ?? ''}"`;
  if (op === 'CONTAINS') return `${name} contains "${one ?? many?.[0] ?? ''}"`;
  if (op === 'CONTAINS_ANY') return `${name} contains one of ${JSON.stringify(many ?? (one ? [one] : []))}`;
  return `${name} ${op ?? '?'} ${JSON.stringify(one ?? many)}`;
}

/** Whether a token's claims pass one rule, and what the token had. */
export function evaluateRule(r: ClaimRule, claims: Record<string, unknown>): { ok: boolean; had: string } {
  const name = r.inboundTokenClaimName ?? '';
  const value = claims[name];
  const had = value === undefined ? `no ${name} claim` : `${name}=${JSON.stringify(value)}`;
  if (value === undefined) return { ok: false, had };
  const { one, many } = ruleValues(r);
  const op = r.authorizingClaimMatchValue?.claimMatchOperator;
  const list = Array.isArray(value) ? value.map(String) : typeof value === 'string' ? (r.inboundTokenClaimValueType === 'STRING_ARRAY' ? value.split(/\s+/).filter(Boolean) : [value]) : [String(value)];
  if (op === 'EQUALS') return { ok: typeof value === 'string' && value === one, had };
  if (op === 'CONTAINS') return { ok: list.includes(one ?? many?.[0] ?? '\u0000'), had };
  if (op === 'CONTAINS_ANY') return { ok: (many ?? (one ? [one] : [])).some((m) => list.includes(m)), had };
  return { ok: false, had };
}
