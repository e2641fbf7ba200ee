import { defineConfig } from 'vitest/config';

export default defineConfig({
  test: {
    include: ['test/**/*.test.ts'],
    testTimeout: 30_000,
    hookTimeout: 60_000,
    // Each file starts the servers it needs; files run in parallel.
    pool: 'forks',
    // Two files at a time even on 2 cores (vitest's default is cores − 1): most of a file's time is spent waiting
    // for DynamoDB Local, cognito-local and sockets, which another file can use.
    maxWorkers: 2,
    // The AWS SDK's notice that Node 20 support ends in 2027: versions are pinned, so it says nothing actionable.
    env: { AWS_SDK_JS_NODE_VERSION_SUPPORT_WARNING_DISABLED: 'true' },
    reporters: ['default', './test/support/summary-reporter.ts'],
  },
});
