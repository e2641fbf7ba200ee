import type { GraphqlErrorRecord } from '../runtime/types.js';

/** A field's error as AppSync reports it (`util.error`, auth denials, mapping failures). */
export class FieldError extends Error {
  constructor(readonly record: GraphqlErrorRecord) {
    super(record.message);
    this.name = 'FieldError';
  }
}

/** The API description does not match the schema or names something that does not exist. */
export class ApiDefinitionError extends Error {
  constructor(message: string) {
    super(message);
    this.name = 'ApiDefinitionError';
  }
}

/** AppSync's denial of a field to the caller. */
export function unauthorizedField(fieldName: string, parentTypeName: string): FieldError {
  return new FieldError({
    message: `Not Authorized to access ${fieldName} on type ${parentTypeName}`,
    errorType: 'Unauthorized',
    data: null,
    errorInfo: null,
  });
}
