/**
 * `npm run test:soak`: the long-running soak (test/soak/*.soak.ts), apart from `npm test`'s suite. Its size comes
 * from the environment (SOAK_MESSAGES, SOAK_SEED, …; see test/soak/scenario.ts).
 */
import { defineConfig } from 'vitest/config';
import base from './vitest.config.js';

export default defineConfig({
  ...base,
  test: {
    ...base.test,
    include: ['test/soak/**/*.soak.ts'],
    // The soak sets its own time limit from the number of messages.
    testTimeout: 60 * 60_000,
    hookTimeout: 120_000,
    // Figures are printed as the soak goes.
    disableConsoleIntercept: true,
  },
});
