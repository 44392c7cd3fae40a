/** The hosted-UI domain of a pool: a pool that has one keeps it; else adopt ours, or create it and wait for ACTIVE. */
import { randomBytes } from 'node:crypto';
import { CliError } from '../../lib/errors.js';
import { awsCliCommand, type PlanStep } from '../../lib/plan.js';
import { DomainPrefix } from '../../lib/validate.js';
import type { CognitoApi, DomainDescriptionType } from '../../aws/cognito.js';
import { waitUntil } from '../../aws/waiter.js';
import type { Progress } from '../progress.js';

/** A valid prefix from a pool name: lowercase, reserved words removed, plus a short random suffix. */
export function suggestDomainPrefix(poolName: string, random = randomBytes(3).toString('hex')): string {
  let base = poolName
    .toLowerCase()
    .replace(/aws|amazon|cognito/g, '')
    .replace(/[^a-z0-9]+/g, '-')
    .replace(/^-+|-+$/g, '');
  base = base.slice(0, 63 - random.length - 1).replace(/-+$/, '') || 'mcp';
  const prefix = `${base}-${random}`;
  return DomainPrefix.safeParse(prefix).success ? prefix : `mcp-${random}`;
}

export interface DomainRead {
  domain: string;
  /** The pool already has this domain. */
  existing: boolean;
  /** DescribeUserPoolDomain of the domain, when it exists and is the pool's. */
  description?: DomainDescriptionType;
}

/**
 * Read the domain: the pool's own, or (for a domain to create) who holds the prefix. A prefix that
 * another pool holds is a CONFLICT (exit 1) before anything is created.
 */
export async function readDomain(cognito: CognitoApi, o: { existing?: string; wanted: string; poolId?: string }): Promise<DomainRead> {
  if (o.existing) return { domain: o.existing, existing: true, description: await cognito.describeDomain(o.existing) };
  const owner = await cognito.describeDomain(o.wanted);
  if (!owner) return { domain: o.wanted, existing: false };
  // Created by an earlier, interrupted run (DescribeUserPool may not show it yet): adopt it.
  if (o.poolId && owner.UserPoolId === o.poolId) return { domain: o.wanted, existing: false, description: owner };
  throw new CliError(`The domain prefix "${o.wanted}" is already taken${owner.UserPoolId ? ` by pool ${owner.UserPoolId}` : ''}.`, { code: 'CONFLICT', hint: 'Choose another prefix with --domain.' });
}

export function planDomain(read: DomainRead, o: { poolId?: string; managedLogin: boolean }, region: string): PlanStep | undefined {
  if (read.existing || read.description) return undefined;
  const cli = awsCliCommand('cognito-idp', 'CreateUserPoolDomain', { UserPoolId: o.poolId ?? '<new pool id>', Domain: read.domain, ManagedLoginVersion: o.managedLogin ? 2 : 1 }, region);
  return { action: 'create', resource: `hosted-UI domain "${read.domain}"`, awsCli: cli };
}

/** Create the domain when planned, and wait until it is ACTIVE. Returns its managed login version. */
export async function applyDomain(cognito: CognitoApi, poolId: string, read: DomainRead, o: { managedLogin: boolean; waitTimeoutSeconds: number }, progress: Progress): Promise<{ created: boolean; managedLoginVersion?: number }> {
  if (read.description) {
    if (read.description.Status !== 'ACTIVE') await waitForDomain(cognito, read.domain, o.waitTimeoutSeconds, progress);
    return { created: false, managedLoginVersion: read.description.ManagedLoginVersion };
  }
  if (read.existing) return { created: false };
  const version = o.managedLogin ? 2 : 1;
  await cognito.createDomain(poolId, read.domain, version);
  await waitForDomain(cognito, read.domain, o.waitTimeoutSeconds, progress);
  return { created: true, managedLoginVersion: version };
}

/** Poll DescribeUserPoolDomain (the SDK waiter: 1 s → 5 s) until ACTIVE, bounded by the timeout. */
export async function waitForDomain(cognito: CognitoApi, domain: string, timeoutSeconds: number, progress: Progress): Promise<void> {
  const spin = progress.spinner(`Waiting for domain ${domain} to become ACTIVE`);
  const statusOf = (d: DomainDescriptionType | undefined) => d?.Status ?? 'CREATING';
  try {
    const { state, last } = await waitUntil({
      timeoutSeconds,
      minDelaySeconds: 1,
      maxDelaySeconds: 5,
      poll: () => cognito.describeDomain(domain, { fresh: true }),
      verdict: (d) => (statusOf(d) === 'ACTIVE' ? 'done' : statusOf(d) === 'FAILED' ? 'failed' : 'pending'),
      onPending: (d) => spin.update(`Waiting for domain ${domain} to become ACTIVE (now ${statusOf(d)})`),
    });
    if (state === 'done') {
      spin.stop(`Domain ${domain} is ACTIVE`);
      return;
    }
    spin.stop();
    if (state === 'failed') {
      throw new CliError(`The domain ${domain} failed to create (status FAILED).`, { code: 'AWS_ERROR', hint: 'Check the domain in the Cognito console, or delete it and run init-pool again with another --domain.' });
    }
    throw new CliError(`The domain ${domain} is still ${statusOf(last)} after ${timeoutSeconds}s.`, { code: 'TIMEOUT', hint: 'Run the same command again later; it resumes where it stopped. Or raise --wait-timeout.' });
  } catch (e) {
    spin.stop();
    throw e;
  }
}
