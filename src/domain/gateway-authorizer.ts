/**
 * What a gateway's authorizer type means for Cognito tokens, in AWS's words, shared by doctor,
 * status and authorize-client.
 *
 * AUTHENTICATE_ONLY is one of AgentCore's "offloaded authorization types": "The gateway makes no
 * authorization decision of its own and instead offloads authorization to another component, such
 * as the downstream target, a policy engine attached to the gateway, or an interceptor Lambda
 * function. This category includes Authenticate only and No Authorization." —
 * docs.aws.amazon.com/bedrock-agentcore/latest/devguide/gateway-inbound-auth.html (Offloaded inbound
 * authorization). The gateway still authenticates the bearer token against its authorizer's
 * discovery URL; its client, audience, scope and claim rules are authorization, which it leaves to
 * that other component. A policy engine decides only in ENFORCE mode ("LOG_ONLY - … does not
 * enforce the decision", SDK GatewayPolicyEngineConfiguration.mode).
 */

/** The parts of a gateway (GetGateway) this module reads. */
export interface AuthorizerView {
  name?: string;
  gatewayId?: string;
  authorizerType?: string;
  policyEngineConfiguration?: { arn?: string; mode?: string };
  interceptorConfigurations?: { interceptor?: unknown; interceptionPoints?: string[] }[];
}

export const OFFLOADED_AUTHORIZATION_DOC = 'https://docs.aws.amazon.com/bedrock-agentcore/latest/devguide/gateway-inbound-auth.html';

/** The gateway authenticates tokens and leaves every authorization decision to another component. */
export const authenticatesOnly = (g: AuthorizerView | undefined) => g?.authorizerType === 'AUTHENTICATE_ONLY';

/** The authorizer types under which a Cognito access token gets into the gateway at all. */
export const acceptsBearerTokens = (g: AuthorizerView | undefined) => g?.authorizerType === 'CUSTOM_JWT' || authenticatesOnly(g);

/** Who decides, at the gateway, which calls of an authenticated caller pass (besides the targets). */
export function offloadedTo(g: AuthorizerView): { engine?: string; enforcing: boolean; interceptors: string[] } {
  const p = g.policyEngineConfiguration;
  const interceptors = (g.interceptorConfigurations ?? []).map((i) => {
    const arn = (i.interceptor as { lambda?: { arn?: string } } | undefined)?.lambda?.arn;
    return `${arn ?? 'an interceptor'}${i.interceptionPoints?.length ? ` (${i.interceptionPoints.join(', ')})` : ''}`;
  });
  return { ...(p?.arn ? { engine: `${p.arn} (${p.mode ?? 'mode unknown'})` } : {}), enforcing: p?.mode === 'ENFORCE', interceptors };
}

/** One paragraph: what AUTHENTICATE_ONLY means for this gateway, and who decides here. */
export function authenticateOnlySentence(g: AuthorizerView): string {
  const name = g.name ?? g.gatewayId ?? 'the gateway';
  const o = offloadedTo(g);
  const who = [
    ...(o.engine ? [`policy engine ${o.engine}${o.enforcing ? ', which allows or denies each call' : ', which only logs what it would deny'}`] : []),
    ...(o.interceptors.length ? [`interceptor ${o.interceptors.join(', ')}`] : []),
  ];
  return (
    `Gateway ${name} authenticates only (AUTHENTICATE_ONLY): it checks that a bearer token is valid for the identity provider its discovery URL names, ` +
    `and makes no authorization decision of its own: no client, audience, scope or claim rule applies; AWS documents that authorization is offloaded to the target, a policy engine attached to the gateway, or an interceptor Lambda function. ` +
    (who.length ? `Here: ${who.join('; ')}; and the targets.` : 'This gateway has neither a policy engine nor an interceptor: every valid token of that provider gets in, and only the targets decide what a caller may do.')
  );
}
