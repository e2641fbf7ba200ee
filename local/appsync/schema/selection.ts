/**
 * `ctx.info.selectionSetList` and `ctx.info.selectionSetGraphQL` for the field being resolved.
 *
 * Decisions where AppSync's documentation is silent:
 * - The list honours `@skip`/`@include` (a skipped field is not selected, so it is not listed); the printed text
 *   keeps the directives as written.
 * - Fragment spreads are flattened into the list but printed as spreads (`...PostParts`), without the fragment
 *   definitions: the text is the field's own sub-selection, as captured events show.
 * - `__typename` is listed like any other selected field.
 * - Under an interface or union, only fields the abstract type itself defines are listed (the documented rule);
 *   fields that only a type-conditioned fragment's concrete type has are left out, with their children.
 */
import {
  GraphQLIncludeDirective,
  GraphQLSkipDirective,
  Kind,
  getDirectiveValues,
  getNamedType,
  isAbstractType,
  isInterfaceType,
  isObjectType,
  print,
} from 'graphql';
import type {
  DirectiveNode,
  FieldNode,
  FragmentDefinitionNode,
  GraphQLNamedType,
  GraphQLObjectType,
  GraphQLSchema,
  NamedTypeNode,
  SelectionNode,
  SelectionSetNode,
} from 'graphql';

/** The two selection views of `ctx.info`. */
export interface SelectionInfo {
  /** Selected fields below the current one: response keys (aliases win), nested levels joined with `/`. */
  readonly selectionSetList: string[];
  /** The current field's sub-selection printed with two-space indentation; `""` for a leaf field. */
  readonly selectionSetGraphQL: string;
}

interface Walk {
  readonly schema: GraphQLSchema;
  readonly fragments: Record<string, FragmentDefinitionNode>;
  readonly variables: Record<string, unknown>;
  readonly out: string[];
}

function isSelected(
  node: { readonly directives?: readonly DirectiveNode[] },
  variables: Record<string, unknown>,
): boolean {
  if (node.directives === undefined || node.directives.length === 0) return true;
  if (getDirectiveValues(GraphQLSkipDirective, node, variables)?.['if'] === true) return false;
  return getDirectiveValues(GraphQLIncludeDirective, node, variables)?.['if'] !== false;
}

/** The named type of `fieldName` on `type`; undefined when unknown (then nothing below it is filtered). */
function fieldType(type: GraphQLNamedType | undefined, fieldName: string): GraphQLNamedType | undefined {
  if (!isObjectType(type) && !isInterfaceType(type)) return undefined;
  const field = type.getFields()[fieldName];
  return field === undefined ? undefined : getNamedType(field.type);
}

/** Whether a field selected at a level of type `type` is listed (see the module notes on abstract types). */
function isListed(type: GraphQLNamedType | undefined, fieldName: string): boolean {
  if (type === undefined || fieldName === '__typename') return true;
  return (isObjectType(type) || isInterfaceType(type)) && type.getFields()[fieldName] !== undefined;
}

/**
 * Whether a fragment applies at a level of type `type`. At an object-typed level the condition is decided as
 * graphql-js does; at an abstract level the runtime type is unknown, so every fragment is walked and `isListed`
 * filters its fields.
 */
function fragmentApplies(
  condition: NamedTypeNode | undefined,
  type: GraphQLNamedType | undefined,
  schema: GraphQLSchema,
): boolean {
  if (condition === undefined || !isObjectType(type)) return true;
  const conditionType = schema.getType(condition.name.value);
  if (conditionType === type) return true;
  return isAbstractType(conditionType) && schema.isSubType(conditionType, type);
}

/** Groups the fields of one level by response key, in first-seen order, flattening fragments. */
function collectFields(
  selections: readonly SelectionNode[],
  type: GraphQLNamedType | undefined,
  walk: Walk,
  fields: Map<string, FieldNode[]>,
  visitedFragments: Set<string>,
): void {
  for (const selection of selections) {
    if (!isSelected(selection, walk.variables)) continue;
    switch (selection.kind) {
      case Kind.FIELD: {
        if (!isListed(type, selection.name.value)) break;
        const key = selection.alias?.value ?? selection.name.value;
        const group = fields.get(key);
        if (group === undefined) fields.set(key, [selection]);
        else group.push(selection);
        break;
      }
      case Kind.INLINE_FRAGMENT:
        if (!fragmentApplies(selection.typeCondition, type, walk.schema)) break;
        collectFields(selection.selectionSet.selections, type, walk, fields, visitedFragments);
        break;
      case Kind.FRAGMENT_SPREAD: {
        const name = selection.name.value;
        const fragment = walk.fragments[name];
        if (fragment === undefined || visitedFragments.has(name)) break;
        visitedFragments.add(name);
        if (!fragmentApplies(fragment.typeCondition, type, walk.schema)) break;
        collectFields(fragment.selectionSet.selections, type, walk, fields, visitedFragments);
        break;
      }
    }
  }
}

function listLevel(
  selectionSets: readonly SelectionSetNode[],
  type: GraphQLNamedType | undefined,
  prefix: string,
  walk: Walk,
): void {
  const fields = new Map<string, FieldNode[]>();
  const visitedFragments = new Set<string>();
  for (const selectionSet of selectionSets) {
    collectFields(selectionSet.selections, type, walk, fields, visitedFragments);
  }
  for (const [key, nodes] of fields) {
    const path = prefix + key;
    walk.out.push(path);
    const children = nodes.flatMap((node) => (node.selectionSet === undefined ? [] : [node.selectionSet]));
    if (children.length > 0) listLevel(children, fieldType(type, nodes[0]!.name.value), `${path}/`, walk);
  }
}

function printDirectives(directives: readonly DirectiveNode[] | undefined): string {
  return directives === undefined ? '' : directives.map((directive) => ` ${print(directive)}`).join('');
}

// Own printer rather than graphql-js `print`, which wraps long argument lists over several lines.
function printSelection(selection: SelectionNode, indent: string): string {
  switch (selection.kind) {
    case Kind.FIELD: {
      const name = selection.alias ? `${selection.alias.value}: ${selection.name.value}` : selection.name.value;
      const args =
        selection.arguments && selection.arguments.length > 0
          ? `(${selection.arguments.map((arg) => `${arg.name.value}: ${print(arg.value)}`).join(', ')})`
          : '';
      const body = selection.selectionSet ? ` ${printSelections(selection.selectionSet.selections, indent)}` : '';
      return `${name}${args}${printDirectives(selection.directives)}${body}`;
    }
    case Kind.FRAGMENT_SPREAD:
      return `...${selection.name.value}${printDirectives(selection.directives)}`;
    case Kind.INLINE_FRAGMENT: {
      const condition = selection.typeCondition ? ` on ${selection.typeCondition.name.value}` : '';
      const body = printSelections(selection.selectionSet.selections, indent);
      return `...${condition}${printDirectives(selection.directives)} ${body}`;
    }
  }
}

function printSelections(selections: readonly SelectionNode[], indent: string): string {
  const inner = `${indent}  `;
  return `{\n${selections.map((selection) => inner + printSelection(selection, inner)).join('\n')}\n${indent}}`;
}

/**
 * Computes `selectionSetList` and `selectionSetGraphQL` for a field being resolved, as AppSync puts them on
 * `ctx.info`. Pass graphql-js's `info.fieldNodes` (several nodes when the query selects the same response key more
 * than once; their selections are merged), `info.fragments`, `info.variableValues`, `info.schema` and
 * `info.parentType`.
 *
 * @example
 * // query { getPost(id: "1") { id title: headline author { name } } }
 * selectionInfo(info.fieldNodes, info.fragments, info.variableValues, info.schema, info.parentType);
 * // { selectionSetList: ['id', 'title', 'author', 'author/name'],
 * //   selectionSetGraphQL: '{\n  id\n  title: headline\n  author {\n    name\n  }\n}' }
 */
export function selectionInfo(
  fieldNode: FieldNode | readonly FieldNode[],
  fragments: Record<string, FragmentDefinitionNode>,
  variables: Record<string, unknown>,
  schema: GraphQLSchema,
  parentType: GraphQLObjectType,
): SelectionInfo {
  const nodes: readonly FieldNode[] = Array.isArray(fieldNode) ? fieldNode : [fieldNode as FieldNode];
  const selectionSets = nodes.flatMap((node) => (node.selectionSet === undefined ? [] : [node.selectionSet]));
  if (selectionSets.length === 0) return { selectionSetList: [], selectionSetGraphQL: '' };

  const fieldName = nodes[0]!.name.value;
  const walk: Walk = { schema, fragments, variables, out: [] };
  listLevel(selectionSets, fieldType(parentType, fieldName), '', walk);
  return {
    selectionSetList: walk.out,
    selectionSetGraphQL: printSelections(
      selectionSets.flatMap((selectionSet) => selectionSet.selections),
      '',
    ),
  };
}
