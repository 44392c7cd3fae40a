// Loaded by vitest before every test file (vitest.config.ts → setupFiles).

// Registers the aws-sdk-client-mock matchers (toHaveReceivedCommandWith, …) on vitest's
// expect, and their types on vitest's Matchers (aws-sdk-client-mock-vitest v7, vitest 4).
import 'aws-sdk-client-mock-vitest/extend';

// The AWS SDK warns on Node < 22; irrelevant in tests.
process.env.AWS_SDK_JS_NODE_VERSION_SUPPORT_WARNING_DISABLED = 'true';
