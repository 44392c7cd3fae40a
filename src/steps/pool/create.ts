/** The user pool: adopt by ID, or the one pool with the name, or create it. */
import { CliError } from '../../lib/errors.js';
import { awsCliCommand, type PlanStep } from '../../lib/plan.js';
import type { CognitoApi, UserPoolType } from '../../aws/cognito.js';
import type { Progress } from '../progress.js';

export interface PoolRead {
  poolId?: string;
  name: string;
  /** The pool as described, when it exists. */
  pool?: UserPoolType;
  /** How it was found: by ID, by name, or not at all. */
  found: 'id' | 'name' | 'none';
}

/** Find the pool: by ID, else the one pool with the name (every page); several with the name: CONFLICT. */
export async function readPool(cognito: CognitoApi, o: { poolId?: string; poolName: string }, region: string): Promise<PoolRead> {
  if (o.poolId) {
    const pool = await cognito.describePool(o.poolId);
    return { poolId: o.poolId, name: pool.Name ?? o.poolName, pool, found: 'id' };
  }
  const matches = (await cognito.listPools()).filter((p) => p.Name === o.poolName);
  if (matches.length > 1) {
    throw new CliError(`${matches.length} user pools are named "${o.poolName}" in ${region}: ${matches.map((p) => p.Id).join(', ')}.`, { code: 'CONFLICT', hint: 'Choose one with --pool-id.' });
  }
  if (!matches[0]?.Id) return { name: o.poolName, found: 'none' };
  const pool = await cognito.describePool(matches[0].Id);
  return { poolId: matches[0].Id, name: o.poolName, pool, found: 'name' };
}

/** The create step for a pool that does not exist (undefined when it does). */
export function planPool(read: PoolRead, region: string): PlanStep | undefined {
  if (read.poolId) return undefined;
  return { action: 'create', resource: `user pool "${read.name}"`, awsCli: awsCliCommand('cognito-idp', 'CreateUserPool', { PoolName: read.name, UsernameAttributes: ['email'] }, region) };
}

/** Report an adopted pool, or create the planned one. Returns the pool ID. */
export async function applyPool(cognito: CognitoApi, read: PoolRead, progress: Progress): Promise<{ poolId: string; created: boolean }> {
  if (read.poolId) {
    progress.step(`${read.found === 'id' ? 'Using' : 'Found'} user pool ${read.name} (${read.poolId})`);
    return { poolId: read.poolId, created: false };
  }
  const pool = await cognito.createPool(read.name);
  progress.step(`Created user pool ${read.name} (${pool.Id})`);
  return { poolId: pool.Id!, created: true };
}
