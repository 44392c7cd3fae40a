/**
 * Fault injection over every writing command (issue 10, item 6), in one matrix whose runs go at
 * once, each on a lane (an emulator front) of its own in front of this file's moto:
 *
 * - every kind × every write operation: `init --no-gateway` sends every Cognito Create of the tool
 *   (pool, domain, resource server, two clients, group, user, password, membership); init-pool
 *   adopting a pool adds a domain and a scope (UpdateResourceServer); add-callback
 *   (UpdateUserPoolClient); authorize-client (UpdateGateway). Four runs each (fault-kit.ts
 *   EVERY_KIND: the kinds rotate over the operations).
 * - lost answers (reset before and after the write) on every write of init-pool, create-client,
 *   create-user and init with a gateway.
 * - faults stuck on one operation: the command fails with one clear error, a clean re-run finishes.
 *
 * After each run: one resource per name (every page read), other people's items kept, the end
 * state reached. Figures: test/faults-reporter.ts.
 */
import { describe, it } from 'vitest';
import { useEmulator } from './moto';
import { EVERY_KIND, expectClean, figuresOf, LOST_ANSWERS, matrix, record, sticky } from './fault-kit';
import { addCallback, authorizeClient, createClient, createUser, init, initCognito, initPoolNew, initPoolScope } from './fault-scenarios';

const emu = useEmulator();

describe('faults: every writing command', () => {
  it('every kind × every write operation survived or failed clearly and re-ran clean; no duplicate, nothing lost', async ({ task }) => {
    const out = await matrix(emu.motoEndpoint(), [
      [initCognito, [...EVERY_KIND, sticky('server-error', 'AdminCreateUser')]],
      [initPoolScope, EVERY_KIND],
      [addCallback, [...EVERY_KIND, sticky('throttle', 'UpdateUserPoolClient')]],
      [authorizeClient, [...EVERY_KIND, sticky('reset-after', 'UpdateGateway')]],
      [initPoolNew, [LOST_ANSWERS]],
      [createClient, [LOST_ANSWERS, sticky('delay', 'CreateUserPoolClient')]],
      [createUser, [LOST_ANSWERS]],
      [init, [LOST_ANSWERS]],
    ]);
    record(task, figuresOf(out));
    expectClean(out, [initCognito, initPoolScope, addCallback, authorizeClient] as never);
  }, 180_000);
});
