/**
 * wavechat's typed SDK on aws-amplify v6: `createChat(amplifyOutputs)` configures Amplify and returns the chat API
 * by group (rooms, members, messages, reactions, read state, typing), typed from schema.graphql by codegen.
 * `messages.subscribe` survives reconnects: it catches up with `messagesSince` and delivers each state once, in order.
 */
import { Amplify, type ResourcesConfig } from 'aws-amplify';
import { CONNECTION_STATE_CHANGE, ConnectionState, generateClient } from 'aws-amplify/api';
import { getCurrentUser, signIn, signOut, type SignInOutput } from 'aws-amplify/auth';
import { Hub } from 'aws-amplify/utils';
import { getOperationAST, print, type DocumentNode } from 'graphql';
import type { TypedDocumentNode } from '@graphql-typed-document-node/core';
import { ChatApiError, ChatConfigurationError, type ChatApiErrorDetail } from './errors.js';
import { MessageFeed, type MessageStateKey } from './message-feed.js';
import {
  AddReactionDocument,
  ArchiveRoomDocument,
  BanMemberDocument,
  CreateRoomDocument,
  DeleteMessageDocument,
  EditMessageDocument,
  InviteMemberDocument,
  JoinRoomDocument,
  LeaveRoomDocument,
  MarkReadDocument,
  MembersDocument,
  MessageDocument,
  MessageReactionsDocument,
  MessagesDocument,
  MessagesSinceDocument,
  MuteMemberDocument,
  MyRoomsDocument,
  OnMessageDocument,
  OnMyRoomsDocument,
  OnRoomEventDocument,
  OnRoomUpdateDocument,
  OnTypingDocument,
  OpenDirectRoomDocument,
  PublicRoomsDocument,
  RemoveMemberDocument,
  RemoveReactionDocument,
  RoomDocument,
  SendMessageDocument,
  SendTypingDocument,
  SetMemberRoleDocument,
  ThreadDocument,
  UnarchiveRoomDocument,
  UnbanMemberDocument,
  UnmuteMemberDocument,
  UpdateRoomDocument,
  type CreateRoomInput,
  type EditMessageInput,
  type MemberRole,
  type MembershipFieldsFragment,
  type MessageFieldsFragment,
  type OnMyRoomsSubscription,
  type ReactionInput,
  type RoomFieldsFragment,
  type SendMessageInput,
  type TypingFieldsFragment,
  type UpdateRoomInput,
} from './generated/graphql.js';

export * from './generated/graphql.js';
export { ChatApiError, ChatConfigurationError, type ChatApiErrorDetail } from './errors.js';
export { CURSOR_ZERO, MessageFeed, type MessageStateKey } from './message-feed.js';

/** The parts of Amplify Gen 2's `amplify_outputs.json` the SDK reads; the local cloud adds `custom.wavechat`. */
export interface ChatOutputs {
  readonly data: { readonly url: string; readonly aws_region: string };
  readonly custom?: {
    readonly wavechat?: {
      /** Local cloud only: cognito-local's URL (sign-in then uses USER_PASSWORD_AUTH: it has no SRP). */
      readonly userPoolEndpoint?: string;
      /** Local cloud only: the CA that signed the local endpoint's certificate (trusted by Node's socket). */
      readonly caFile?: string;
    };
  };
}

export interface ChatOptions {
  /** Messages per `messagesSince` page when catching up. @default 100 */
  readonly catchUpPageSize?: number;
}

/** A page of a list and the token of the next one (null at the end). */
export interface Page<T> {
  readonly items: T[];
  readonly nextToken: string | null;
}

export interface PageRequest {
  readonly limit?: number;
  readonly nextToken?: string | null;
}

/** Stops a subscription. */
export interface ChatSubscription {
  unsubscribe(): void;
}

/** Where a subscription's failures go (it ends with the first one). @default ignored */
export type SubscriptionErrorHandler = (error: ChatApiError) => void;

export type ChatRoom = RoomFieldsFragment;
export type ChatMembership = MembershipFieldsFragment;
export type ChatMessage = MessageFieldsFragment;
export type ChatTypingEvent = TypingFieldsFragment;
/** A change to one of the caller's memberships; `room` is set on invitations and opened direct rooms. */
export type ChatMyMembershipEvent = NonNullable<OnMyRoomsSubscription['onMyRooms']>;

export interface MessageSubscribeOptions {
  /**
   * Message states the app already holds (the page it loaded, say): not delivered again, and catch-up starts from
   * their highest cursor. Absent: the room's newest messages at subscription time.
   */
  readonly known?: Iterable<MessageStateKey>;
  readonly onError?: SubscriptionErrorHandler;
}

interface GraphqlResponse {
  readonly data?: Record<string, unknown> | null;
  readonly errors?: readonly ChatApiErrorDetail[];
}

interface ResponseStream {
  subscribe(observer: { next(value: GraphqlResponse): void; error(error: unknown): void }): { unsubscribe(): void };
}

interface AmplifyGraphqlClient {
  graphql(options: { query: string; variables?: object }): Promise<GraphqlResponse> | ResponseStream;
}

const DEFAULT_CATCH_UP_PAGE_SIZE = 100;
/** A failed catch-up is retried after this, doubling up to {@link CATCH_UP_RETRY_MAX_MS}. */
const CATCH_UP_RETRY_FIRST_MS = 500;
const CATCH_UP_RETRY_MAX_MS = 15_000;
const SUBSCRIPTION_ACK = 'Subscription ack';
const SUBSCRIPTION_FAILED_PREFIX = 'Connection failed: ';

function isNode(): boolean {
  return typeof process !== 'undefined' && typeof process.versions?.node === 'string' && !('document' in globalThis);
}

function operationName(document: DocumentNode): string {
  return getOperationAST(document)?.name?.value ?? 'operation';
}

function isErrorDetail(value: unknown): value is ChatApiErrorDetail {
  return typeof value === 'object' && value !== null && typeof (value as ChatApiErrorDetail).message === 'string';
}

/**
 * The server's errors, where Amplify folded them into one message: it reports a refused subscription as
 * `Connection failed: ` followed by the server's `error` frame payload as JSON, errorType included.
 */
function serverErrors(errors: readonly ChatApiErrorDetail[]): ChatApiErrorDetail[] {
  return errors.flatMap((error) => {
    if (!error.message.startsWith(SUBSCRIPTION_FAILED_PREFIX)) return [error];
    try {
      const payload = JSON.parse(error.message.slice(SUBSCRIPTION_FAILED_PREFIX.length)) as { errors?: unknown };
      if (Array.isArray(payload.errors) && payload.errors.length > 0 && payload.errors.every(isErrorDetail)) {
        return payload.errors;
      }
    } catch {
      // Not a server payload (a socket failure, say): Amplify's message is all there is.
    }
    return [error];
  });
}

/** Amplify rejects with the GraphQL response (or an Error); either becomes a ChatApiError. */
function toChatApiError(operation: string, failure: unknown): ChatApiError {
  if (failure instanceof ChatApiError) return failure;
  const errors = (failure as GraphqlResponse | undefined)?.errors;
  if (Array.isArray(errors) && errors.length > 0 && errors.every(isErrorDetail)) {
    return new ChatApiError(operation, serverErrors(errors), { cause: failure });
  }
  const message = failure instanceof Error ? failure.message : String(failure);
  return new ChatApiError(operation, [{ message }], { cause: failure });
}

/** Configures the process's Amplify from the outputs, with the local cloud's extras when present. */
function configureAmplify(outputs: ChatOutputs): void {
  if (!outputs.data?.url) throw new ChatConfigurationError('amplify_outputs.json has no data.url: no GraphQL API.');
  Amplify.configure(outputs as unknown as Parameters<typeof Amplify.configure>[0]);
  const userPoolEndpoint = outputs.custom?.wavechat?.userPoolEndpoint;
  if (userPoolEndpoint === undefined) return;
  const config = Amplify.getConfig();
  const cognito = config.Auth?.Cognito;
  if (cognito === undefined) throw new ChatConfigurationError('amplify_outputs.json has no auth section.');
  // amplify_outputs.json has no key for a custom user-pool endpoint: the local one travels under custom.wavechat.
  Amplify.configure({ ...config, Auth: { ...config.Auth, Cognito: { ...cognito, userPoolEndpoint } } } as ResourcesConfig);
}

/**
 * Configures aws-amplify from `amplify_outputs.json` (AWS or the local cloud) and returns the typed chat API.
 * In Node it also provides the global `WebSocket` Amplify's subscriptions need (trusting `custom.wavechat.caFile`).
 * Amplify is one per JavaScript realm, so one chat (one signed-in user) per realm.
 *
 * @example
 * const chat = await createChat(outputs);
 * await chat.auth.signIn('ana@example.com', 'Passw0rd!');
 * const room = await chat.rooms.create({ name: 'general', visibility: 'PUBLIC' });
 * const live = await chat.messages.subscribe(room.id, (message) => console.log(message.body));
 * await chat.messages.send({ roomId: room.id, body: 'hello' });
 */
export async function createChat(outputs: ChatOutputs, options: ChatOptions = {}) {
  if (isNode()) {
    const { provideNodeWebSocket } = await import('./node-websocket.js');
    await provideNodeWebSocket(outputs.custom?.wavechat?.caFile);
  }
  configureAmplify(outputs);
  const client = generateClient() as unknown as AmplifyGraphqlClient;
  const catchUpPageSize = options.catchUpPageSize ?? DEFAULT_CATCH_UP_PAGE_SIZE;
  const usesLocalUserPool = outputs.custom?.wavechat?.userPoolEndpoint !== undefined;

  /** Runs a query or mutation and returns its one root field. */
  async function request<R, V extends object, K extends keyof R>(
    document: TypedDocumentNode<R, V>,
    variables: V,
    field: K,
  ): Promise<R[K]> {
    const operation = operationName(document);
    let response: GraphqlResponse;
    try {
      response = await (client.graphql({ query: print(document), variables }) as Promise<GraphqlResponse>);
    } catch (failure) {
      throw toChatApiError(operation, failure);
    }
    if (response.errors?.length) throw new ChatApiError(operation, response.errors);
    return (response.data as R)[field];
  }

  /**
   * Subscribes to one root field and resolves once the server acknowledged the subscription; `onAck` runs on that
   * acknowledgement and on every later one (Amplify re-subscribes after a reconnect). Null events are skipped.
   */
  async function listen<R, V extends object, K extends keyof R & string>(
    document: TypedDocumentNode<R, V>,
    variables: V,
    field: K,
    handler: (value: NonNullable<R[K]>) => void,
    onError: SubscriptionErrorHandler = () => {},
    onAck: () => void = () => {},
  ): Promise<ChatSubscription> {
    const operation = operationName(document);
    const variablesJson = JSON.stringify(variables);
    let acknowledged: () => void = () => {};
    let failed: (error: ChatApiError) => void = () => {};
    const ready = new Promise<void>((resolve, reject) => {
      acknowledged = resolve;
      failed = reject;
    });
    // Amplify reports acknowledgements on the Hub only, naming the query and variables it subscribed with.
    const stopListening = Hub.listen('api', ({ payload }) => {
      if (payload.event !== SUBSCRIPTION_ACK) return;
      const { query, variables: acked } = payload.data as { query?: string; variables?: object };
      if (!query?.includes(`${field}(`) && !query?.includes(`${field} {`)) return;
      if (JSON.stringify(acked ?? {}) !== variablesJson) return;
      onAck();
      acknowledged();
    });
    const stream = client.graphql({ query: print(document), variables }) as ResponseStream;
    const subscription = stream.subscribe({
      next: (response) => {
        const value = (response.data as R | null | undefined)?.[field];
        if (value !== null && value !== undefined) handler(value);
      },
      error: (failure) => {
        const error = toChatApiError(operation, failure);
        failed(error);
        onError(error);
      },
    });
    const unsubscribe = () => {
      stopListening();
      subscription.unsubscribe();
    };
    try {
      await ready;
    } catch (error) {
      unsubscribe();
      throw error;
    }
    return { unsubscribe };
  }

  const page = (request: PageRequest = {}) => ({ limit: request.limit, nextToken: request.nextToken });

  /**
   * Subscribes to a room's message states and, after every reconnect, reads what was missed with messagesSince:
   * each state reaches `handler` once, newer than the previous state of its message, in change order.
   * Resolves once the server acknowledged the subscription.
   */
  async function subscribeToMessages(
    roomId: string,
    handler: (message: ChatMessage) => void,
    subscribeOptions: MessageSubscribeOptions = {},
  ): Promise<ChatSubscription> {
    const onError = subscribeOptions.onError ?? (() => {});
    const known =
      subscribeOptions.known ?? (await request(MessagesDocument, { roomId, limit: catchUpPageSize }, 'messages')).items;
    const feed = new MessageFeed(known);
    const deliver = (message: ChatMessage) => {
      if (feed.accept(message)) handler(message);
    };
    // Live events that arrive while a catch-up runs wait for it, so what was missed comes first and the feed's
    // cursor never moves past a message not yet read.
    let held: ChatMessage[] | null = null;
    const receive = (message: ChatMessage) => {
      if (held === null) deliver(message);
      else held.push(message);
    };

    let catchingUp: Promise<void> | undefined;
    let catchUpAgain = false;
    let retry: { timer: ReturnType<typeof setTimeout> | undefined; failures: number } = { timer: undefined, failures: 0 };
    const readMissed = async () => {
      const after = feed.cursor;
      let nextToken: string | null = null;
      do {
        const missed: Page<ChatMessage> = await request(
          MessagesSinceDocument,
          { roomId, after, limit: catchUpPageSize, nextToken },
          'messagesSince',
        );
        missed.items.forEach(deliver);
        nextToken = missed.nextToken;
      } while (nextToken !== null);
    };
    // One read at a time; a reconnect during a read asks for one more, from the cursor the read reached. A failed read
    // is retried with backoff, holding live events meanwhile: releasing them would leave a gap behind the cursor.
    const catchUp = () => {
      if (catchingUp !== undefined) {
        catchUpAgain = true;
        return;
      }
      clearTimeout(retry.timer);
      held ??= [];
      catchingUp = readMissed()
        .then(
          () => {
            retry = { timer: undefined, failures: 0 };
          },
          (failure: unknown) => {
            onError(toChatApiError('MessagesSince', failure));
            const delay = Math.min(CATCH_UP_RETRY_MAX_MS, CATCH_UP_RETRY_FIRST_MS * 2 ** retry.failures);
            retry = { timer: setTimeout(catchUp, delay), failures: retry.failures + 1 };
          },
        )
        .finally(() => {
          catchingUp = undefined;
          if (catchUpAgain) {
            catchUpAgain = false;
            catchUp();
          } else if (retry.failures === 0) {
            const pending = held ?? [];
            held = null;
            pending.forEach(deliver);
          }
        });
    };

    let wasConnected = true;
    const stopWatchingConnection = Hub.listen('api', ({ payload }) => {
      if (payload.event !== CONNECTION_STATE_CHANGE) return;
      const { connectionState } = payload.data as { connectionState: ConnectionState };
      const connected = connectionState === ConnectionState.Connected;
      if (connected && !wasConnected) catchUp();
      wasConnected = connected;
    });
    try {
      // The first acknowledgement closes the window between reading `known` and subscribing; later ones follow a
      // reconnect that this subscription (not necessarily the first on the socket) has now rejoined.
      const subscription = await listen(OnMessageDocument, { roomId }, 'onMessage', receive, onError, catchUp);
      return {
        unsubscribe() {
          stopWatchingConnection();
          clearTimeout(retry.timer);
          subscription.unsubscribe();
        },
      };
    } catch (error) {
      stopWatchingConnection();
      throw error;
    }
  }

  return {
    auth: {
      /**
       * Signs in with Cognito: USER_PASSWORD_AUTH against the local cloud (cognito-local has no SRP), Amplify's
       * default (SRP) on AWS.
       */
      signIn: (username: string, password: string): Promise<SignInOutput> =>
        signIn({ username, password, options: usesLocalUserPool ? { authFlowType: 'USER_PASSWORD_AUTH' } : {} }),
      signOut: (): Promise<void> => signOut(),
      /** The signed-in user's id (Cognito sub): the id the API uses for authors, members and typing. */
      currentUserId: async (): Promise<string> => (await getCurrentUser()).userId,
    },
    rooms: {
      get: (id: string) => request(RoomDocument, { id }, 'room'),
      mine: (pageRequest?: PageRequest) => request(MyRoomsDocument, page(pageRequest), 'myRooms'),
      listPublic: (pageRequest?: PageRequest) => request(PublicRoomsDocument, page(pageRequest), 'publicRooms'),
      create: (input: CreateRoomInput) => request(CreateRoomDocument, { input }, 'createRoom'),
      update: (input: UpdateRoomInput) => request(UpdateRoomDocument, { input }, 'updateRoom'),
      archive: (roomId: string) => request(ArchiveRoomDocument, { roomId }, 'archiveRoom'),
      unarchive: (roomId: string) => request(UnarchiveRoomDocument, { roomId }, 'unarchiveRoom'),
      openDirect: (userId: string) => request(OpenDirectRoomDocument, { userId }, 'openDirectRoom'),
      onUpdate: (roomId: string, handler: (room: ChatRoom) => void, onError?: SubscriptionErrorHandler) =>
        listen(OnRoomUpdateDocument, { roomId }, 'onRoomUpdate', handler, onError),
    },
    members: {
      list: (roomId: string, pageRequest?: PageRequest) =>
        request(MembersDocument, { roomId, ...page(pageRequest) }, 'members'),
      join: (roomId: string) => request(JoinRoomDocument, { roomId }, 'joinRoom'),
      leave: (roomId: string) => request(LeaveRoomDocument, { roomId }, 'leaveRoom'),
      invite: (roomId: string, userId: string) => request(InviteMemberDocument, { roomId, userId }, 'inviteMember'),
      remove: (roomId: string, userId: string) => request(RemoveMemberDocument, { roomId, userId }, 'removeMember'),
      setRole: (roomId: string, userId: string, role: MemberRole) =>
        request(SetMemberRoleDocument, { roomId, userId, role }, 'setMemberRole'),
      mute: (roomId: string, userId: string) => request(MuteMemberDocument, { roomId, userId }, 'muteMember'),
      unmute: (roomId: string, userId: string) => request(UnmuteMemberDocument, { roomId, userId }, 'unmuteMember'),
      ban: (roomId: string, userId: string) => request(BanMemberDocument, { roomId, userId }, 'banMember'),
      unban: (roomId: string, userId: string) => request(UnbanMemberDocument, { roomId, userId }, 'unbanMember'),
      /** A room's membership changes. */
      onEvent: (roomId: string, handler: (membership: ChatMembership) => void, onError?: SubscriptionErrorHandler) =>
        listen(OnRoomEventDocument, { roomId }, 'onRoomEvent', handler, onError),
      /** The caller's own memberships as others (or the caller's other devices) change them. */
      onMine: (handler: (membership: ChatMyMembershipEvent) => void, onError?: SubscriptionErrorHandler) =>
        listen(OnMyRoomsDocument, {}, 'onMyRooms', handler, onError),
    },
    messages: {
      /** Newest first. */
      list: (roomId: string, pageRequest?: PageRequest) =>
        request(MessagesDocument, { roomId, ...page(pageRequest) }, 'messages'),
      get: (roomId: string, messageId: string) => request(MessageDocument, { roomId, messageId }, 'message'),
      /** The replies of a message's thread, oldest first. */
      thread: (roomId: string, messageId: string, pageRequest?: PageRequest) =>
        request(ThreadDocument, { roomId, messageId, ...page(pageRequest) }, 'thread'),
      /** States changed after `after` (a Message.cursor), in change order; may repeat: keep the higher version. */
      since: (roomId: string, after: string, pageRequest?: PageRequest) =>
        request(MessagesSinceDocument, { roomId, after, ...page(pageRequest) }, 'messagesSince'),
      send: (input: SendMessageInput) => request(SendMessageDocument, { input }, 'sendMessage'),
      edit: (input: EditMessageInput) => request(EditMessageDocument, { input }, 'editMessage'),
      delete: (roomId: string, messageId: string) =>
        request(DeleteMessageDocument, { roomId, messageId }, 'deleteMessage'),
      subscribe: subscribeToMessages,
    },
    reactions: {
      list: (roomId: string, messageId: string, pageRequest?: PageRequest) =>
        request(MessageReactionsDocument, { roomId, messageId, ...page(pageRequest) }, 'messageReactions'),
      add: (input: ReactionInput) => request(AddReactionDocument, { input }, 'addReaction'),
      remove: (input: ReactionInput) => request(RemoveReactionDocument, { input }, 'removeReaction'),
    },
    readState: {
      /** Moves the caller's read marker forward to a message; returns the membership with its unreadCount. */
      markRead: (roomId: string, messageId: string) => request(MarkReadDocument, { roomId, messageId }, 'markRead'),
    },
    typing: {
      send: (roomId: string, typing = true) => request(SendTypingDocument, { roomId, typing }, 'sendTyping'),
      /** Others' typing in a room (never the caller's own). */
      subscribe: (roomId: string, handler: (event: ChatTypingEvent) => void, onError?: SubscriptionErrorHandler) =>
        listen(OnTypingDocument, { roomId }, 'onTyping', handler, onError),
    },
  };
}

/** The chat API {@link createChat} returns. */
export type Chat = Awaited<ReturnType<typeof createChat>>;
