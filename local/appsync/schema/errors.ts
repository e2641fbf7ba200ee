/** Errors thrown while loading an AppSync schema. */

/**
 * The schema cannot be used as an AppSync schema: a syntax or GraphQL validation error, a reserved or unsupported
 * type name, or an `@aws_subscribe` that names a missing or differently typed mutation. AppSync rejects such a schema
 * when it is saved.
 */
export class SchemaError extends Error {
  override readonly name = 'SchemaError';

  constructor(message: string, options?: { cause?: unknown }) {
    super(message, options);
  }
}
