/** Errors thrown while turning the app description into CDK constructs (at synth time, never at deploy time). */

/** The description names something it does not define: a table, data source, function, field or output. */
export class UnknownNameError extends Error {
  override readonly name = 'UnknownNameError';

  constructor(
    /** What kind of thing was looked up, e.g. `function` or `table`. */
    readonly kind: string,
    /** The name that was not found. */
    readonly missing: string,
    /** Where the name was used, e.g. `route $connect`. */
    readonly usedBy: string,
  ) {
    super(`${usedBy} names the ${kind} "${missing}", which the description does not define`);
  }
}

/** Two things of one kind share a name where CloudFormation or the app needs them unique. */
export class DuplicateNameError extends Error {
  override readonly name = 'DuplicateNameError';

  constructor(
    readonly kind: string,
    readonly duplicate: string,
  ) {
    super(`the ${kind} name "${duplicate}" is used twice`);
  }
}

/** The description asks for something infra/ cannot deploy (and the local cloud does not run either). */
export class UnsupportedDefinitionError extends Error {
  override readonly name = 'UnsupportedDefinitionError';

  constructor(
    readonly subject: string,
    readonly reason: string,
  ) {
    super(`${subject}: ${reason}`);
  }
}

/** The deployed stack lacks an output that `amplify_outputs.json` needs (an older or a different stack). */
export class MissingStackOutputError extends Error {
  override readonly name = 'MissingStackOutputError';

  constructor(readonly outputKey: string) {
    super(`the stack has no output "${outputKey}"; deploy this version of infra/ first`);
  }
}

/** A `-c wavechat:<key>=<value>` context value that the app cannot use. */
export class InvalidContextError extends Error {
  override readonly name = 'InvalidContextError';

  constructor(
    readonly key: string,
    readonly value: string,
    expected: string,
  ) {
    super(`wavechat:${key} must be ${expected}, got "${value}"`);
  }
}

/** `npm run deploy` could not deploy, or could not read what the deployment produced. */
export class DeployError extends Error {
  override readonly name = 'DeployError';
}
