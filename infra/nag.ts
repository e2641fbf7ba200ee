/**
 * Acknowledging cdk-nag findings for wildcards that grants themselves produce, named exactly as cdk-nag names them
 * so that an acknowledgement never covers more than that one resource pattern.
 */
import { Stack, Validations } from 'aws-cdk-lib';
import type { ITable } from 'aws-cdk-lib/aws-dynamodb';
import type { IConstruct } from 'constructs';

/**
 * Acknowledges AwsSolutions-IAM5 for one wildcard resource of a policy under `scope`.
 *
 * @param resourceArn - The resource as the grant wrote it (tokens allowed).
 */
export function acknowledgeWildcardResource(scope: IConstruct, resourceArn: string, reason: string): void {
  const finding = flattenReference(Stack.of(scope).resolve(resourceArn));
  Validations.of(scope).acknowledge({ id: `AwsSolutions-IAM5[Resource::${finding}]`, reason });
}

/** Data grants on a table cover its indexes as `<table ARN>/index/*`. */
export function acknowledgeTableIndexes(scope: IConstruct, table: ITable): void {
  acknowledgeWildcardResource(
    scope,
    `${table.tableArn}/index/*`,
    "CDK's table grants name the table's indexes as <table ARN>/index/*: only the indexes of this one table, " +
      'which the app description declares (Query on an index needs the index ARN).',
  );
}

/**
 * A resolved CloudFormation value as cdk-nag prints it: `Fn::Join` joined, `Fn::GetAtt` as `<Id.Attr>`, `Ref` as
 * `<Id>`, `${…}` of `Fn::Sub` as `<…>`.
 */
function flattenReference(value: unknown): string {
  if (typeof value === 'string') return value.replace(/\$\{/g, '<').replace(/\}/g, '>');
  if (value !== null && typeof value === 'object') {
    const object = value as Record<string, unknown>;
    const join = object['Fn::Join'];
    if (Array.isArray(join)) {
      const [delimiter, items] = join as [string, unknown[]];
      return items.map(flattenReference).join(delimiter);
    }
    const getAtt = object['Fn::GetAtt'];
    if (Array.isArray(getAtt)) return `<${getAtt.map(flattenReference).join('.')}>`;
    if ('Ref' in object) return `<${flattenReference(object.Ref)}>`;
    if ('Fn::Sub' in object) return flattenReference(object['Fn::Sub']);
  }
  return JSON.stringify(value);
}
