/**
 * Prints one plain closing line, `N passed, N failed, N skipped`, after vitest's own summary, so any CI that
 * reads closing lines can count the tests.
 */
import type { Reporter, TestModule } from 'vitest/node';

export default class SummaryReporter implements Reporter {
  onTestRunEnd(testModules: readonly TestModule[]): void {
    const counts = { passed: 0, failed: 0, skipped: 0 };
    for (const module of testModules) {
      let failed = 0;
      for (const test of module.children.allTests()) {
        const state = test.result().state;
        if (state === 'passed') counts.passed += 1;
        else if (state === 'failed') failed += 1;
        else counts.skipped += 1;
      }
      // A file whose setup failed has no failed test of its own but must not look green.
      counts.failed += module.state() === 'failed' ? Math.max(failed, 1) : failed;
    }
    process.stdout.write(`\n${counts.passed} passed, ${counts.failed} failed, ${counts.skipped} skipped\n`);
  }
}
