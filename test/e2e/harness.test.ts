import { describe, expect, it } from 'vitest';
import { CreateUserPoolCommand, ListUserPoolsCommand } from '@aws-sdk/client-cognito-identity-provider';
import { sdk, useMoto } from './moto';

describe('moto end-to-end harness', () => {
  const moto = useMoto();

  it('serves the moto API on 127.0.0.1', async () => {
    expect(moto.endpoint()).toMatch(/^http:\/\/127\.0\.0\.1:\d+$/);
    const res = await fetch(`${moto.endpoint()}/moto-api/`);
    await res.arrayBuffer();
    expect(res.status).toBe(200);
  });

  it('creates a user pool, lists it back, and forgets it after a reset', async () => {
    const { cognito } = sdk(moto.endpoint());
    const created = await cognito.send(new CreateUserPoolCommand({ PoolName: 'harness-pool' }));
    const id = created.UserPool?.Id;
    expect(id).toMatch(/^us-east-1_/);

    const listed = await cognito.send(new ListUserPoolsCommand({ MaxResults: 60 }));
    expect(listed.UserPools?.map((p) => [p.Id, p.Name])).toEqual([[id, 'harness-pool']]);

    const res = await fetch(`${moto.endpoint()}/moto-api/reset`, { method: 'POST' });
    await res.arrayBuffer();
    expect(res.ok).toBe(true);

    const after = await cognito.send(new ListUserPoolsCommand({ MaxResults: 60 }));
    expect(after.UserPools ?? []).toEqual([]);
  });

  it('starts every test from an empty moto (reset in beforeEach)', async () => {
    const { cognito } = sdk(moto.endpoint());
    await cognito.send(new CreateUserPoolCommand({ PoolName: 'leaks-into-next-test?' }));
    const listed = await cognito.send(new ListUserPoolsCommand({ MaxResults: 60 }));
    expect(listed.UserPools).toHaveLength(1);
  });

  it('has reset the pool created by the previous test', async () => {
    const { cognito } = sdk(moto.endpoint());
    const listed = await cognito.send(new ListUserPoolsCommand({ MaxResults: 60 }));
    expect(listed.UserPools ?? []).toEqual([]);
  });
});
