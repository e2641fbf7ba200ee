import { describe, expect, it } from 'vitest';
import { MalformedRequestError } from '../../../local/appsync/datasources/errors.js';
import {
  canonicalAttributeMap,
  canonicalNumber,
  fromAttributeMap,
  toAttributeMap,
  toAttributeValue,
} from '../../../local/appsync/datasources/dynamodb/typed-values.js';

describe('toAttributeValue (AppSync typed values → SDK)', () => {
  it('converts every type, with N as a JSON number or a string and B as base64', () => {
    expect(
      toAttributeMap(
        {
          s: { S: 'x' },
          n: { N: 12.5 },
          nText: { N: '7' },
          b: { B: 'Zm9v' },
          ss: { SS: ['a', 'b'] },
          ns: { NS: [1, '2'] },
          bs: { BS: ['Zm9v', 'YmFy'] },
          bool: { BOOL: false },
          nullDocs: { NULL: null },
          nullDynamo: { NULL: true },
          list: { L: [{ S: 'a' }, { N: 1 }] },
          map: { M: { inner: { M: { deep: { BOOL: true } } } } },
        },
        'request.attributeValues',
      ),
    ).toEqual({
      s: { S: 'x' },
      n: { N: '12.5' },
      nText: { N: '7' },
      b: { B: Buffer.from('foo') },
      ss: { SS: ['a', 'b'] },
      ns: { NS: ['1', '2'] },
      bs: { BS: [Buffer.from('foo'), Buffer.from('bar')] },
      bool: { BOOL: false },
      nullDocs: { NULL: true },
      nullDynamo: { NULL: true },
      list: { L: [{ S: 'a' }, { N: '1' }] },
      map: { M: { inner: { M: { deep: { BOOL: true } } } } },
    });
  });

  it('skips characters outside the base64 alphabet (RFC 2045)', () => {
    const value = toAttributeValue({ B: 'Zm9v\nYmFy' }, 'v');
    expect(Buffer.from(value.B as Uint8Array).toString()).toBe('foobar');
  });

  it.each([
    [{ S: 'a', N: 1 }, 'request.key.id', /exactly one type key.*got S, N/],
    [{}, 'request.key.id', /exactly one type key.*got none/],
    [{ X: 'a' }, 'request.key.id', /unknown DynamoDB type "X"/],
    [{ S: 1 }, 'request.key.id.S', /expected a string/],
    [{ N: true }, 'request.key.id.N', /JSON number or a numeric string/],
    [{ BOOL: 'yes' }, 'request.key.id.BOOL', /expected a boolean/],
    [{ L: [{ S: 'ok' }, { Q: 1 }] }, 'request.key.id.L[1]', /unknown DynamoDB type "Q"/],
    ['plain', 'request.key.id', /expected an object, got a string/],
  ])('rejects %j with a MalformedRequestError naming %s', (typed, path, message) => {
    let thrown: unknown;
    try {
      toAttributeValue(typed, 'request.key.id');
    } catch (error) {
      thrown = error;
    }
    expect(thrown).toBeInstanceOf(MalformedRequestError);
    expect((thrown as MalformedRequestError).path).toBe(path);
    expect((thrown as MalformedRequestError).message).toMatch(message);
  });
});

describe('fromAttributeMap (SDK → ctx.result typing)', () => {
  it('gives plain JSON: numbers as numbers, sets as arrays, binary as base64, NULL as null', () => {
    expect(
      fromAttributeMap({
        id: { S: '1234' },
        age: { N: '25' },
        ratio: { N: '0.5' },
        tags: { SS: ['a', 'b'] },
        scores: { NS: ['1', '2.5'] },
        blob: { B: Buffer.from('foo') },
        blobs: { BS: [Buffer.from('bar')] },
        flag: { BOOL: true },
        nothing: { NULL: true },
        list: { L: [{ N: '1' }, { M: { a: { S: 'b' } } }] },
      }),
    ).toEqual({
      id: '1234',
      age: 25,
      ratio: 0.5,
      tags: ['a', 'b'],
      scores: [1, 2.5],
      blob: 'Zm9v',
      blobs: ['YmFy'],
      flag: true,
      nothing: null,
      list: [1, { a: 'b' }],
    });
  });
});

describe('canonical forms (item comparison)', () => {
  it('spells equal numbers the same way', () => {
    expect(canonicalNumber('1.50')).toBe(canonicalNumber('15e-1'));
    expect(canonicalNumber('0015')).toBe(canonicalNumber('1.5E1'));
    expect(canonicalNumber('-0.0')).toBe('0');
    expect(canonicalNumber('100')).not.toBe(canonicalNumber('10'));
    expect(canonicalNumber('-2')).not.toBe(canonicalNumber('2'));
  });

  it('ignores attribute order, set order and number spelling, but not values or types', () => {
    const stored = { id: { S: 'a' }, n: { N: '1.0' }, tags: { SS: ['x', 'y'] } };
    expect(canonicalAttributeMap(stored)).toBe(
      canonicalAttributeMap({ tags: { SS: ['y', 'x'] }, n: { N: '1' }, id: { S: 'a' } }),
    );
    expect(canonicalAttributeMap(stored)).not.toBe(canonicalAttributeMap({ ...stored, n: { S: '1' } }));
    expect(canonicalAttributeMap(stored)).not.toBe(canonicalAttributeMap({ ...stored, extra: { BOOL: true } }));
  });
});
