/**
 * Start-up progress: one line per step. On a terminal each running step shows a spinner and its elapsed time,
 * redrawn in place, and becomes `✔ step (1.2 s)` when done; elsewhere (CI, pipes) each step prints a plain line
 * when it starts and one when it ends.
 */

/** What the local cloud reports its start-up steps to. */
export interface Progress {
  /** Runs `work` as a named step; steps may overlap. Resolves or rejects as `work` does. */
  step<T>(label: string, work: () => Promise<T>): Promise<T>;
}

/** Reports nothing: the default when nobody watches (tests, benchmarks). */
export const silentProgress: Progress = { step: (_label, work) => work() };

export interface ProgressDisplay extends Progress {
  /** Stops redrawing (steps still running are left as they are). */
  close(): void;
}

export interface ProgressDisplayOptions {
  /** @default process.stdout */
  readonly stream?: NodeJS.WritableStream & { readonly isTTY?: boolean };
  /** Redraw in place with a spinner. @default whether `stream` is a terminal */
  readonly interactive?: boolean;
  /** Colour the marks. @default `interactive` */
  readonly colour?: boolean;
}

const SPINNER = ['⠋', '⠙', '⠹', '⠸', '⠼', '⠴', '⠦', '⠧', '⠇', '⠏'];
const FRAME_MS = 80;
const CLEAR_BELOW = '\x1b[0J';
const cursorUp = (lines: number): string => (lines > 0 ? `\x1b[${lines}A` : '');

interface RunningStep {
  readonly label: string;
  readonly startedAt: number;
}

/**
 * @example
 * ```ts
 * const progress = createProgressDisplay();
 * const cloud = await startLocalCloud({ ...options, progress });
 * progress.close();
 * ```
 */
export function createProgressDisplay(options: ProgressDisplayOptions = {}): ProgressDisplay {
  const stream = options.stream ?? process.stdout;
  const interactive = options.interactive ?? stream.isTTY === true;
  const colour = options.colour ?? interactive;
  const paint = (code: number, text: string): string => (colour ? `\x1b[${code}m${text}\x1b[39m` : text);
  const done = (label: string, startedAt: number) => `${paint(32, '✔')} ${label} (${seconds(startedAt)})`;
  const failed = (label: string, startedAt: number) => `${paint(31, '✖')} ${label} failed (${seconds(startedAt)})`;

  if (!interactive) {
    return {
      async step(label, work) {
        const startedAt = performance.now();
        stream.write(`… ${label}\n`);
        try {
          const result = await work();
          stream.write(`${done(label, startedAt)}\n`);
          return result;
        } catch (error) {
          stream.write(`${failed(label, startedAt)}\n`);
          throw error;
        }
      },
      close: () => undefined,
    };
  }

  const running = new Set<RunningStep>();
  let drawnLines = 0;
  let frame = 0;
  let timer: NodeJS.Timeout | undefined;
  /** Finished lines are printed above the running ones, which are redrawn below them. */
  const draw = (finished: string[] = []): void => {
    const spinner = paint(36, SPINNER[frame % SPINNER.length] ?? '-');
    const lines = [...running].map((step) => `${spinner} ${step.label}… ${paint(90, seconds(step.startedAt))}`);
    const text = [...finished, ...lines].map((line) => `${line}\n`).join('');
    stream.write(`${cursorUp(drawnLines)}\r${CLEAR_BELOW}${text}`);
    drawnLines = lines.length;
  };
  const tick = (): void => {
    frame += 1;
    draw();
  };
  return {
    async step(label, work) {
      const step: RunningStep = { label, startedAt: performance.now() };
      running.add(step);
      timer ??= setInterval(tick, FRAME_MS).unref();
      draw();
      const finish = (line: string): void => {
        running.delete(step);
        if (running.size === 0) {
          clearInterval(timer);
          timer = undefined;
        }
        draw([line]);
      };
      try {
        const result = await work();
        finish(done(label, step.startedAt));
        return result;
      } catch (error) {
        finish(failed(label, step.startedAt));
        throw error;
      }
    },
    close() {
      clearInterval(timer);
      timer = undefined;
    },
  };
}

function seconds(startedAt: number): string {
  return `${((performance.now() - startedAt) / 1000).toFixed(1)} s`;
}
