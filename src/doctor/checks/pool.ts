/** Checks of the user pool, its domain and its users. */
import { hostedUiBaseUrl } from '../../lib/urls.js';
import { defineCheck, q } from '../kit.js';

export const POOL_CHECKS = [
  defineCheck('pool.exists', 'User pool exists', async (k, env) => {
    try {
      const p = await env.reads.pool();
      return k.pass(`${p.Name} (${p.Id}) in ${env.region}.`);
    } catch (e) {
      if ((e as { code?: string }).code === 'NOT_FOUND') {
        return k.fail(`User pool ${env.poolId} does not exist in ${env.region}`, 'It was deleted, or it is in another Region or account.', {
          todo: `Check the pool ID and the Region (--region), or set up a pool with mcp-cognito init-pool.`,
          aws: `aws cognito-idp list-user-pools --max-results 60 --region ${env.region}`,
        });
      }
      throw e;
    }
  }),

  defineCheck('pool.domain', 'The pool has a sign-in domain', async (k, env) => {
    const p = await env.reads.pool();
    if (!p.CustomDomain && !p.Domain) {
      return k.fail(`User pool ${p.Id} has no sign-in domain`, 'Without a domain there is no sign-in page (/oauth2/authorize) and no token URL (/oauth2/token): browsers cannot reach anything, and OAuth clients fail to load the login page.', { fix: `mcp-cognito init-pool --pool-id ${p.Id}` });
    }
    return k.pass([p.Domain && `${hostedUiBaseUrl(p.Domain, env.region)}`, p.CustomDomain && `custom domain ${p.CustomDomain}`].filter(Boolean).join('; ') + '.');
  }),

  defineCheck('domain.status', 'The domain is active', async (k, env) => {
    const domains = await env.reads.domains();
    if (!domains.length) return k.skip('The pool has no domain.');
    for (const { domain, custom, desc } of domains) {
      if (!desc) return k.fail(`Domain ${domain} does not exist`, `The pool names ${domain}, but Cognito finds no such domain.`, { fix: `mcp-cognito init-pool --pool-id ${env.poolId}` });
      if (desc.UserPoolId && desc.UserPoolId !== env.poolId) return k.fail(`Domain ${domain} belongs to another pool`, `It belongs to ${desc.UserPoolId}, not ${env.poolId}: its sign-in page signs people in to that pool.`, { todo: 'Use the domain of this pool (mcp-cognito init-pool gives the pool a domain of its own).' });
      if (desc.Status === 'FAILED') {
        return k.fail(`Domain ${domain} failed to set up`, custom ? 'A custom domain fails when its ACM certificate (in us-east-1) is not valid or the DNS alias does not point at the CloudFront distribution.' : 'Cognito reports the domain as FAILED.', custom ? { todo: 'Fix the certificate (us-east-1) and the DNS alias, then create the domain again.' } : { fix: `mcp-cognito init-pool --pool-id ${env.poolId}` });
      }
      if (desc.Status !== 'ACTIVE') return k.warn(`Domain ${domain} is ${desc.Status}, not active yet`, `Sign-in works once it is ACTIVE: about a minute for a prefix domain, up to an hour for a custom domain.`);
    }
    const versions = domains.map((d) => `${d.domain} (${d.desc?.ManagedLoginVersion === 2 ? 'managed login' : 'classic hosted UI'})`);
    return k.pass(`${versions.join(', ')}: ACTIVE.`);
  }),

  defineCheck('users.status', 'No user is stuck with a temporary password', async (k, env) => {
    const [users, pool] = await Promise.all([env.reads.forceChangeUsers(), env.reads.pool()]);
    if (!users.length) return k.pass('No user has to change a temporary password first.');
    const days = pool.Policies?.PasswordPolicy?.TemporaryPasswordValidityDays ?? 7;
    const now = Date.now();
    const shown = users.slice(0, 5).map((u) => {
      const created = u.UserCreateDate ? new Date(u.UserCreateDate).getTime() : undefined;
      const expired = created !== undefined && now - created > days * 86_400_000;
      return `${u.Username}${u.Enabled === false ? ' (disabled)' : ''}${created !== undefined ? (expired ? ` (its temporary password expired: created ${new Date(created).toISOString().slice(0, 10)}, valid ${days} days)` : ` (temporary password valid until ${new Date(created + days * 86_400_000).toISOString().slice(0, 10)})`) : ''}`;
    });
    const more = users.length > 5 ? ` and ${users.length - 5} more` : '';
    const first = users[0]!.Username ?? '<user>';
    const n = users.length;
    return k.warn(`${n} user${n > 1 ? 's have' : ' has'} only a temporary password`, `${shown.join('; ')}${more}. The sign-in page first asks for a new password; an expired or never-delivered temporary password cannot be used at all.`, {
      ...(first.includes('@') ? { fix: `mcp-cognito create-user --pool-id ${env.poolId} --email ${q(first)}` } : { todo: `Set a permanent password for ${first}.` }),
      aws: `aws cognito-idp admin-set-user-password --user-pool-id ${env.poolId} --username ${q(first)} --password '<new password>' --permanent --region ${env.region}`,
    });
  }),
];
