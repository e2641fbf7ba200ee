/**
 * Parsed and validated GraphQL documents by query text. Clients send the same few operations again and again
 * (every `sendMessage`, every `onMessage` subscription), and parsing plus validating one costs far more than
 * executing it against plain data, so the engine does both once per distinct text.
 */
import { parse, print, validate, type DocumentNode, type GraphQLError, type GraphQLSchema } from 'graphql';

/** What the engine needs of a query text, computed once. */
export class PreparedDocument {
  private printedText: string | undefined;

  constructor(
    readonly document: DocumentNode,
    /** Empty when the document is valid against the schema. */
    readonly validationErrors: readonly GraphQLError[],
  ) {}

  /** The document printed canonically (subscriptions only): texts equal after formatting share projections. */
  get printed(): string {
    return (this.printedText ??= print(this.document));
  }
}

/** How many distinct query texts are kept; the least recently used goes first. */
const DEFAULT_CAPACITY = 1000;
/** Longer texts are prepared every time rather than kept: a few huge queries must not pin much memory. */
const MAX_CACHED_QUERY_LENGTH = 64 * 1024;

/**
 * A bounded, least-recently-used cache of prepared documents for one schema. Texts that do not parse are not
 * kept (`parse` throws its `GraphQLError` to the caller each time).
 *
 * @example
 * ```ts
 * const documents = new DocumentCache(schema);
 * const { document, validationErrors } = documents.prepare('{ myRooms { items { id } } }');
 * ```
 */
export class DocumentCache {
  private readonly entries = new Map<string, PreparedDocument>();

  constructor(
    private readonly schema: GraphQLSchema,
    private readonly capacity = DEFAULT_CAPACITY,
  ) {}

  /** The parsed, validated document of `query`; throws graphql-js's syntax error when it does not parse. */
  prepare(query: string): PreparedDocument {
    const cached = this.entries.get(query);
    if (cached) {
      // Re-inserted so that Map order is least recently used first.
      this.entries.delete(query);
      this.entries.set(query, cached);
      return cached;
    }
    const document = parse(query);
    const prepared = new PreparedDocument(document, validate(this.schema, document));
    if (query.length <= MAX_CACHED_QUERY_LENGTH) {
      this.entries.set(query, prepared);
      if (this.entries.size > this.capacity) this.entries.delete(this.entries.keys().next().value as string);
    }
    return prepared;
  }

  /** Documents currently kept. */
  get size(): number {
    return this.entries.size;
  }
}
