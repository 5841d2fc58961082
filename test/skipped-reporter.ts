// A reporter that lists, after the run, every test that was skipped, by file
// and full name: the names say why (the tool or build they need), so that a
// test skipped for want of Go, Chromium, ../shared or a build is never
// skipped silently. Quiet under a name filter (-t), which skips the rest.
import type { Reporter, TestModule, Vitest } from 'vitest/node';

/** SkippedReporter prints the skipped tests at the end of a run (see above). */
export default class SkippedReporter implements Reporter {
  private filtered = false;

  onInit(ctx: Vitest): void {
    this.filtered = ctx.config.testNamePattern !== undefined;
  }

  onTestRunEnd(modules: ReadonlyArray<TestModule>): void {
    if (this.filtered) return;
    const lines: string[] = [];
    for (const m of modules) {
      for (const t of m.children.allTests('skipped')) {
        if (t.options.mode === 'todo') continue;
        lines.push(`  ${m.relativeModuleId} > ${t.fullName}`);
      }
    }
    if (lines.length === 0) return;
    process.stdout.write(`\nSkipped (${lines.length}), each saying why in its name:\n${lines.join('\n')}\n`);
  }
}
