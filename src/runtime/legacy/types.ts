/**
 * The small input model of the legacy (haresources) runtime. The haresources
 * parser's model maps onto it: one line = one group, owned by the line's node,
 * keyed by its first resource token.
 */

/** One haresources resource: `script::a::b` → `{script: 'script', args: ['a', 'b']}`. */
export interface LegacyResource {
  script: string
  args: string[]
  /** The token as written in haresources (for logs); defaults to `script::a::b`. */
  token?: string
}

export interface LegacyGroup {
  /** The group key: the first resource token as written (used in every protocol message). */
  key: string
  /** The preferred node (first field of the line), lowercased as Heartbeat does. */
  ownerNode: string
  /** Started left to right, stopped right to left. */
  resources: LegacyResource[]
}

export function resourceToken(resource: LegacyResource): string {
  return resource.token ?? [resource.script, ...resource.args].join('::')
}

/**
 * Turns one haresources token into a resource as Heartbeat's ResourceManager
 * does: an IP-like token `T` (glob `[0-9]*.[0-9]*.[0-9]*.[0-9]*`) means
 * `IPaddr::T`; otherwise the script is the text before the first `::` and the
 * arguments are the `::`-separated rest.
 */
export function resourceFromToken(token: string): LegacyResource {
  const spelled = /^[0-9][^]*\.[0-9][^]*\.[0-9][^]*\.[0-9]/.test(token) ? `IPaddr::${token}` : token
  const [script, ...args] = spelled.split('::')
  return {script: script ?? '', args: args.filter((arg) => arg !== ''), token}
}

/** Builds a group from a haresources line's fields (`node token token ...`). */
export function groupFromFields(fields: string[]): LegacyGroup {
  const [node, ...tokens] = fields
  if (node === undefined || tokens.length === 0) throw new Error('a haresources group needs a node and at least one resource')
  return {key: tokens[0]!, ownerNode: node.toLowerCase(), resources: tokens.map(resourceFromToken)}
}

/** The group as ResourceManager logs it: `node tok1 tok2`. */
export function groupLine(group: LegacyGroup): string {
  return [group.ownerNode, ...group.resources.map(resourceToken)].join(' ')
}

/**
 * Maps the haresources parser's groups (`src/formats/haresources/model.ts`:
 * `{node, resources: {raw, script, args}[]}`) onto the runtime's groups.
 * Typed structurally so the runtime does not depend on the parser module.
 */
export function groupsFromModel(groups: ReadonlyArray<{node: string; resources: ReadonlyArray<{raw: string; script: string; args: string[]}>}>): LegacyGroup[] {
  return groups
    .filter((g) => g.resources.length > 0)
    .map((g) => ({
      key: g.resources[0]!.raw,
      ownerNode: g.node.toLowerCase(),
      resources: g.resources.map((r) => ({script: r.script, args: [...r.args], token: r.raw})),
    }))
}
