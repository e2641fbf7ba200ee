/** The start-up progress display: redrawn in place with a spinner on a terminal, plain lines elsewhere. */
import { PassThrough } from 'node:stream';
import { describe, expect, it } from 'vitest';
import { createProgressDisplay } from '../../local/logging/index.js';

function capture(isTTY: boolean) {
  const stream = Object.assign(new PassThrough(), { isTTY });
  let text = '';
  stream.on('data', (chunk: Buffer) => (text += chunk.toString()));
  return { stream, text: () => text };
}

describe('progress display', () => {
  it('on a terminal, spins with the elapsed time while steps overlap, then leaves one line per finished step', async () => {
    const out = capture(true);
    const progress = createProgressDisplay({ stream: out.stream, colour: false });
    let finishSlow!: () => void;
    const slow = progress.step('Starting the slow part', () => new Promise<void>((resolve) => (finishSlow = resolve)));
    await progress.step('Starting the quick part', async () => undefined);
    // Redrawn in place: cursor up over both running steps, clear below, the finished step's line, then the step
    // still running with a spinner and its elapsed time.
    expect(out.text()).toMatch(/\x1b\[2A\r\x1b\[0J✔ Starting the quick part \(0\.\d s\)\n[⠋⠙⠹⠸⠼⠴⠦⠧⠇⠏] Starting the slow part… 0\.\d s\n/);
    finishSlow();
    await slow;
    await expect(progress.step('Failing', async () => Promise.reject(new Error('no')))).rejects.toThrow('no');
    progress.close();
    expect(out.text()).toMatch(/✔ Starting the slow part \(\d+\.\d s\)\n/);
    expect(out.text()).toContain('✖ Failing failed (0.0 s)');
  });

  it('elsewhere, prints a plain line when a step starts and one when it ends, without control characters', async () => {
    const out = capture(false);
    const progress = createProgressDisplay({ stream: out.stream });
    await progress.step('Starting cognito-local', async () => undefined);
    expect(out.text()).toMatch(/^… Starting cognito-local\n✔ Starting cognito-local \(0\.\d s\)\n$/);
  });
});
