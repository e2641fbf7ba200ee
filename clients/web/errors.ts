/** Errors thrown while building and serving the web page. */

/** Vite could not build the page. */
export class WebPageBuildError extends Error {
  override readonly name = 'WebPageBuildError';

  constructor(message: string, options?: ErrorOptions) {
    super(`Building the web page failed: ${message}`, options);
  }
}

/** Another process already listens on the port the web page was asked to use. */
export class WebPagePortInUseError extends Error {
  override readonly name = 'WebPagePortInUseError';

  constructor(
    readonly port: number,
    readonly host: string,
  ) {
    super(`Port ${port} on ${host} is already in use; the web page cannot be served there. Choose another port.`);
  }
}
