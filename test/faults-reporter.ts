import { mkdirSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import type { Reporter, TestModule } from 'vitest/node';
import { addFigures, noFigures, type Figures } from './e2e/fault-figures';

/**
 * The fault-injection suite's figures (issue 10, item 6): summed over every test that recorded
 * them (task.meta.faultFigures, see test/e2e/fault-kit.ts `record`), printed after the run and
 * written to `<tmpdir>/mcp-cognito-faults/figures.json`. Nothing is printed when no such test ran.
 */
export default class FaultsReporter implements Reporter {
  onTestRunEnd(modules: ReadonlyArray<TestModule>): void {
    const sum: Figures = noFigures();
    let tests = 0;
    for (const m of modules) {
      for (const t of m.children.allTests()) {
        const f = t.meta().faultFigures;
        if (!f) continue;
        tests++;
        addFigures(sum, f);
      }
    }
    if (!tests) return;
    // The system's temporary directory, not the run's (test/temp-setup.ts removes that one at the end): the figures outlive the run.
    const dir = join(process.env.MCP_COGNITO_SYSTEM_TMPDIR ?? tmpdir(), 'mcp-cognito-faults');
    mkdirSync(dir, { recursive: true });
    const file = join(dir, 'figures.json');
    writeFileSync(file, JSON.stringify({ at: new Date().toISOString(), tests, ...sum }, null, 2) + '\n');
    process.stdout.write(
      `\nFault injection: ${sum.faultsTried} faults tried; ${sum.survived} runs survived, ${sum.failedThenRerun} failed with one clear error and re-ran clean, ${sum.unclear} unclear; ` +
        `${sum.duplicates} duplicates, ${sum.itemsLost} items lost, ${sum.outages} outages (${sum.stoppedUnprovable} rotations stopped naming a secret they could not prove theirs); ${sum.writersBetween} other writers between read and write, ${sum.concurrentProcesses} concurrent processes; ` +
        `${sum.killsAfterWrite} runs killed right after a write landed, ${sum.orphansAfterTeardown} orphans after teardown; ` +
        `bad inputs ${sum.badInputsHandled}/${sum.badInputs} exit 2 with zero AWS requests (${file})\n`,
    );
  }
}
