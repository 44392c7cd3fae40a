/**
 * `status` through the built binary on the emulator front. After `init` on an existing gateway it
 * names the pool, the clients and the gateway, and a client deleted behind its back is flagged
 * (exit 1): init.test.ts's first test, which runs status on the setup its init made (one seed and
 * one init for both).
 */
import { describe, expect, it } from 'vitest';
import { useEmulator } from './moto';
import { runCli } from './run-cli';

const emu = useEmulator();

describe('status (emulator front)', () => {
  it('an empty state file: exit 2, no AWS request', async () => {
    const r = await runCli(['status'], { endpoint: emu.endpoint() });
    expect(r.code).toBe(2);
    expect(r.stderr).toContain('records nothing');
    expect(r.requests).toHaveLength(0);
  });
});
