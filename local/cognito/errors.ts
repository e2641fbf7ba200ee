/** Errors thrown while running and provisioning cognito-local. */

/** Another process already listens on the port cognito-local was asked to use. */
export class PortInUseError extends Error {
  override readonly name = 'PortInUseError';

  constructor(readonly port: number) {
    super(`Port ${port} on 127.0.0.1 is already in use; cognito-local cannot listen there.`);
  }
}

/** cognito-local exited, or did not answer /health, before it became ready. */
export class CognitoLocalStartError extends Error {
  override readonly name = 'CognitoLocalStartError';

  constructor(
    message: string,
    /** The last lines cognito-local printed. */
    readonly output: string,
  ) {
    super(output === '' ? message : `${message}\n${output}`);
  }
}

/** cognito-local answered a provisioning call without the data it should carry. */
export class CognitoProvisioningError extends Error {
  override readonly name = 'CognitoProvisioningError';
}
