/** Checks of the gateway's targets and their outbound OAuth. */
import { awsCliCommand } from '../../lib/plan.js';
import { parseCognitoDiscoveryUrl } from '../../lib/urls.js';
import type { GetGatewayTargetResponse } from '../../aws/agentcore.js';
import { clientLabel, defineCheck, isOidc, oauthOf, providerName } from '../kit.js';

function updateTargetAws(t: GetGatewayTargetResponse, gatewayId: string, region: string, scopesFilter: (s: string) => boolean): string {
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

export const TARGET_CHECKS = [
  defineCheck('targets.status', 'Gateway targets are READY', async (k, env) => {
    const targets = await env.reads.targets();
    if (!targets.length) return k.warn('The gateway has no targets', 'tools/list returns no tools until a target is added.');
    const bad = targets.filter((t) => /FAILED|UNSUCCESSFUL/.test(t.status ?? ''));
    const pending = targets.filter((t) => t.status !== 'READY' && !bad.includes(t));
    const line = (t: GetGatewayTargetResponse) => `${t.name} (${t.targetId}) ${t.status}${t.statusReasons?.length ? `: ${t.statusReasons.join('; ')}` : ''}`;
    if (bad.length) return k.fail(`Target ${bad.map((t) => t.name).join(', ')} ${bad.length > 1 ? 'are' : 'is'} ${bad[0]!.status}`, `${bad.map(line).join('; ')}. Its tools are missing from tools/list.`, { todo: 'Fix what AWS names, then update the target.', aws: `aws bedrock-agentcore-control get-gateway-target --gateway-identifier ${env.gatewayId} --target-id ${bad[0]!.targetId} --region ${env.region}` });
    if (pending.length) return k.warn(`Target ${pending.map((t) => t.name).join(', ')} ${pending.length > 1 ? 'are' : 'is'} not READY yet`, pending.map(line).join('; ') + '.');
    return k.pass(`${targets.map((t) => t.name).join(', ')}. READY does not prove a target's outbound sign-in works: a failing one shows up only in tools/call.`);
  }),

  defineCheck('targets.oauth-scopes', 'Targets ask for custom scopes only', async (k, env) => {
    const [targets, servers] = await Promise.all([env.reads.targets(), env.reads.resourceServers().catch(() => undefined)]);
    const withOauth = targets.filter((t) => oauthOf(t).length);
    if (!withOauth.length) return k.pass(targets.length ? 'No target signs in with OAuth.' : 'The gateway has no targets.');
    const problems: string[] = [];
    let aws: string | undefined;
    const unknown: string[] = [];
    const available = servers?.flatMap((s) => (s.Scopes ?? []).map((sc) => `${s.Identifier}/${sc.ScopeName}`));
    for (const t of withOauth) {
      for (const o of oauthOf(t)) {
        const scopes = o.scopes ?? [];
        const oidc = scopes.filter(isOidc);
        if (oidc.length && (o.grantType ?? 'CLIENT_CREDENTIALS') === 'CLIENT_CREDENTIALS') {
          problems.push(`target ${t.name} asks ${providerName(o.providerArn ?? '?')} for ${scopes.join(', ')}`);
          aws ??= updateTargetAws(t, env.gatewayId!, env.region, (s) => !isOidc(s));
        }
        if (available) unknown.push(...scopes.filter((s) => !isOidc(s) && !available.includes(s)).map((s) => `${t.name}: ${s}`));
      }
    }
    if (problems.length) return k.fail('A target asks for OpenID scopes with client_credentials', `${problems.join('; ')}. With client_credentials Cognito grants custom scopes only, so it answers invalid_scope and tools/call fails with "Failed to fetch outbound oauth token".`, { todo: 'Keep only custom scopes (such as mcp/invoke) in the target\'s OAuth credential configuration. No mcp-cognito command changes targets; the AWS CLI command doctor gives (--verbose, --json) resends the whole target.', aws });
    if (unknown.length) return k.warn('A target asks for scopes this pool does not define', `${unknown.join(', ')} (fine if its credential provider uses another pool).`);
    return k.pass(withOauth.map((t) => `${t.name}: ${oauthOf(t).map((o) => (o.scopes ?? []).join(' ')).join('; ')}`).join(', ') + '.');
  }),

  defineCheck('targets.credential-provider', "Targets' OAuth credentials point at a working M2M client", async (k, env) => {
    const targets = await env.reads.targets();
    const arns = [...new Set(targets.flatMap((t) => oauthOf(t).map((o) => o.providerArn ?? '')).filter(Boolean))];
    if (!arns.length) return k.pass('No target signs in with OAuth.');
    const lines: string[] = [];
    const broken: string[] = [];
    let pending = false;
    for (const arn of arns) {
      const cp = await env.reads.credentialProvider(providerName(arn));
      const custom = cp.oauth2ProviderConfigOutput && 'customOauth2ProviderConfig' in cp.oauth2ProviderConfigOutput ? cp.oauth2ProviderConfigOutput.customOauth2ProviderConfig : undefined;
      const disc = custom?.oauthDiscovery && 'discoveryUrl' in custom.oauthDiscovery ? custom.oauthDiscovery.discoveryUrl : undefined;
      const parsed = disc ? parseCognitoDiscoveryUrl(disc) : undefined;
      lines.push(`${cp.name}: ${cp.credentialProviderVendor}${custom?.clientId ? `, client ${custom.clientId}` : ''}${disc ? `, discovery ${disc}` : ''}`);
      if (parsed && parsed.poolId === env.poolId && custom?.clientId) {
        try {
          const c = await env.reads.client(custom.clientId);
          const flows = c.AllowedOAuthFlows ?? [];
          if (!c.ClientSecret) broken.push(`${cp.name} uses ${clientLabel(c)}, which has no secret`);
          else if (!flows.includes('client_credentials')) broken.push(`${cp.name} uses ${clientLabel(c)}, whose flows [${flows.join(', ')}] lack client_credentials`);
        } catch {
          broken.push(`${cp.name} uses client ${custom.clientId}, which does not exist in ${env.poolId}`);
        }
      }
      if (cp.status && cp.status !== 'READY') pending = true;
    }
    if (broken.length) return k.fail('A target signs in with a client that cannot get tokens', `${broken.join('; ')}: tools/call fails with "Failed to fetch outbound oauth token".`, { fix: `mcp-cognito create-client --preset m2m --pool-id ${env.poolId}`, todo: 'Then give the credential provider that client\'s ID and secret.' });
    if (pending) return k.warn('A target credential provider is not READY', `${lines.join('; ')}.`);
    return k.pass(`${lines.join('; ')}.`);
  }),

  defineCheck('targets.iam', "The gateway role's outbound permissions", async (k, env) => {
    const [g, targets] = await Promise.all([env.reads.gateway(), env.reads.targets()]);
    if (!targets.some((t) => oauthOf(t).length)) return k.pass('No target signs in with OAuth.');
    return k.skip(`doctor does not call IAM: the gateway role ${g.roleArn ?? ''} needs bedrock-agentcore:GetWorkloadAccessToken, bedrock-agentcore:GetResourceOauth2Token and secretsmanager:GetSecretValue on the provider's secret. While diagnosing, set the gateway's exception level to DEBUG to see the real outbound error (now: ${g.exceptionLevel ?? 'not set'}).`, {
      aws: `aws iam simulate-principal-policy --policy-source-arn ${g.roleArn ?? '<gateway role ARN>'} --action-names bedrock-agentcore:GetWorkloadAccessToken bedrock-agentcore:GetResourceOauth2Token secretsmanager:GetSecretValue --query 'EvaluationResults[].[EvalActionName,EvalDecision]'`,
    });
  }),
];
