/**
 * Every writer takes its resource's lock by construction (issue 17 §1): the merge loop requires a
 * ResourceKey, which only `resourceKey` makes, and takes the lock itself; a lock is re-entered by the
 * async context that holds it and waited for by any other. Ctrl-C during a write waits for it.
 */
import { describe, expect, it } from 'vitest';
import { mergeAndVerify, type MergeShape } from '../../src/steps/merge.js';
import { holdsResourceLock, resourceKey, withResourceLock } from '../../src/lib/resource-lock.js';
import { testCtx } from './helpers.js';

type R = { items: string[] };
const shape: MergeShape<R> = { lists: (r) => ({ items: r.items }), withLists: (r, l) => ({ ...r, items: l.items ?? [] }), others: () => ({}) };

describe('the merge loop and the resource lock', () => {
  it('a writer without a lock does not type-check; a key is made only by resourceKey', () => {
    const base = { what: 'x', operation: 'Update', planned: { items: [] }, change: (r: R) => r, shape, read: async () => ({ items: [] }), write: async () => undefined, hint: '' };
    // @ts-expect-error lockKey is required
    void (() => mergeAndVerify<R>(base));
    // @ts-expect-error a plain string is not a ResourceKey
    void (() => mergeAndVerify<R>({ ...base, lockKey: 'cognito-idp app client p/c' }));
    void (() => mergeAndVerify<R>({ ...base, lockKey: resourceKey.client('p', 'c') }));
  });

  it('the loop runs under its resource lock; two loops on one resource never overlap, and a held lock is re-entered', async () => {
    const key = resourceKey.client('us-east-1_lock', 'client1');
    let current: R = { items: ['a'] };
    let inside = 0;
    let overlapped = false;
    const update = (item: string) =>
      mergeAndVerify<R>({
        what: 'app client client1',
        operation: 'UpdateUserPoolClient',
        lockKey: key,
        planned: current,
        change: (r) => ({ items: r.items.includes(item) ? r.items : [...r.items, item] }),
        shape,
        read: async () => {
          expect(holdsResourceLock(key)).toBe(true);
          return { items: [...current.items] };
        },
        write: async (next) => {
          if (++inside > 1) overlapped = true;
          // A stale write would drop the other's item without the lock.
          await new Promise((r) => setTimeout(r, 20));
          current = next;
          inside--;
        },
        hint: '',
      });
    await Promise.all([update('b'), update('c'), withResourceLock(key, 'x', () => update('d'))]);
    expect(overlapped).toBe(false);
    expect(current.items.sort()).toEqual(['a', 'b', 'c', 'd']);
    expect(holdsResourceLock(key)).toBe(false);
  });
});

describe('Ctrl-C during a write', () => {
  it('waits until the write and its record are done, then acts; a write that fails keeps its own error', async () => {
    const t = testCtx();
    const events: string[] = [];
    let release!: () => void;
    const writing = t.ctx.uninterrupted(async () => {
      await new Promise<void>((r) => (release = r));
      events.push('written');
    });
    expect(t.ctx.deferInterrupt(() => events.push('interrupted'))).toBe(true);
    expect(events).toEqual([]);
    release();
    await writing;
    expect(events).toEqual(['written', 'interrupted']);
    expect(t.ctx.deferInterrupt(() => undefined)).toBe(false);

    const failing = t.ctx.uninterrupted(async () => {
      await Promise.resolve();
      throw new Error('the write failed');
    });
    t.ctx.deferInterrupt(() => events.push('interrupted again'));
    await expect(failing).rejects.toThrow('the write failed');
    expect(events).toEqual(['written', 'interrupted']);
  });
});
