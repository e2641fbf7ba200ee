/** Errors thrown while preparing certificates or opening the HTTP/HTTPS listener. */

/** The requested fixed port is already taken on this machine. */
export class PortInUseError extends Error {
  override readonly name = 'PortInUseError';

  constructor(
    readonly port: number,
    readonly host: string,
  ) {
    super(`Port ${port} on ${host} is already in use. Choose another port, or 0 for a free one.`);
  }
}

/** The certificate directory could not be created, locked or written. */
export class CertificateStoreError extends Error {
  override readonly name = 'CertificateStoreError';

  constructor(
    readonly dir: string,
    reason: string,
    options?: { cause?: unknown },
  ) {
    super(`Cannot prepare local certificates in ${dir}: ${reason}`, options);
  }
}
