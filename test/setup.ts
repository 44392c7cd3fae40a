// Loaded by vitest before every test file (vitest.config.ts → setupFiles).
import { afterAll } from 'vitest';
import { CognitoIdentityProviderClient } from '@aws-sdk/client-cognito-identity-provider';
import { BedrockAgentCoreControlClient } from '@aws-sdk/client-bedrock-agentcore-control';
import { LambdaClient } from '@aws-sdk/client-lambda';
import { SSMClient } from '@aws-sdk/client-ssm';
import { IAMClient } from '@aws-sdk/client-iam';

// Registers the aws-sdk-client-mock matchers (toHaveReceivedCommandWith, …) on vitest's
// expect, and their types on vitest's Matchers (aws-sdk-client-mock-vitest v7, vitest 4).
import 'aws-sdk-client-mock-vitest/extend';

// The AWS SDK warns on Node < 22; irrelevant in tests.
process.env.AWS_SDK_JS_NODE_VERSION_SUPPORT_WARNING_DISABLED = 'true';

// Test files share one module graph per worker (isolate: false in vitest.config.ts, so the SDK
// is loaded once per worker, not once per file). aws-sdk-client-mock's mockClient(Client) stubs
// Client.prototype.send: undo it when the file that did it ends, so the next file meets the real
// client.
afterAll(() => {
  for (const client of [CognitoIdentityProviderClient, BedrockAgentCoreControlClient, LambdaClient, SSMClient, IAMClient]) {
    const send = client.prototype.send as { restore?: () => void };
    send.restore?.();
  }
});

// Update locks (src/lib/resource-lock.ts) of this test process apart from other processes' (unit
// tests use fixed resource IDs). The CLI's child processes in e2e tests share the system's.
import { mkdtempSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
process.env.MCP_COGNITO_LOCK_DIR ??= mkdtempSync(join(tmpdir(), 'mcp-cognito-test-locks-'));
