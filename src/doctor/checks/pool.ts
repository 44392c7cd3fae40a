/** Checks of the user pool, its domain and its users. */
import { hostedUiBaseUrl } from '../../lib/urls.js';
import { defineCheck, q, type CheckDef } from '../kit.js';
import type { CheckStatus } from '../types.js';

export const POOL_CHECKS: CheckDef[] = [
  defineCheck('pool.exists', 'User pool exists', async (k, env) => {
    try {
      const p = await env.reads.pool();
      return k.pass(`${p.Name} (${p.Id}) in ${env.region}`);
    } catch (e) {
      if ((e as { code?: string }).code === 'NOT_FOUND') {
        return k.fail(`DescribeUserPool found no pool ${env.poolId} in ${env.region}.`, { fix: `aws cognito-idp list-user-pools --max-results 60 --region ${env.region}` });
      }
      throw e;
    }
  }),

  defineCheck('pool.domain', 'Hosted-UI domain configured', async (k, env) => {
    const p = await env.reads.pool();
    const d = p.CustomDomain ?? p.Domain;
    if (!d) {
      return k.fail(`User pool ${p.Id} has no domain (UserPool.Domain and CustomDomain are empty), so there is no /oauth2/authorize or /oauth2/token (A4).`, { fix: `mcp-cognito init-pool --pool-id ${p.Id}` });
    }
    return k.pass([p.Domain && `prefix domain ${p.Domain} → ${hostedUiBaseUrl(p.Domain, env.region)}`, p.CustomDomain && `custom domain ${p.CustomDomain}`].filter(Boolean).join('; '));
  }),

  defineCheck('domain.status', 'Domain is ACTIVE and belongs to the pool', async (k, env) => {
    const domains = await env.reads.domains();
    if (!domains.length) return k.skip('The pool has no domain (see pool.domain).');
    const problems: { status: CheckStatus; text: string }[] = [];
    const seen: string[] = [];
    for (const { domain, desc } of domains) {
      if (!desc) problems.push({ status: 'fail', text: `DescribeUserPoolDomain finds no domain "${domain}" although the pool names it` });
      else if (desc.UserPoolId && desc.UserPoolId !== env.poolId) problems.push({ status: 'fail', text: `domain ${domain} belongs to pool ${desc.UserPoolId}, not ${env.poolId}` });
      else if (desc.Status === 'FAILED') problems.push({ status: 'fail', text: `domain ${domain} is FAILED (custom domain: check the ACM certificate in us-east-1 and the DNS alias)` });
      else if (desc.Status !== 'ACTIVE') problems.push({ status: 'warn', text: `domain ${domain} is ${desc.Status}; a prefix domain takes about a minute, a custom domain up to an hour` });
      seen.push(`${domain}: ${desc?.Status ?? 'not found'}${desc?.ManagedLoginVersion ? `, ManagedLoginVersion ${desc.ManagedLoginVersion}` : ''}`);
    }
    if (problems.some((p) => p.status === 'fail')) return k.fail(`${problems.map((p) => p.text).join('; ')}.`, { fix: `mcp-cognito init-pool --pool-id ${env.poolId}` });
    if (problems.length) return k.warn(`${problems.map((p) => p.text).join('; ')}.`);
    return k.pass(`${seen.join('; ')}, owned by ${env.poolId}.`);
  }),

  defineCheck('users.status', 'No user stuck with a temporary password', async (k, env) => {
    const [users, pool] = await Promise.all([env.reads.forceChangeUsers(), env.reads.pool()]);
    if (!users.length) return k.pass('No user is in FORCE_CHANGE_PASSWORD.');
    const days = pool.Policies?.PasswordPolicy?.TemporaryPasswordValidityDays ?? 7;
    const now = Date.now();
    const shown = users.slice(0, 5).map((u) => {
      const created = u.UserCreateDate ? new Date(u.UserCreateDate).getTime() : undefined;
      const expired = created !== undefined && now - created > days * 86_400_000;
      return `${u.Username}${u.Enabled === false ? ' (disabled)' : ''}${created !== undefined ? (expired ? ` (temporary password expired: created ${new Date(created).toISOString().slice(0, 10)}, valid ${days} days)` : ` (temporary password valid until ${new Date(created + days * 86_400_000).toISOString().slice(0, 10)})`) : ''}`;
    });
    const more = users.length > 5 ? ` and ${users.length - 5} more` : '';
    return k.warn(`${users.length} user${users.length > 1 ? 's are' : ' is'} in FORCE_CHANGE_PASSWORD: ${shown.join('; ')}${more}. They must change the temporary password at the first sign-in; an expired or undelivered one cannot be used (A7).`, {
      fix: `aws cognito-idp admin-set-user-password --user-pool-id ${env.poolId} --username ${q(users[0]!.Username ?? '<user>')} --password '<new password>' --permanent --region ${env.region}`,
    });
  }),
];
