/**
 * The chat message the baselines publish: the fields and shape of the GraphQL `Message` (schema.graphql), so every
 * target sends subscribers frames of about the same size.
 */
import { randomUUID } from 'node:crypto';
import { readFileSync } from 'node:fs';

export interface BaselineMessage {
  readonly id: string;
  readonly roomId: string;
  readonly authorId: string;
  readonly body: string;
  readonly clientMessageId: string;
  readonly createdAt: string;
  readonly replyToId: null;
  readonly threadId: null;
  readonly editedAt: null;
  readonly deletedAt: null;
  readonly deletedBy: null;
  readonly reactions: readonly { emoji: string; count: number }[];
  readonly replyCount: number;
  readonly version: number;
  readonly cursor: string;
  readonly change: 'CREATED';
}

/** What a publisher sends: `POST` of `{roomId, body}` (bare) or the sendMessage mutation's input (graphql-ws). */
export interface PublishInput {
  readonly roomId: string;
  readonly body: string;
}

let sequence = 0;

export function baselineMessage(input: PublishInput, authorId: string): BaselineMessage {
  sequence += 1;
  const id = `${Date.now().toString(36).toUpperCase().padStart(10, '0')}${String(sequence).padStart(16, '0')}`;
  return {
    id,
    roomId: input.roomId,
    authorId,
    body: input.body,
    clientMessageId: randomUUID(),
    createdAt: new Date().toISOString(),
    replyToId: null,
    threadId: null,
    editedAt: null,
    deletedAt: null,
    deletedBy: null,
    reactions: [],
    replyCount: 0,
    version: 1,
    cursor: id,
    change: 'CREATED',
  };
}

/** The chat API's `Message` type and its enums, for the graphql-ws baseline's schema. */
export function messageTypeDefinitions(): string {
  const schema = readFileSync(new URL('../../schema.graphql', import.meta.url), 'utf8');
  const pick = (kind: string, name: string): string => {
    const match = new RegExp(`^${kind} ${name}\\b[^{]*\\{[^}]*\\}`, 'm').exec(schema);
    if (!match) throw new Error(`schema.graphql has no ${kind} ${name}`);
    // The AppSync directives and scalars mean nothing to graphql-js.
    return match[0].replace(/@aws_\w+/g, '').replace(/AWSDateTime/g, 'String');
  };
  return [pick('type', 'Message'), pick('type', 'ReactionCount'), pick('enum', 'MessageChange')].join('\n');
}

/** Reads a request body as JSON. */
export async function readJson(request: AsyncIterable<Buffer>): Promise<unknown> {
  const chunks: Buffer[] = [];
  for await (const chunk of request) chunks.push(chunk);
  return JSON.parse(Buffer.concat(chunks).toString('utf8'));
}
