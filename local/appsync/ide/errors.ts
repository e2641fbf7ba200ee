/** Errors of the GraphQL IDE. */

/** esbuild could not bundle the IDE's browser code. */
export class IdeBundleError extends Error {
  override readonly name = 'IdeBundleError';

  constructor(reason: string, options?: ErrorOptions) {
    super(`The GraphQL IDE could not be bundled: ${reason}`, options);
  }
}
