/**
 * The terminal: questions (the password unechoed), a `> ` prompt for chat lines, and output printed above the
 * prompt without disturbing what the user is typing. One node:readline interface does all of it.
 */
import { clearLine, createInterface, cursorTo, moveCursor, type Interface } from 'node:readline';
import { Writable } from 'node:stream';

/** Stands in for stdout so that readline's echo can be switched off while a password is typed. */
class MutableOutput extends Writable {
  muted = false;

  constructor(private readonly target: NodeJS.WriteStream) {
    super();
  }

  /** readline wraps lines at the terminal's width. */
  get columns(): number {
    return this.target.columns;
  }

  override _write(chunk: Buffer, encoding: BufferEncoding, done: () => void): void {
    if (!this.muted) this.target.write(chunk, encoding);
    done();
  }
}

export class Terminal {
  readonly #output: MutableOutput;
  readonly #readline: Interface;
  readonly #interactive: boolean;
  /** Resolves when the input ends or the terminal is closed. */
  readonly #ended: Promise<void>;
  #closed = false;
  #prompting = false;
  #onLine: ((line: string) => void) | null = null;
  /** Lines entered before {@link readLines} (piped input arrives all at once, during sign-in). */
  readonly #early: string[] = [];

  constructor(input: NodeJS.ReadStream = process.stdin, private readonly stdout: NodeJS.WriteStream = process.stdout) {
    this.#interactive = input.isTTY === true && stdout.isTTY === true;
    this.#output = new MutableOutput(stdout);
    this.#readline = createInterface({ input, output: this.#output, terminal: this.#interactive });
    this.#ended = new Promise((resolve) =>
      this.#readline.once('close', () => {
        this.#closed = true;
        resolve();
      }),
    );
    this.#readline.on('line', (line) => (this.#onLine === null ? this.#early.push(line) : this.#handle(line)));
    // Ctrl-C leaves the chat like /quit; at a sign-in question there is nothing to wind down.
    this.#readline.on('SIGINT', () => (this.#prompting ? this.close() : process.exit(130)));
  }

  /** Asks and resolves with the answer; `hidden` does not echo it (on a terminal). */
  ask(question: string, { hidden = false }: { hidden?: boolean } = {}): Promise<string> {
    return new Promise((resolve) => {
      this.#readline.question(question, (answer) => {
        if (hidden) {
          this.#output.muted = false;
          // readline's own newline went to the muted output.
          if (this.#interactive) this.stdout.write('\n');
        }
        resolve(answer);
      });
      // Muted once the question is written: what readline echoes from now on is the answer.
      this.#output.muted = hidden;
    });
  }

  /** Prints a line above the prompt, then redraws the prompt with the user's unfinished input. */
  print(line: string): void {
    if (!this.#prompting || !this.#interactive) {
      this.stdout.write(`${line}\n`);
      return;
    }
    clearLine(this.stdout, 0);
    cursorTo(this.stdout, 0);
    this.stdout.write(`${line}\n`);
    this.#readline.prompt(true);
  }

  /**
   * Shows the `> ` prompt and calls `onLine` with each line entered, until {@link close}, Ctrl-C or the end of the
   * input; resolves then.
   */
  readLines(onLine: (line: string) => void): Promise<void> {
    this.#prompting = !this.#closed;
    this.#onLine = onLine;
    if (this.#prompting) {
      this.#readline.setPrompt('> ');
      this.#readline.prompt();
    }
    for (const line of this.#early.splice(0)) this.#handle(line);
    return this.#ended;
  }

  close(): void {
    this.#prompting = false;
    if (!this.#closed) this.#readline.close();
  }

  /** An entered line is wiped from the screen: it comes back as a chat message once the server has it. */
  #handle(line: string): void {
    if (this.#interactive) {
      moveCursor(this.stdout, 0, -1);
      clearLine(this.stdout, 0);
    }
    this.#onLine?.(line);
    if (this.#prompting) this.#readline.prompt();
  }
}
