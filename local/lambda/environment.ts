/**
 * Function environment variables for in-process invocations. All functions share `process.env`, so a variable is
 * set while at least one invocation that needs it runs, then restored; concurrent invocations must agree on it.
 */
import { LambdaEnvironmentConflictError } from './errors.js';

interface HeldVariable {
  readonly value: string;
  /** The value before the first holder set it (undefined: absent). */
  readonly previous: string | undefined;
  holders: number;
}

const heldVariables = new Map<string, HeldVariable>();

/**
 * Sets `env` in `process.env` for one invocation; call the returned function when it ends.
 * @throws {@link LambdaEnvironmentConflictError} when a running invocation holds a variable with another value
 */
export function holdEnvironment(env: Readonly<Record<string, string>>, functionName: string): () => void {
  const entries = Object.entries(env);
  for (const [name, value] of entries) {
    const held = heldVariables.get(name);
    if (held !== undefined && held.value !== value) throw new LambdaEnvironmentConflictError(name, functionName);
  }
  for (const [name, value] of entries) {
    const held = heldVariables.get(name);
    if (held === undefined) {
      heldVariables.set(name, { value, previous: process.env[name], holders: 1 });
      process.env[name] = value;
    } else {
      held.holders += 1;
    }
  }
  let released = false;
  return () => {
    if (released) return;
    released = true;
    for (const [name] of entries) {
      const held = heldVariables.get(name);
      if (held === undefined) continue;
      held.holders -= 1;
      if (held.holders > 0) continue;
      heldVariables.delete(name);
      if (held.previous === undefined) delete process.env[name];
      else process.env[name] = held.previous;
    }
  };
}
