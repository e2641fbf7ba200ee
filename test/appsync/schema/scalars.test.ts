import { describe, it, expect } from 'vitest';
import { graphql } from 'graphql';
import type { ExecutionResult } from 'graphql';
import { loadSchema } from '../../../local/appsync/schema/load.js';

const SCALARS = [
  'AWSDate',
  'AWSTime',
  'AWSDateTime',
  'AWSTimestamp',
  'AWSEmail',
  'AWSJSON',
  'AWSURL',
  'AWSPhone',
  'AWSIPAddress',
] as const;
type ScalarName = (typeof SCALARS)[number];

// One echo field per scalar (input → resolver → output) and one output-only field returning `output`.
const schema = loadSchema(`
  type Query {
    ${SCALARS.map((name) => `echo${name}(v: ${name}): ${name}\n    out${name}: ${name}`).join('\n    ')}
  }
`);

let received: unknown;
let output: unknown;
const rootValue = Object.fromEntries(
  SCALARS.flatMap((name) => [
    [
      `echo${name}`,
      ({ v }: { v: unknown }) => {
        received = v;
        return v;
      },
    ],
    [`out${name}`, () => output],
  ]),
);

async function run(source: string, variableValues?: Record<string, unknown>): Promise<ExecutionResult> {
  received = undefined;
  return graphql({ schema, source, rootValue, variableValues });
}

function asVariable(scalar: ScalarName, value: unknown): Promise<ExecutionResult> {
  return run(`query($v: ${scalar}) { echo${scalar}(v: $v) }`, { v: value });
}

function asLiteral(scalar: ScalarName, literal: string): Promise<ExecutionResult> {
  return run(`{ echo${scalar}(v: ${literal}) }`);
}

function serialised(scalar: ScalarName, value: unknown): Promise<ExecutionResult> {
  output = value;
  return run(`{ out${scalar} }`);
}

/** A GraphQL string literal for `text`. */
const literal = (text: string): string => JSON.stringify(text);

interface Case {
  readonly scalar: ScalarName;
  /** "a valid date" in "Unable to parse `x` as a valid date." */
  readonly expected: string;
  readonly accepted: readonly string[];
  readonly rejected: readonly string[];
}

const STRING_SCALARS: readonly Case[] = [
  {
    scalar: 'AWSDate',
    expected: 'a valid date',
    accepted: [
      '1970-01-01',
      '1970-01-01Z',
      '1970-01-01-07:00',
      '1970-01-01+05:30',
      '1970-01-01+05:30:15',
      '-2017-05-01',
      '-9999-01-01',
      '2024-02-29',
      '+10000-01-01',
    ],
    rejected: [
      '2019-12-24T04:15:57.798Z',
      '1970-1-1',
      '2023-02-29',
      '2020-13-01',
      '2020-04-31',
      '1970-01-01+5:30',
      '1970-01-01+19:00',
      '1970-01-01+0530',
      '19700101',
      '10000-01-01',
      '',
    ],
  },
  {
    scalar: 'AWSTime',
    expected: 'a valid time',
    accepted: [
      '12:30',
      '12:30Z',
      '12:30:24-07:00',
      '12:30:24.500+05:30',
      '12:00:00.2',
      '12:00:00.277',
      '12:00:00.123456789',
      '23:59:59',
      '00:00:00-18:00',
    ],
    rejected: [
      '12:00:00.1234567890',
      '12:00.5',
      '24:00',
      '12:60',
      '12',
      '12:00:00.',
      '12:30:24+0530',
      '12:30:24+18:00:01',
      '1970-01-01T12:00Z',
    ],
  },
  {
    scalar: 'AWSDateTime',
    expected: 'a valid DateTime Object',
    accepted: [
      '1970-01-01T12:00:00.2Z',
      '1970-01-01T12:00:00.277Z',
      '1970-01-01T12:00:00.123456789Z',
      '2020-01-01T00:00+00:00',
      '-2017-01-01T00:00Z',
      '-9999-01-01T00:00Z',
      '2017-01-01T00:00:00+05:30:15',
      '2017-01-01T23:59:59-07:00',
    ],
    rejected: [
      '1970-01-01T12:00:00',
      '2020-01-01',
      '2019',
      '2020-05-23T06:4:37.000Z',
      '1970-01-01T12:00:00.1234567890Z',
      '1970-01-01 12:00Z',
      '1970-01-01T12:00:00.Z',
      '2021-02-30T00:00Z',
    ],
  },
  {
    scalar: 'AWSEmail',
    expected: 'a valid email address',
    accepted: [
      'username@example.com',
      'a@b',
      'a@b.c',
      'first.last+tag@sub.example.co.uk',
      '"quoted local"@example.com',
      "o'brien@example.ie",
    ],
    rejected: ['example.com', 'a@', '@b', 'a b@c.d', 'a..b@c.d', 'a@b..c', 'a@-b.com', 'a@@b.com', ''],
  },
  {
    scalar: 'AWSURL',
    expected: 'a valid URL',
    accepted: [
      'https://www.amazon.com/',
      'http://localhost/',
      'https://www.amazon.com/dp/B000NZW3KC/',
      'mailto:example@example.com',
      'ftp://user@host:21/file',
      'https://example.com/a?b=c#d//e',
      'http://127.0.0.1:8080',
      'file:///etc/hosts',
    ],
    rejected: [
      'amazon.com',
      'www.amazon.com',
      'https://www.amazon.com/dp//B000NZW3KC',
      'http://',
      'https://exa mple.com',
      '//example.com/a',
      'https://',
      '',
    ],
  },
  {
    scalar: 'AWSPhone',
    expected: 'a valid phone number',
    accepted: [
      '206-555-0100',
      '206 555 0100',
      '2065550100',
      '1-206-555-0100',
      '+1 206-555-0100',
      '+12065550100',
      '+44 20 7946 0958',
      '+91 98765 43210',
    ],
    rejected: ['1110004444', '555-0100', '206--555-0100', '+1 123 555 0100', '+0 123 4567', '+123', 'phone', ''],
  },
  {
    scalar: 'AWSIPAddress',
    expected: 'a valid IP address',
    accepted: [
      '127.0.0.1',
      '127.0.0.1/8',
      '0.0.0.0/0',
      '::1',
      '::1/128',
      '2001:db8::1/64',
      '1a2b:3c4b::1234:4567',
      '::ffff:192.0.2.1',
    ],
    rejected: [
      '256.0.0.1',
      '127.0.0',
      '127.0.0.1/33',
      '127.0.0.1/',
      '127.0.0.1/8/8',
      '::1/129',
      'fe80::1%eth0',
      'localhost',
      '',
    ],
  },
];

describe('AppSync string scalars', () => {
  for (const { scalar, expected, accepted, rejected } of STRING_SCALARS) {
    describe(scalar, () => {
      it.each(accepted)('accepts %j as a variable, a literal and an output', async (value) => {
        const variable = await asVariable(scalar, value);
        expect(variable.errors).toBeUndefined();
        expect(variable.data).toEqual({ [`echo${scalar}`]: value });
        expect(received).toBe(value);

        const fromLiteral = await asLiteral(scalar, literal(value));
        expect(fromLiteral.errors).toBeUndefined();
        expect(received).toBe(value);

        const out = await serialised(scalar, value);
        expect(out.errors).toBeUndefined();
        expect(out.data).toEqual({ [`out${scalar}`]: value });
      });

      it.each(rejected)('rejects %j as a variable, a literal and an output', async (value) => {
        const variable = await asVariable(scalar, value);
        expect(variable.data).toBeUndefined();
        expect(variable.errors?.[0]?.message).toBe(
          `Variable "$v" got invalid value ${JSON.stringify(value)}; Unable to parse \`${value}\` as ${expected}.`,
        );

        const fromLiteral = await asLiteral(scalar, literal(value));
        expect(fromLiteral.data).toBeUndefined();
        expect(fromLiteral.errors?.[0]?.message).toBe(
          `Expected value of type "${scalar}", found ${literal(value)}; Unable to parse \`${value}\` as ${expected}.`,
        );

        const out = await serialised(scalar, value);
        expect(out.data).toEqual({ [`out${scalar}`]: null });
        expect(out.errors?.[0]?.message).toBe(`Unable to serialize \`${value}\` as ${expected}.`);
        expect(out.errors?.[0]?.path).toEqual([`out${scalar}`]);
      });

      it('rejects non-string inputs and outputs', async () => {
        const variable = await asVariable(scalar, 20200101);
        expect(variable.errors?.[0]?.message).toContain(`Unable to parse \`20200101\` as ${expected}.`);
        const fromLiteral = await asLiteral(scalar, '20200101');
        expect(fromLiteral.errors?.[0]?.message).toContain(`Unable to parse \`20200101\` as ${expected}.`);
        const out = await serialised(scalar, 20200101);
        expect(out.errors?.[0]?.message).toBe(`Unable to serialize \`20200101\` as ${expected}.`);
      });
    });
  }
});

describe('AWSTimestamp', () => {
  const hint =
    "Ensure that the value provided is an Integer that lies within the limits specified in this scalar's description.";

  it.each([0, 1592331111, -1, -31557014167219200, 31556889864403199])(
    'accepts the integer %d as a variable and passes a number to the resolver',
    async (value) => {
      const result = await asVariable('AWSTimestamp', value);
      expect(result.errors).toBeUndefined();
      expect(received).toBe(value);
      expect(result.data).toEqual({ echoAWSTimestamp: value });
    },
  );

  it.each([1.5, '1592331111', true, 1e20, -1e20])('rejects %j as a variable', async (value) => {
    const result = await asVariable('AWSTimestamp', value);
    expect(result.data).toBeUndefined();
    expect(result.errors?.[0]?.message).toBe(
      `Variable "$v" got invalid value ${JSON.stringify(value)}; Unable to parse \`${String(
        value,
      )}\` as a valid timestamp. ${hint}`,
    );
  });

  it.each(['1592331111', '-5', '31556889864403199', '-31557014167219200'])('accepts the literal %s', async (text) => {
    const result = await asLiteral('AWSTimestamp', text);
    expect(result.errors).toBeUndefined();
    expect(received).toBe(Number(text));
  });

  it.each(['"1592331111"', '1.5', '31556889864403200', '-31557014167219201', 'true'])(
    'rejects the literal %s',
    async (text) => {
      const result = await asLiteral('AWSTimestamp', text);
      expect(result.data).toBeUndefined();
      expect(result.errors?.[0]?.message).toMatch(
        /^Expected value of type "AWSTimestamp", found .*; Unable to parse `.*` as a valid timestamp\./,
      );
    },
  );

  it('serialises integers as numbers, accepting an integer written as a string', async () => {
    expect((await serialised('AWSTimestamp', 1592331111)).data).toEqual({ outAWSTimestamp: 1592331111 });
    expect((await serialised('AWSTimestamp', '1592331111')).data).toEqual({ outAWSTimestamp: 1592331111 });
  });

  it("refuses to serialise anything but an in-range integer, with AppSync's message", async () => {
    const result = await serialised('AWSTimestamp', '2019-12-19 16:59:09.966');
    expect(result.data).toEqual({ outAWSTimestamp: null });
    expect(result.errors?.[0]?.message).toBe(
      `Unable to serialize \`2019-12-19 16:59:09.966\` as a valid timestamp. ${hint}`,
    );
    expect((await serialised('AWSTimestamp', 1.5)).errors).toHaveLength(1);
    expect((await serialised('AWSTimestamp', 1e20)).errors).toHaveLength(1);
  });
});

describe('AWSJSON', () => {
  it.each([
    ['{"upvotes": 10}', { upvotes: 10 }],
    ['[1,2,3]', [1, 2, 3]],
    ['"AWSJSON example string"', 'AWSJSON example string'],
    ['1', 1],
    ['true', true],
    ['  {"nested": {"a": [null]}}  ', { nested: { a: [null] } }],
  ])('parses the variable %j into a value for the resolver', async (text, value) => {
    const result = await asVariable('AWSJSON', text);
    expect(result.errors).toBeUndefined();
    expect(received).toEqual(value);
  });

  it('parses a string literal into a value for the resolver', async () => {
    const result = await asLiteral('AWSJSON', literal('{"upvotes": 10}'));
    expect(result.errors).toBeUndefined();
    expect(received).toEqual({ upvotes: 10 });
    // The echoed value is serialised back to a JSON string.
    expect(result.data).toEqual({ echoAWSJSON: '{"upvotes":10}' });
  });

  it.each(['{a: 1}', "{'a': 1}", 'Unquoted string', ''])('rejects the invalid JSON %j', async (text) => {
    const variable = await asVariable('AWSJSON', text);
    expect(variable.errors?.[0]?.message).toBe(
      `Variable "$v" got invalid value ${JSON.stringify(text)}; Unable to parse \`${text}\` as valid JSON.`,
    );
    const fromLiteral = await asLiteral('AWSJSON', literal(text));
    expect(fromLiteral.errors?.[0]?.message).toBe(
      `Expected value of type "AWSJSON", found ${literal(text)}; Unable to parse \`${text}\` as valid JSON.`,
    );
  });

  it('rejects a variable that is an object rather than a JSON string', async () => {
    const result = await asVariable('AWSJSON', { upvotes: 10 });
    expect(result.errors?.[0]?.message).toContain('Unable to parse `{"upvotes":10}` as valid JSON.');
  });

  it('rejects an object literal, as AppSync does', async () => {
    const result = await asLiteral('AWSJSON', '{upvotes: 10}');
    expect(result.data).toBeUndefined();
    expect(result.errors?.[0]?.message).toContain('Unable to parse `{upvotes: 10}` as valid JSON.');
  });

  it.each([
    [{ a: 1 }, '{"a":1}'],
    [[1, 'two'], '[1,"two"]'],
    [5, '5'],
    [true, 'true'],
    ['{"already":"json"}', '{"already":"json"}'],
    ['"a JSON string"', '"a JSON string"'],
  ])('serialises %j to the JSON string %j', async (value, text) => {
    const result = await serialised('AWSJSON', value);
    expect(result.errors).toBeUndefined();
    expect(result.data).toEqual({ outAWSJSON: text });
  });

  it('encodes a string that is not JSON text as a JSON string, so echoing an input gives it back', async () => {
    expect((await serialised('AWSJSON', 'hello')).data).toEqual({ outAWSJSON: '"hello"' });
    const echoed = await asVariable('AWSJSON', '"AWSJSON example string"');
    expect(echoed.data).toEqual({ echoAWSJSON: '"AWSJSON example string"' });
  });

  it('refuses to serialise a value that has no JSON form', async () => {
    const result = await serialised('AWSJSON', () => 1);
    expect(result.data).toEqual({ outAWSJSON: null });
    expect(result.errors?.[0]?.message).toMatch(/^Unable to serialize `.*` as valid JSON\.$/);
  });
});
