/**
 * `npm run test:conformance`: only the conformance suite (test/conformance/), against the local cloud or — with
 * WAVECHAT_CONFORMANCE_OUTPUTS=path/to/amplify_outputs.json — a deployed stack (docs/conformance.md).
 */
import { defineConfig } from 'vitest/config';
import base from './vitest.config.js';

export default defineConfig({
  ...base,
  test: {
    ...base.test,
    include: ['test/conformance/**/*.test.ts'],
    // Over the internet, Lambda cold starts and AppSync's first keep-alive (about a minute) take longer than locally.
    testTimeout: 90_000,
    hookTimeout: 120_000,
  },
});
