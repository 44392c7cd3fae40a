/**
 * Intents of Creates in the state file (issue 17, point 1): a resource found by name while a Create
 * of ours for it is pending is recorded as created (teardown removes it), never as adopted.
 */
import { mkdtempSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { describe, expect, it } from 'vitest';
import { withIntent, stateIntents } from '../../src/lib/intents.js';
import { isAdopted, isCreated, withOrigin } from '../../src/lib/ownership.js';
import { StateStore, type State } from '../../src/lib/state.js';

const POOL = 'us-east-1_AbC123xyz';
const base: State = { version: 1, region: 'us-east-1', userPoolId: POOL };
const now = new Date();

describe('withOrigin with a pending intent', () => {
  it('a client found by name while our Create of that name is pending: recorded as created, the intent taken back', () => {
    const s = withIntent(base, { kind: 'clients', name: 'copilot-studio-mcp', in: POOL }, now);
    const next = withOrigin(s, 'adopted', 'clients', 'c1abc', 'copilot-studio-mcp');
    expect(isCreated(next, 'clients', 'c1abc')).toBe(true);
    expect(isAdopted(next, 'clients', 'c1abc')).toBe(false);
    expect(next.creating).toBeUndefined();
  });

  it('the pool (by name, in the Region), the domain and resource server (by identifier), a user by its e-mail address', () => {
    let s = withIntent(base, { kind: 'userPool', name: 'mcp-gateway', in: 'us-east-1' }, now);
    s = withIntent(s, { kind: 'domain', name: 'mcp-abc', in: POOL }, now);
    s = withIntent(s, { kind: 'resourceServer', name: 'mcp', in: POOL }, now);
    s = withIntent(s, { kind: 'users', name: 'me@example.com', in: POOL }, now);
    s = withOrigin(s, 'adopted', 'userPool', POOL, 'mcp-gateway');
    s = withOrigin(s, 'adopted', 'domain', 'mcp-abc');
    s = withOrigin(s, 'adopted', 'resourceServer', 'mcp');
    s = withOrigin(s, 'adopted', 'users', '0f1e-uuid', ['0f1e-uuid', 'me@example.com']);
    expect(s.created).toEqual({ userPool: POOL, domain: 'mcp-abc', resourceServer: 'mcp', users: ['0f1e-uuid'] });
    expect(s.adopted).toBeUndefined();
    expect(s.creating).toBeUndefined();
  });

  it('an intent in another pool, or of another name, does not make a found client ours', () => {
    let s = withIntent(base, { kind: 'clients', name: 'copilot-studio-mcp', in: 'us-east-1_Other1234' }, now);
    s = withIntent(s, { kind: 'clients', name: 'other-name', in: POOL }, now);
    const next = withOrigin(s, 'adopted', 'clients', 'c1abc', 'copilot-studio-mcp');
    expect(isAdopted(next, 'clients', 'c1abc')).toBe(true);
    expect(next.creating).toHaveLength(2);
  });
});

describe('stateIntents over the state file', () => {
  const store = () => new StateStore(join(mkdtempSync(join(tmpdir(), 'mcp-cognito-intents-')), 'mcp-cognito.json'));

  it('begin writes {kind, name, in, "creating", since} to the file; made keeps a recorded kind until the record, drops a façade piece', () => {
    const st = store();
    st.update({ region: 'us-east-1', userPoolId: POOL });
    const said: string[] = [];
    const log = stateIntents(st, (l) => said.push(l));
    const client = { kind: 'clients' as const, name: 'n', in: POOL };
    log.begin(client);
    const onDisk = new StateStore(st.path).get();
    expect(onDisk.creating).toEqual([{ kind: 'clients', name: 'n', in: POOL, status: 'creating', since: expect.stringMatching(/^\d{4}-\d\d-\d\dT/) }]);
    expect(log.pending(client)).toBeGreaterThan(Date.now() - 5000);
    log.made(client, { late: true, waitedMs: 2500 });
    expect(new StateStore(st.path).get().creating).toHaveLength(1);
    expect(said.join('\n')).toMatch(/creating the app client n was lost; the app client n it made was found after 3 s and is used \(recorded as created; no second one was made\)/);
    const role = { kind: 'role' as const, name: 'r' };
    log.begin(role);
    log.made(role);
    expect(new StateStore(st.path).get().creating?.map((i) => i.kind)).toEqual(['clients']);
    log.forget(client);
    expect(new StateStore(st.path).get().creating).toBeUndefined();
  });
});

describe('teardown without a re-run: what a killed run made and never recorded is found by its intent', () => {
  it('a client, a user (by e-mail) and a group of our pending Creates are recorded as created; a client of another name is not', async () => {
    const { withLandedCreates } = await import('../../src/workflows/teardown.js');
    let s = withIntent(base, { kind: 'clients', name: 'copilot-studio-mcp', in: POOL }, now);
    s = withIntent(s, { kind: 'users', name: 'me@example.com', in: POOL }, now);
    s = withIntent(s, { kind: 'groups', name: 'testers', in: POOL }, now);
    const next = withLandedCreates({
      state: s,
      region: 'us-east-1',
      gateways: [],
      pool: { id: POOL, deletionProtection: false },
      contents: { clients: [{ id: 'c1', name: 'copilot-studio-mcp' }, { id: 'c2', name: 'someone-else' }], users: [{ username: 'u-1', email: 'me@example.com' }], groups: ['testers'], resourceServers: [] },
    });
    expect(next.created).toEqual({ clients: ['c1'], users: ['u-1'], groups: ['testers'] });
    expect(next.creating).toBeUndefined();
  });
});
