/**
 * Errors thrown by the APPSYNC_JS runtime library when resolver code calls it with arguments it cannot handle
 * (an invalid regular expression, an unknown time zone, a malformed filter …). On AWS these surface as a runtime
 * error of the handler; the sandbox reports them the same way as any other exception thrown by resolver code.
 */
export class UtilArgumentError extends Error {
  override readonly name = 'UtilArgumentError';

  /**
   * @param functionName - the library function that was called, e.g. `util.time.nowFormatted`
   * @param problem - what is wrong with its arguments
   */
  constructor(readonly functionName: string, problem: string) {
    super(`${functionName}: ${problem}`);
  }
}
