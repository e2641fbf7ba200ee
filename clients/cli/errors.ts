/** Errors the terminal client reports to its user (message only, exit status 1 or 2). */

/** The command line is wrong; the usage text follows the message. */
export class UsageError extends Error {
  override readonly name = 'UsageError';
}

/** amplify_outputs.json is missing, unreadable or lacks what the client needs. */
export class OutputsError extends Error {
  override readonly name = 'OutputsError';

  constructor(
    readonly file: string,
    problem: string,
  ) {
    super(`${file}: ${problem}`);
  }
}

/** Cognito refused the sign-in (wrong password, unknown user) or asked for a step this client does not do. */
export class SignInError extends Error {
  override readonly name = 'SignInError';
}
