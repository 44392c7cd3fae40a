/**
 * The local AWS emulator for end-to-end tests: every test file that calls `useMoto()` gets its
 * own moto server on 127.0.0.1 (scripts/moto.mjs), reset before each test.
 */
import { afterAll, beforeAll, beforeEach } from 'vitest';
import { CognitoIdentityProviderClient } from '@aws-sdk/client-cognito-identity-provider';
import { BedrockAgentCoreControlClient } from '@aws-sdk/client-bedrock-agentcore-control';
import { startMoto, type Moto } from '../../scripts/moto.mjs';

export { findMotoServer, freePort, repoRoot, startMoto, type Moto } from '../../scripts/moto.mjs';

// The SDK warns on Node < 22; irrelevant in tests.
process.env.AWS_SDK_JS_NODE_VERSION_SUPPORT_WARNING_DISABLED = 'true';

/**
 * For test files: one moto server per file (started in beforeAll, stopped in afterAll),
 * reset before each test. Call at the top level of the file (or of a describe block).
 */
export function useMoto(): { endpoint(): string } {
  let moto: Moto | undefined;
  beforeAll(async () => {
    moto = await startMoto();
  });
  afterAll(async () => {
    await moto?.stop();
    moto = undefined;
  });
  beforeEach(async () => {
    await moto?.reset();
  });
  return {
    endpoint() {
      if (!moto) throw new Error('moto is not running: call endpoint() inside a test or hook, after useMoto()’s beforeAll.');
      return moto.endpoint;
    },
  };
}

/** SDK clients pointed at moto, for tests to seed state and to read back what the CLI did. */
export function sdk(endpoint: string): { cognito: CognitoIdentityProviderClient; agentcore: BedrockAgentCoreControlClient } {
  const config = {
    region: 'us-east-1',
    endpoint,
    credentials: { accessKeyId: 'test', secretAccessKey: 'test' },
  };
  return {
    cognito: new CognitoIdentityProviderClient(config),
    agentcore: new BedrockAgentCoreControlClient(config),
  };
}
