/**
 * The merge loop after a write that failed without a real answer (src/steps/merge.ts): it reads,
 * merges and writes again (never the same request blindly), a bounded number of times; a failure
 * with a real answer ends it at once.
 */
import { describe, expect, it } from 'vitest';
import { TRANSIENT_WRITE_FAILURES, mergeAndVerify, type MergeShape } from '../../src/steps/merge.js';
import { resourceKey } from '../../src/lib/resource-lock.js';

type R = { items: string[]; name: string };
const shape: MergeShape<R> = { lists: (r) => ({ items: r.items }), withLists: (r, l) => ({ ...r, items: l.items ?? [] }), others: (r) => ({ name: r.name }) };
const err = (name: string, extra: Record<string, unknown> = {}) => Object.assign(new Error(name), { name, ...extra });
const throttled = () => err('TooManyRequestsException', { $metadata: { httpStatusCode: 400 } });
const reset = () => err('Error', { code: 'ECONNRESET' });

function resource(initial: R) {
  let current = structuredClone(initial);
  const sent: R[] = [];
  return {
    get: () => current,
    set: (r: R) => (current = structuredClone(r)),
    sent,
    update(item: string, write: (next: R, n: number) => void) {
      return mergeAndVerify<R>({
        what: 'app client c',
        operation: 'UpdateUserPoolClient',
        lockKey: resourceKey.client('us-east-1_t', `c-${Math.random()}`),
        planned: structuredClone(current),
        change: (r) => ({ ...r, items: r.items.includes(item) ? r.items : [...r.items, item] }),
        shape,
        read: async () => structuredClone(current),
        write: async (next) => {
          sent.push(structuredClone(next));
          write(next, sent.length);
        },
        pause: async () => undefined,
        hint: '',
      });
    },
  };
}

describe('a write that failed without a real answer', () => {
  it('throttled (nothing written), another writer meanwhile: written again from a fresh read, theirs kept', async () => {
    const r = resource({ items: ['a'], name: 'n' });
    const out = await r.update('ours', (next, n) => {
      if (n === 1) {
        r.set({ ...r.get(), items: [...r.get().items, 'theirs'] });
        throw throttled();
      }
      r.set(next);
    });
    expect(r.sent.map((s) => s.items)).toEqual([
      ['a', 'ours'],
      ['a', 'theirs', 'ours'],
    ]);
    expect(r.get().items).toEqual(['a', 'theirs', 'ours']);
    expect(out.writes).toBe(1);
  });

  it('landed with its answer lost, then a stale writer dropped ours: merged and written again, nothing lost', async () => {
    const r = resource({ items: ['a'], name: 'n' });
    await r.update('ours', (next, n) => {
      r.set(next);
      if (n === 1) {
        r.set({ ...r.get(), items: ['a', 'theirs'] });
        throw reset();
      }
    });
    expect(r.sent.map((s) => s.items)).toEqual([
      ['a', 'ours'],
      ['a', 'theirs', 'ours'],
    ]);
    expect(r.get().items).toEqual(['a', 'theirs', 'ours']);
  });

  it('landed with its answer lost and nothing else changed: not sent again, and counted as written', async () => {
    const r = resource({ items: ['a'], name: 'n' });
    const out = await r.update('ours', (next) => {
      r.set(next);
      throw reset();
    });
    expect(r.sent).toHaveLength(1);
    expect(out).toMatchObject({ writes: 1, after: { items: ['a', 'ours'] } });
  });

  it('a real answer (validation) ends the loop at once with that error', async () => {
    const r = resource({ items: ['a'], name: 'n' });
    await expect(
      r.update('ours', () => {
        throw err('InvalidParameterException', { $metadata: { httpStatusCode: 400 } });
      }),
    ).rejects.toThrow('InvalidParameterException');
    expect(r.sent).toHaveLength(1);
  });

  it(`gives up after ${TRANSIENT_WRITE_FAILURES} such failures, with the last one`, async () => {
    const r = resource({ items: ['a'], name: 'n' });
    await expect(
      r.update('ours', () => {
        throw throttled();
      }),
    ).rejects.toThrow('TooManyRequestsException');
    expect(r.sent).toHaveLength(TRANSIENT_WRITE_FAILURES + 1);
  });
});
