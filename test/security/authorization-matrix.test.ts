/**
 * The authorisation matrix: every root field of schema.graphql (queries and mutations over HTTP, subscriptions over
 * the real-time endpoint) and every raw WebSocket route, against every kind of caller, each with the exact outcome
 * expected. The rows are checked against the schema itself, so a new operation without a row fails this file.
 *
 * Callers: token-level ones (none, garbage, expired, tampered, unsigned, another app client's, another pool's, a
 * forged IAM signature) must be refused before any resolver runs (HTTP 401 UnauthorizedException, real-time
 * connection_error, raw WebSocket handshake 401); role-level ones (non-member, member, muted, banned, admin, owner
 * of one private room) get data or the rule's errorType; the IAM backend (acting as the member) reaches only the
 * fields marked @aws_iam.
 */
import { readFileSync } from 'node:fs';
import path from 'node:path';
import { buildSchema, type GraphQLField, type GraphQLObjectType } from 'graphql';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import type { LocalCloud } from '../../local/cloud.js';
import { ROOT_DIR } from '../support/cloud.js';
import * as doc from '../support/chat-documents.js';
import {
  badTokens,
  forgedPrincipal,
  graphql,
  handshake,
  rawRequest,
  realtimeAuthorization,
  realtimeConnect,
  realtimeStart,
  signedInUser,
  startSecurityCloud,
  type Credentials,
  type FrameClient,
  type HttpAnswer,
} from './support.js';

const SCHEMA_SOURCE = readFileSync(path.join(ROOT_DIR, 'schema.graphql'), 'utf8');
const AWS_SCALARS = 'scalar AWSDateTime\ndirective @aws_cognito_user_pools on FIELD_DEFINITION | OBJECT\n' +
  'directive @aws_iam on FIELD_DEFINITION | OBJECT\ndirective @aws_subscribe(mutations: [String]) on FIELD_DEFINITION\n';
const schema = buildSchema(AWS_SCALARS + SCHEMA_SOURCE);

/** Root fields by operation type, from the schema. */
function rootFields(type: GraphQLObjectType | null | undefined): GraphQLField<unknown, unknown>[] {
  return type ? Object.values(type.getFields()) : [];
}
const QUERY_AND_MUTATION_FIELDS = [...rootFields(schema.getQueryType()), ...rootFields(schema.getMutationType())];
const SUBSCRIPTION_FIELDS = rootFields(schema.getSubscriptionType());
const hasIam = (field: GraphQLField<unknown, unknown>) => field.astNode?.directives?.some((d) => d.name.value === 'aws_iam') ?? false;

/** The fields backend IAM callers may reach, pinned: granting IAM to another field must be a deliberate change here. */
const IAM_FIELDS = [
  'room',
  'myRooms',
  'messages',
  'messagesSince',
  'ensurePublicRoom',
  'joinRoom',
  'leaveRoom',
  'sendMessage',
  'editMessage',
  'deleteMessage',
  'sendTyping',
];

/** Role callers: members of the matrix room in each state, and a user who is none. */
const ROLES = ['nonMember', 'member', 'muted', 'banned', 'admin', 'owner'] as const;
type Role = (typeof ROLES)[number];
/** Callers refused before any resolver runs. */
const TOKEN_CALLERS = ['anonymous', 'garbage', 'expired', 'tampered', 'unsigned', 'wrongClient', 'wrongPool', 'forgedIam'] as const;
type TokenCaller = (typeof TOKEN_CALLERS)[number];

/** `ok` (data), a GraphQL errorType, or an HTTP refusal. */
type Outcome = 'ok' | 'Unauthorized' | 'NotFound' | 'ValidationError' | 'Conflict' | 'HTTP 401 UnauthorizedException';
const HTTP_401 = 'HTTP 401 UnauthorizedException';

const MEMBERS_ONLY: Record<Role, Outcome> = {
  nonMember: 'Unauthorized',
  member: 'ok',
  muted: 'ok',
  banned: 'Unauthorized',
  admin: 'ok',
  owner: 'ok',
};
const UNMUTED_MEMBERS: Record<Role, Outcome> = { ...MEMBERS_ONLY, muted: 'Unauthorized' };
const EVERY_USER: Record<Role, Outcome> = { nonMember: 'ok', member: 'ok', muted: 'ok', banned: 'ok', admin: 'ok', owner: 'ok' };
const NO_USER: Record<Role, Outcome> = {
  nonMember: 'Unauthorized',
  member: 'Unauthorized',
  muted: 'Unauthorized',
  banned: 'Unauthorized',
  admin: 'Unauthorized',
  owner: 'Unauthorized',
};
const ADMINS: Record<Role, Outcome> = { ...NO_USER, admin: 'ok', owner: 'ok' };
const OWNER: Record<Role, Outcome> = { ...NO_USER, owner: 'ok' };

type SignedInUser = Awaited<ReturnType<typeof signedInUser>>;

interface Fixture {
  readonly cloud: LocalCloud;
  readonly roomId: string;
  /** A message of the member's in the room. */
  readonly messageId: string;
  readonly users: Record<Role | 'outsider' | 'victim' | 'mutedVictim' | 'bannedVictim' | 'peer', SignedInUser>;
  /** Runs an operation as the owner (fixture set-up and restoring); throws unless it succeeds. */
  asOwner(query: string, variables: Record<string, unknown>): Promise<Record<string, unknown>>;
  asUser(name: keyof Fixture['users'], query: string, variables: Record<string, unknown>): Promise<Record<string, unknown>>;
  /** Brings a user back to its fixture state in the room after it left or was removed or banned. */
  restoreMember(name: 'member' | 'muted' | 'admin' | 'victim'): Promise<void>;
}

/** One matrix row: a minimal valid request and the outcome per role; IAM (acting as the member) derives from it. */
interface Row {
  readonly field: string;
  readonly query: string;
  variables(f: Fixture): Record<string, unknown> | Promise<Record<string, unknown>>;
  readonly expected: Record<Role, Outcome>;
  /** IAM's outcome when it differs from the member's (fields without @aws_iam are Unauthorized regardless). */
  readonly iam?: Outcome;
  /** Puts the fixture back after a successful call by `who`. */
  restore?(f: Fixture, who: Role | 'iam'): Promise<void>;
}

const room = (f: Fixture) => ({ roomId: f.roomId });
const roomMessage = (f: Fixture) => ({ roomId: f.roomId, messageId: f.messageId });

const ROWS: readonly Row[] = [
  { field: 'room', query: doc.ROOM_QUERY, variables: (f) => ({ id: f.roomId }), expected: MEMBERS_ONLY },
  { field: 'myRooms', query: doc.MY_ROOMS, variables: () => ({}), expected: EVERY_USER },
  { field: 'publicRooms', query: doc.PUBLIC_ROOMS, variables: () => ({}), expected: EVERY_USER },
  { field: 'members', query: doc.MEMBERS, variables: room, expected: MEMBERS_ONLY },
  { field: 'messages', query: doc.MESSAGES, variables: room, expected: MEMBERS_ONLY },
  { field: 'message', query: doc.MESSAGE_QUERY, variables: roomMessage, expected: MEMBERS_ONLY },
  { field: 'thread', query: doc.THREAD, variables: roomMessage, expected: MEMBERS_ONLY },
  { field: 'messagesSince', query: doc.MESSAGES_SINCE, variables: (f) => ({ ...room(f), after: doc.CURSOR_ZERO }), expected: MEMBERS_ONLY },
  { field: 'messageReactions', query: doc.MESSAGE_REACTIONS, variables: roomMessage, expected: MEMBERS_ONLY },

  { field: 'createRoom', query: doc.CREATE_ROOM, variables: () => ({ input: { name: 'scratch', visibility: 'PRIVATE' } }), expected: EVERY_USER },
  { field: 'updateRoom', query: doc.UPDATE_ROOM, variables: (f) => ({ input: { roomId: f.roomId, topic: 'matrix' } }), expected: ADMINS },
  {
    field: 'archiveRoom',
    query: doc.ARCHIVE_ROOM,
    variables: room,
    expected: OWNER,
    restore: async (f) => void (await f.asOwner(doc.UNARCHIVE_ROOM, room(f))),
  },
  { field: 'unarchiveRoom', query: doc.UNARCHIVE_ROOM, variables: room, expected: OWNER },
  { field: 'openDirectRoom', query: doc.OPEN_DIRECT_ROOM, variables: (f) => ({ userId: f.users.peer.sub }), expected: EVERY_USER },
  {
    field: 'ensurePublicRoom',
    query: doc.ENSURE_PUBLIC_ROOM,
    variables: () => ({ id: 'matrix-lobby', name: 'Matrix lobby' }),
    expected: NO_USER,
    iam: 'ok',
  },
  { field: 'joinRoom', query: doc.JOIN_ROOM, variables: room, expected: MEMBERS_ONLY },
  {
    field: 'leaveRoom',
    query: doc.LEAVE_ROOM,
    variables: room,
    // Owners cannot leave (hand the room over first).
    expected: { ...MEMBERS_ONLY, nonMember: 'NotFound', owner: 'Conflict' },
    restore: async (f, who) => f.restoreMember(who === 'iam' ? 'member' : (who as 'member' | 'muted' | 'admin')),
  },
  {
    field: 'inviteMember',
    query: doc.INVITE_MEMBER,
    variables: (f) => ({ roomId: f.roomId, userId: f.users.outsider.sub }),
    expected: ADMINS,
  },
  {
    field: 'removeMember',
    query: doc.REMOVE_MEMBER,
    variables: (f) => ({ roomId: f.roomId, userId: f.users.victim.sub }),
    expected: ADMINS,
    restore: (f) => f.restoreMember('victim'),
  },
  {
    field: 'setMemberRole',
    query: doc.SET_MEMBER_ROLE,
    variables: (f) => ({ roomId: f.roomId, userId: f.users.victim.sub, role: 'ADMIN' }),
    expected: OWNER,
    restore: async (f) => void (await f.asOwner(doc.SET_MEMBER_ROLE, { roomId: f.roomId, userId: f.users.victim.sub, role: 'MEMBER' })),
  },
  {
    field: 'muteMember',
    query: doc.MUTE_MEMBER,
    variables: (f) => ({ roomId: f.roomId, userId: f.users.victim.sub }),
    expected: ADMINS,
    restore: async (f) => void (await f.asOwner(doc.UNMUTE_MEMBER, { roomId: f.roomId, userId: f.users.victim.sub })),
  },
  {
    field: 'unmuteMember',
    query: doc.UNMUTE_MEMBER,
    variables: (f) => ({ roomId: f.roomId, userId: f.users.mutedVictim.sub }),
    expected: ADMINS,
    restore: async (f) => void (await f.asOwner(doc.MUTE_MEMBER, { roomId: f.roomId, userId: f.users.mutedVictim.sub })),
  },
  {
    field: 'banMember',
    query: doc.BAN_MEMBER,
    variables: (f) => ({ roomId: f.roomId, userId: f.users.victim.sub }),
    expected: ADMINS,
    restore: async (f) => {
      await f.asOwner(doc.UNBAN_MEMBER, { roomId: f.roomId, userId: f.users.victim.sub });
      await f.restoreMember('victim');
    },
  },
  {
    field: 'unbanMember',
    query: doc.UNBAN_MEMBER,
    variables: (f) => ({ roomId: f.roomId, userId: f.users.bannedVictim.sub }),
    expected: ADMINS,
    restore: async (f) => void (await f.asOwner(doc.BAN_MEMBER, { roomId: f.roomId, userId: f.users.bannedVictim.sub })),
  },

  {
    field: 'sendMessage',
    query: doc.SEND_MESSAGE,
    variables: (f) => ({ input: { roomId: f.roomId, body: 'matrix' } }),
    expected: UNMUTED_MEMBERS,
  },
  {
    field: 'editMessage',
    query: doc.EDIT_MESSAGE,
    variables: (f) => ({ input: { roomId: f.roomId, messageId: f.messageId, body: 'edited' } }),
    // The author only: the member wrote it.
    expected: { ...NO_USER, member: 'ok' },
  },
  {
    field: 'deleteMessage',
    query: doc.DELETE_MESSAGE,
    // A fresh message of the member's each time: deleting leaves a tombstone.
    variables: async (f) => {
      const sent = await f.asUser('member', doc.SEND_MESSAGE, { input: { roomId: f.roomId, body: 'to delete' } });
      return { roomId: f.roomId, messageId: (sent['sendMessage'] as { id: string }).id };
    },
    expected: { ...ADMINS, member: 'ok' },
  },
  {
    field: 'addReaction',
    query: doc.ADD_REACTION,
    variables: (f) => ({ input: { ...roomMessage(f), emoji: '👍' } }),
    expected: UNMUTED_MEMBERS,
  },
  {
    field: 'removeReaction',
    query: doc.REMOVE_REACTION,
    variables: (f) => ({ input: { ...roomMessage(f), emoji: '👍' } }),
    // Muted members may take a reaction back.
    expected: MEMBERS_ONLY,
  },
  { field: 'markRead', query: doc.MARK_READ, variables: roomMessage, expected: MEMBERS_ONLY },
  { field: 'sendTyping', query: doc.SEND_TYPING, variables: (f) => ({ ...room(f), typing: true }), expected: UNMUTED_MEMBERS },
];

/** Subscriptions over the real-time endpoint: role outcomes of the `start`. */
const SUBSCRIPTION_ROWS: readonly { field: string; query: string; expected: Record<Role, Outcome> }[] = [
  { field: 'onMessage', query: doc.ON_MESSAGE, expected: MEMBERS_ONLY },
  { field: 'onRoomEvent', query: doc.ON_ROOM_EVENT, expected: MEMBERS_ONLY },
  { field: 'onRoomUpdate', query: doc.ON_ROOM_UPDATE, expected: MEMBERS_ONLY },
  { field: 'onTyping', query: doc.ON_TYPING, expected: MEMBERS_ONLY },
  { field: 'onMyRooms', query: doc.ON_MY_ROOMS, expected: EVERY_USER },
];

/** Raw WebSocket routes and the GraphQL operation each one relays (its expected outcomes are that row's). */
const RAW_ROUTES: readonly { action: string; field: string; reply: string; request(f: Fixture): Record<string, unknown> }[] = [
  { action: 'sendmessage', field: 'sendMessage', reply: 'sent', request: (f) => ({ roomId: f.roomId, message: 'raw matrix' }) },
  { action: 'joinroom', field: 'joinRoom', reply: 'joined', request: room },
  { action: 'leaveroom', field: 'leaveRoom', reply: 'left', request: room },
  { action: 'typing', field: 'sendTyping', reply: 'typingSent', request: room },
  { action: 'history', field: 'messages', reply: 'history', request: room },
];

/** The figures this file prints. */
const tally = { cases: 0, asExpected: 0 };
const mismatches: string[] = [];

function record(label: string, expected: string, actual: string): void {
  tally.cases += 1;
  if (expected === actual) tally.asExpected += 1;
  else mismatches.push(`${label}: expected ${expected}, got ${actual}`);
}

function outcomeOf(answer: HttpAnswer, field: string): string {
  const error = answer.body.errors?.[0];
  if (answer.status !== 200) return `HTTP ${answer.status} ${error?.errorType ?? ''}`.trim();
  if (error) return error.errorType ?? `untyped error: ${error.message ?? ''}`;
  return answer.body.data?.[field] === null || answer.body.data?.[field] === undefined ? 'null' : 'ok';
}

function frameOutcome(frame: Record<string, unknown>): string {
  if (frame['type'] === 'start_ack') return 'ok';
  const errors = (frame['payload'] as { errors?: { errorType?: string }[] } | undefined)?.errors;
  return errors?.[0]?.errorType ?? JSON.stringify(frame);
}

describe('authorization matrix', () => {
  let fixture: Fixture;
  let tokenCredentials: Record<TokenCaller, Credentials>;
  const roleCredentials = (role: Role): Credentials => ({ kind: 'token', token: fixture.users[role].token });
  const iamAsMember = (): Credentials => ({ kind: 'iam', actingUserId: fixture.users.member.sub });

  beforeAll(async () => {
    const cloud = await startSecurityCloud();
    const names = ['owner', 'admin', 'member', 'muted', 'banned', 'nonMember', 'outsider', 'victim', 'mutedVictim', 'bannedVictim', 'peer'] as const;
    const signedIn = await Promise.all(names.map((name) => signedInUser(cloud, `matrix-${name.toLowerCase()}`)));
    const users = Object.fromEntries(names.map((name, i) => [name, signedIn[i]!])) as Fixture['users'];
    const run = async (token: string, query: string, variables: Record<string, unknown>) => {
      const answer = await graphql(cloud, { kind: 'token', token }, query, variables);
      if (answer.status !== 200 || answer.body.errors) throw new Error(`fixture call failed: ${JSON.stringify(answer.body)}`);
      return answer.body.data ?? {};
    };
    const asOwner = (query: string, variables: Record<string, unknown>) => run(users.owner.token, query, variables);
    const created = await asOwner(doc.CREATE_ROOM, { input: { name: 'matrix', visibility: 'PRIVATE' } });
    const roomId = (created['createRoom'] as { id: string }).id;
    const join = async (name: keyof Fixture['users']) => {
      await asOwner(doc.INVITE_MEMBER, { roomId, userId: users[name].sub });
      await run(users[name].token, doc.JOIN_ROOM, { roomId });
    };
    const restoreMember = async (name: 'member' | 'muted' | 'admin' | 'victim') => {
      await join(name);
      if (name === 'admin') await asOwner(doc.SET_MEMBER_ROLE, { roomId, userId: users.admin.sub, role: 'ADMIN' });
      if (name === 'muted') await asOwner(doc.MUTE_MEMBER, { roomId, userId: users.muted.sub });
    };
    await Promise.all((['member', 'muted', 'admin', 'victim', 'mutedVictim', 'bannedVictim', 'banned'] as const).map(join));
    await asOwner(doc.SET_MEMBER_ROLE, { roomId, userId: users.admin.sub, role: 'ADMIN' });
    for (const name of ['muted', 'mutedVictim'] as const) await asOwner(doc.MUTE_MEMBER, { roomId, userId: users[name].sub });
    for (const name of ['banned', 'bannedVictim'] as const) await asOwner(doc.BAN_MEMBER, { roomId, userId: users[name].sub });
    const sent = await run(users.member.token, doc.SEND_MESSAGE, { input: { roomId, body: 'the matrix message' } });
    fixture = {
      cloud,
      roomId,
      messageId: (sent['sendMessage'] as { id: string }).id,
      users,
      asOwner,
      asUser: (name, query, variables) => run(users[name].token, query, variables),
      restoreMember,
    };
    const bad = await badTokens(cloud, users.member, users.owner.sub);
    tokenCredentials = {
      anonymous: { kind: 'token' },
      garbage: { kind: 'token', token: bad.garbage },
      expired: { kind: 'token', token: bad.expired },
      tampered: { kind: 'token', token: bad.tampered },
      unsigned: { kind: 'token', token: bad.unsigned },
      wrongClient: { kind: 'token', token: bad.wrongClient },
      wrongPool: { kind: 'token', token: bad.wrongPool },
      forgedIam: { kind: 'iam', actingUserId: users.member.sub, principal: forgedPrincipal(cloud) },
    };
  }, 120_000);

  afterAll(async () => {
    console.log(`authorization matrix: ${tally.cases} cases, ${tally.asExpected} as expected`);
    await fixture?.cloud.stop();
  });

  it('has a row for every root field of the schema, and IAM reaches exactly the pinned fields', () => {
    expect(ROWS.map((row) => row.field).sort()).toEqual(QUERY_AND_MUTATION_FIELDS.map((field) => field.name).sort());
    expect(SUBSCRIPTION_ROWS.map((row) => row.field).sort()).toEqual(SUBSCRIPTION_FIELDS.map((field) => field.name).sort());
    const iamFields = [...QUERY_AND_MUTATION_FIELDS, ...SUBSCRIPTION_FIELDS].filter(hasIam).map((field) => field.name);
    expect(iamFields.sort()).toEqual([...IAM_FIELDS].sort());
  });

  for (const row of ROWS) {
    it(`${row.field}: every caller gets exactly its outcome`, async () => {
      const before = mismatches.length;
      // Token-level refusals touch no state: all at once.
      await Promise.all(
        TOKEN_CALLERS.map(async (caller) => {
          const answer = await graphql(fixture.cloud, tokenCredentials[caller], row.query, await row.variables(fixture));
          record(`${row.field} as ${caller}`, HTTP_401, outcomeOf(answer, row.field));
        }),
      );
      // Role callers one by one: a success may change the room, which `restore` undoes before the next caller.
      for (const role of ROLES) {
        const answer = await graphql(fixture.cloud, roleCredentials(role), row.query, await row.variables(fixture));
        const actual = outcomeOf(answer, row.field);
        record(`${row.field} as ${role}`, row.expected[role], actual);
        if (actual === 'ok') await row.restore?.(fixture, role);
      }
      const field = QUERY_AND_MUTATION_FIELDS.find((candidate) => candidate.name === row.field);
      const iamExpected: Outcome = field && hasIam(field) ? (row.iam ?? row.expected.member) : 'Unauthorized';
      const answer = await graphql(fixture.cloud, iamAsMember(), row.query, await row.variables(fixture));
      const actual = outcomeOf(answer, row.field);
      record(`${row.field} as IAM backend`, iamExpected, actual);
      if (actual === 'ok') await row.restore?.(fixture, 'iam');
      expect(mismatches.slice(before)).toEqual([]);
    });
  }

  it('ids and authors always come from the token, never from arguments or headers', async () => {
    const { cloud, roomId, users } = fixture;
    const before = mismatches.length;
    // A user's token with the backend's acting-user header: the header is ignored.
    const spoofed = await graphql(
      cloud,
      { kind: 'token', token: users.member.token, extraHeaders: { 'x-wavechat-user-id': users.owner.sub } },
      doc.SEND_MESSAGE,
      { input: { roomId, body: 'who am I' } },
    );
    record('sendMessage with a spoofed acting-user header: authorId', users.member.sub, String((spoofed.body.data?.['sendMessage'] as { authorId?: string } | undefined)?.authorId));
    // An author in the input is not part of the schema.
    const withAuthor = await graphql(cloud, roleCredentials('member'), doc.SEND_MESSAGE, {
      input: { roomId, body: 'x', authorId: users.owner.sub },
    });
    const authorError = withAuthor.body.errors?.[0]?.message ?? 'accepted';
    record('sendMessage with input.authorId', 'refused: authorId is not defined', /Field "authorId" is not defined/.test(authorError) ? 'refused: authorId is not defined' : authorError);
    // IAM acts for the user it names, and only that user.
    const relayed = await graphql(cloud, iamAsMember(), doc.SEND_MESSAGE, { input: { roomId, body: 'relayed' } });
    record('sendMessage by IAM for the member: authorId', users.member.sub, String((relayed.body.data?.['sendMessage'] as { authorId?: string } | undefined)?.authorId));
    const anonymousIam = await graphql(cloud, { kind: 'iam' }, doc.SEND_MESSAGE, { input: { roomId, body: 'nobody' } });
    record('sendMessage by IAM naming no user', 'Unauthorized', outcomeOf(anonymousIam, 'sendMessage'));
    const created = await graphql(cloud, roleCredentials('nonMember'), doc.CREATE_ROOM, { input: { name: 'mine', visibility: 'PUBLIC' } });
    record('createRoom: createdBy', users.nonMember.sub, String((created.body.data?.['createRoom'] as { createdBy?: string } | undefined)?.createdBy));
    // The tampered token claims the owner's sub: had it been believed, it would pass as the owner.
    const tampered = await graphql(cloud, tokenCredentials.tampered, doc.ARCHIVE_ROOM, { roomId });
    record('archiveRoom with a token whose sub was changed to the owner', HTTP_401, outcomeOf(tampered, 'archiveRoom'));
    expect(mismatches.slice(before)).toEqual([]);
  });

  describe('subscriptions over the real-time endpoint', () => {
    it('refuses every bad token at connection_init with connection_error', async () => {
      const before = mismatches.length;
      await Promise.all(
        TOKEN_CALLERS.map(async (caller) => {
          const { client, answer } = await realtimeConnect(fixture.cloud, tokenCredentials[caller]);
          const closed = await client.closed;
          const errorType = (answer['payload'] as { errors?: { errorType?: string }[] } | undefined)?.errors?.[0]?.errorType;
          record(`real-time connect as ${caller}`, 'connection_error UnauthorizedException close 1008', `${String(answer['type'])} ${String(errorType)} close ${closed.code}`);
        }),
      );
      expect(mismatches.slice(before)).toEqual([]);
    });

    it('starts each subscription exactly for the callers its rule allows', async () => {
      const before = mismatches.length;
      const callers: [string, Credentials, (row: (typeof SUBSCRIPTION_ROWS)[number]) => Outcome][] = [
        ...ROLES.map((role): [string, Credentials, (row: (typeof SUBSCRIPTION_ROWS)[number]) => Outcome] => [role, roleCredentials(role), (row) => row.expected[role]]),
        ['IAM backend', iamAsMember(), (row) => (IAM_FIELDS.includes(row.field) ? row.expected.member : 'Unauthorized')],
      ];
      await Promise.all(
        callers.map(async ([label, credentials, expectedOf]) => {
          const { client, answer } = await realtimeConnect(fixture.cloud, credentials);
          try {
            record(`real-time connect as ${label}`, 'connection_ack', String(answer['type']));
            for (const row of SUBSCRIPTION_ROWS) {
              const data = JSON.stringify({ query: row.query, variables: { roomId: fixture.roomId } });
              const authorization = credentials.kind === 'iam' ? await realtimeAuthorization(fixture.cloud, credentials, data) : undefined;
              const frame = await realtimeStart(client, `${row.field}-${label}`, row.query, { roomId: fixture.roomId }, authorization);
              record(`${row.field} as ${label}`, expectedOf(row), frameOutcome(frame));
            }
          } finally {
            client.close();
          }
        }),
      );
      expect(mismatches.slice(before)).toEqual([]);
    });
  });

  describe('raw WebSocket routes', () => {
    it('refuses the handshake for every bad token, in the query and as a subprotocol', async () => {
      const before = mismatches.length;
      const url = fixture.cloud.webSocket!.url;
      const tokens = TOKEN_CALLERS.filter((caller) => caller !== 'forgedIam' && caller !== 'anonymous').map(
        (caller) => [caller, (tokenCredentials[caller] as { token: string }).token] as const,
      );
      const attempts: [string, string, string[] | undefined][] = [
        ['no token', url, undefined],
        ['no token, wavechat subprotocol', url, ['wavechat']],
        ...tokens.map(([caller, token]): [string, string, string[] | undefined] => [`${caller} in ?token=`, `${url}?token=${encodeURIComponent(token)}`, undefined]),
        ...tokens
          .filter(([caller]) => caller !== 'garbage')
          .map(([caller, token]): [string, string, string[] | undefined] => [`${caller} as subprotocol`, url, ['wavechat', token]]),
      ];
      await Promise.all(
        attempts.map(async ([label, target, protocols]) => {
          const result = await handshake(target, protocols);
          if ('open' in result) result.open.close();
          record(`raw handshake, ${label}`, 'refused 401', 'open' in result ? 'open' : `refused ${result.refused}`);
        }),
      );
      expect(mismatches.slice(before)).toEqual([]);
    }, 60_000);

    it('answers each route exactly as the GraphQL operation it relays', async () => {
      const before = mismatches.length;
      const url = fixture.cloud.webSocket!.url;
      for (const role of ROLES) {
        const result = await handshake(`${url}?token=${fixture.users[role].token}`, undefined);
        if (!('open' in result)) {
          record(`raw handshake as ${role}`, 'open', `refused ${result.refused}`);
          continue;
        }
        const client: FrameClient = result.open;
        try {
          for (const route of RAW_ROUTES) {
            const row = ROWS.find((candidate) => candidate.field === route.field)!;
            const reply = await rawRequest(client, { action: route.action, ...route.request(fixture) });
            const actual =
              reply['type'] === route.reply ? 'ok' : reply['type'] === 'error' ? String((reply['error'] as { type?: string }).type) : JSON.stringify(reply);
            record(`raw ${route.action} as ${role}`, row.expected[role], actual);
            if (actual === 'ok') await row.restore?.(fixture, role);
          }
          // $default's usage reply does not echo requestId (reported): wait for it by type.
          client.send({ action: 'no-such-action' });
          const usage = await client.next((frame) => frame['type'] === 'usage');
          record(`raw $default as ${role}`, 'usage', String(usage['type']));
        } finally {
          client.close();
        }
      }
      expect(mismatches.slice(before)).toEqual([]);
    }, 120_000);
  });
});
