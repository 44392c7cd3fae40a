/** Checks of the gateway's targets and their outbound OAuth. */
import { awsCliCommand } from '../../lib/plan.js';
import { parseCognitoDiscoveryUrl } from '../../lib/urls.js';
import type { GetGatewayTargetResponse } from '../../aws/agentcore.js';
import { clientLabel, defineCheck, isOidc, oauthOf, providerName, type CheckDef } from '../kit.js';
import type { CheckStatus } from '../types.js';

function updateTargetFix(t: GetGatewayTargetResponse, gatewayId: string, region: string, scopesFilter: (s: string) => boolean): string {
  const creds = (t.credentialProviderConfigurations ?? []).map((c) => {
    if (c.credentialProviderType !== 'OAUTH' || !c.credentialProvider || !('oauthCredentialProvider' in c.credentialProvider)) return c;
    const o = c.credentialProvider.oauthCredentialProvider!;
    return { ...c, credentialProvider: { oauthCredentialProvider: { ...o, scopes: (o.scopes ?? []).filter(scopesFilter) } } };
  });
  const input: Record<string, unknown> = { gatewayIdentifier: gatewayId, targetId: t.targetId, name: t.name, targetConfiguration: t.targetConfiguration, credentialProviderConfigurations: creds };
  if (t.description) input.description = t.description;
  if (t.metadataConfiguration) input.metadataConfiguration = t.metadataConfiguration;
  return awsCliCommand('bedrock-agentcore-control', 'UpdateGatewayTarget', input, region);
}

export const TARGET_CHECKS: CheckDef[] = [
  defineCheck('targets.status', 'Gateway targets are READY', async (k, env) => {
    const targets = await env.reads.targets();
    if (!targets.length) return k.warn('The gateway has no targets: tools/list returns nothing.');
    const bad = targets.filter((t) => /FAILED|UNSUCCESSFUL/.test(t.status ?? ''));
    const pending = targets.filter((t) => t.status !== 'READY' && !bad.includes(t));
    const line = (t: GetGatewayTargetResponse) => `${t.name} (${t.targetId}) ${t.status}${t.statusReasons?.length ? `: ${t.statusReasons.join('; ')}` : ''}`;
    if (bad.length) return k.fail(bad.map(line).join('; '), { fix: `aws bedrock-agentcore-control get-gateway-target --gateway-identifier ${env.gatewayId} --target-id ${bad[0]!.targetId} --region ${env.region}` });
    if (pending.length) return k.warn(pending.map(line).join('; '));
    return k.pass(`${targets.map((t) => `${t.name} READY`).join(', ')}. READY does not prove the outbound auth works (O1).`);
  }),

  defineCheck('targets.oauth-scopes', 'Target OAuth credentials request custom scopes only', async (k, env) => {
    const [targets, servers] = await Promise.all([env.reads.targets(), env.reads.resourceServers().catch(() => undefined)]);
    const withOauth = targets.filter((t) => oauthOf(t).length);
    if (!withOauth.length) return k.pass(targets.length ? 'No target uses an OAuth credential provider.' : 'The gateway has no targets.');
    const problems: string[] = [];
    let fix: string | undefined;
    const unknown: string[] = [];
    const available = servers?.flatMap((s) => (s.Scopes ?? []).map((sc) => `${s.Identifier}/${sc.ScopeName}`));
    for (const t of withOauth) {
      for (const o of oauthOf(t)) {
        const scopes = o.scopes ?? [];
        const oidc = scopes.filter(isOidc);
        if (oidc.length && (o.grantType ?? 'CLIENT_CREDENTIALS') === 'CLIENT_CREDENTIALS') {
          problems.push(`target ${t.name} (${t.targetId}) asks ${providerName(o.providerArn ?? '?')} for ${scopes.join(', ')}; ${oidc.join(', ')} ${oidc.length > 1 ? 'are' : 'is'} not allowed with client_credentials`);
          fix ??= updateTargetFix(t, env.gatewayId!, env.region, (s) => !isOidc(s));
        }
        if (available) unknown.push(...scopes.filter((s) => !isOidc(s) && !available.includes(s)).map((s) => `${t.name}: ${s}`));
      }
    }
    if (problems.length) return k.fail(`${problems.join('; ')}: Cognito answers invalid_scope and tools/call fails with "Failed to fetch outbound oauth token" (O1).`, { fix });
    if (unknown.length) return k.warn(`Scopes not defined in pool ${env.poolId}: ${unknown.join(', ')} (fine if the provider uses another pool).`);
    return k.pass(withOauth.map((t) => `${t.name}: ${oauthOf(t).map((o) => (o.scopes ?? []).join(' ')).join('; ')}`).join(', '));
  }),

  defineCheck('targets.credential-provider', 'Target OAuth credential providers', async (k, env) => {
    const targets = await env.reads.targets();
    const arns = [...new Set(targets.flatMap((t) => oauthOf(t).map((o) => o.providerArn ?? '')).filter(Boolean))];
    if (!arns.length) return k.pass('No target uses an OAuth credential provider.');
    const lines: string[] = [];
    let status: CheckStatus = 'pass';
    for (const arn of arns) {
      const cp = await env.reads.credentialProvider(providerName(arn));
      const custom = cp.oauth2ProviderConfigOutput && 'customOauth2ProviderConfig' in cp.oauth2ProviderConfigOutput ? cp.oauth2ProviderConfigOutput.customOauth2ProviderConfig : undefined;
      const disc = custom?.oauthDiscovery && 'discoveryUrl' in custom.oauthDiscovery ? custom.oauthDiscovery.discoveryUrl : undefined;
      const parsed = disc ? parseCognitoDiscoveryUrl(disc) : undefined;
      let line = `${cp.name}: ${cp.credentialProviderVendor}${custom?.clientId ? `, client ${custom.clientId}` : ''}${disc ? `, discovery ${disc}` : ''}`;
      if (parsed && parsed.poolId === env.poolId && custom?.clientId) {
        try {
          const c = await env.reads.client(custom.clientId);
          const flows = c.AllowedOAuthFlows ?? [];
          if (!flows.includes('client_credentials') || !c.ClientSecret) {
            status = 'fail';
            line += ` — client ${clientLabel(c)} ${!c.ClientSecret ? 'has no secret' : `has flows [${flows.join(', ')}] without client_credentials`}`;
          }
        } catch {
          status = 'fail';
          line += ` — client ${custom.clientId} does not exist in ${env.poolId}`;
        }
      }
      if (cp.status && cp.status !== 'READY') status = status === 'fail' ? status : 'warn';
      lines.push(line);
    }
    const detail = `${lines.join('; ')}.`;
    if (status === 'fail') return k.fail(detail, { fix: `mcp-cognito create-client --preset m2m --pool-id ${env.poolId}` });
    return status === 'warn' ? k.warn(detail) : k.pass(detail);
  }),

  defineCheck('targets.iam', 'Gateway role may fetch outbound tokens', async (k, env) => {
    const [g, targets] = await Promise.all([env.reads.gateway(), env.reads.targets()]);
    if (!targets.some((t) => oauthOf(t).length)) return k.pass('No target uses an OAuth credential provider.');
    return k.skip(`doctor does not call IAM; check the gateway role ${g.roleArn ?? ''} with iam simulate-principal-policy (O1b, O1c). While diagnosing, exceptionLevel=DEBUG on the gateway shows the real outbound error (now: ${g.exceptionLevel ?? 'not set'}).`, {
      fix: `aws iam simulate-principal-policy --policy-source-arn ${g.roleArn ?? '<gateway role ARN>'} --action-names bedrock-agentcore:GetWorkloadAccessToken bedrock-agentcore:GetResourceOauth2Token secretsmanager:GetSecretValue --query 'EvaluationResults[].[EvalActionName,EvalDecision]'`,
    });
  }),
];
