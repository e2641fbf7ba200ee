/**
 * Shared by the infra tests: an App configured like `cdk synth` (cdk.json's feature flags), hermetic (HOME and the
 * output directory are temporary), and readers for the parts of a template the tests look at.
 */
import { mkdtempSync, readFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import path from 'node:path';
import { fileURLToPath } from 'node:url';
import { App, CfnElement, Stack, Validations } from 'aws-cdk-lib';
import type { Template } from 'aws-cdk-lib/assertions';
import { AwsSolutionsChecks } from 'cdk-nag';
import type { IConstruct } from 'constructs';

export const ROOT_DIR = path.resolve(path.dirname(fileURLToPath(import.meta.url)), '../..');

/** aws-cdk-lib caches asset fingerprints under os.homedir(): keep the tests off the real home. */
process.env.HOME = mkdtempSync(path.join(tmpdir(), 'wavechat-infra-home-'));

const cdkJson = JSON.parse(readFileSync(path.join(ROOT_DIR, 'cdk.json'), 'utf8')) as { context: Record<string, unknown> };

/**
 * An App with cdk.json's context. `bundle: false` skips esbuild bundling of Lambda code (the code asset is then a
 * placeholder), which is what most tests want. The built-in CloudFormation validation is off: it costs seconds per
 * synth, and `npm run synth` runs it.
 */
export function testApp(options: { readonly bundle: boolean }): App {
  return new App({
    outdir: mkdtempSync(path.join(tmpdir(), 'wavechat-cdk-out-')),
    builtinCloudFormationValidation: false,
    context: { ...cdkJson.context, ...(options.bundle ? {} : { 'aws:cdk:bundling-stacks': [] }) },
  });
}

/** The logical id CloudFormation knows a construct's resource by. */
export function logicalIdOf(construct: IConstruct): string {
  const element = construct instanceof CfnElement ? construct : construct.node.defaultChild;
  if (!(element instanceof CfnElement)) throw new Error(`${construct.node.path} has no CloudFormation resource`);
  return Stack.of(element).resolve(element.logicalId) as string;
}

/** A resource of the template by logical id (fails the test when absent). */
export function resourceOf(template: Template, logicalId: string): { Type: string; Properties: Record<string, unknown> } {
  const resource = (template.toJSON() as { Resources: Record<string, { Type: string; Properties: Record<string, unknown> }> })
    .Resources[logicalId];
  if (!resource) throw new Error(`no resource ${logicalId}`);
  return resource;
}

/** `{ Ref }` / `{ Fn::GetAtt }` of a construct, as the template writes references to it. */
export const ref = (construct: IConstruct) => ({ Ref: logicalIdOf(construct) });
export const getAtt = (construct: IConstruct, attribute: string) => ({ 'Fn::GetAtt': [logicalIdOf(construct), attribute] });

export interface PolicyStatementJson {
  readonly Effect: string;
  readonly Action: string | string[];
  readonly Resource: unknown;
}

/** Every Allow statement of every IAM policy, with the roles the policy is attached to. */
export function allowStatements(template: Template): { roles: string[]; policy: string; statement: PolicyStatementJson }[] {
  const resources = (template.toJSON() as { Resources: Record<string, { Type: string; Properties: Record<string, unknown> }> })
    .Resources;
  return Object.entries(resources)
    .filter(([, resource]) => resource.Type === 'AWS::IAM::Policy')
    .flatMap(([policy, resource]) => {
      const document = resource.Properties.PolicyDocument as { Statement: PolicyStatementJson[] };
      const roles = ((resource.Properties.Roles ?? []) as { Ref: string }[]).map((role) => role.Ref);
      return document.Statement.filter((statement) => statement.Effect === 'Allow').map((statement) => ({
        roles,
        policy,
        statement,
      }));
    });
}

export const asArray = <T>(value: T | T[]): T[] => (Array.isArray(value) ? value : [value]);

/** cdk-nag's AwsSolutions findings that are neither fixed nor acknowledged, as `rule at path`. */
export function unacknowledgedNagFindings(scope: IConstruct): string[] {
  return new AwsSolutionsChecks().validateScope(scope).violations.flatMap((violation) =>
    violation.violatingResources.map((resource) => `${violation.ruleName} at ${resource.constructPath}`),
  );
}

/** Every acknowledgement recorded under `scope`: rule id, reason and where. */
export function acknowledgements(scope: IConstruct): { id: string; reason: string; path: string }[] {
  return scope.node.findAll().flatMap((construct) =>
    construct.node.metadata
      .filter((entry) => entry.type === Validations.ACKNOWLEDGED_RULES_METADATA_KEY)
      .flatMap((entry) =>
        Object.entries(entry.data as Record<string, string>).map(([id, reason]) => ({
          id,
          reason,
          path: construct.node.path,
        })),
      ),
  );
}
