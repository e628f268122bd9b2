/**
 * The parts of @oclif/core that hakit uses, taken from its sub-paths. scripts/bundle.mjs points
 * every `import … from '@oclif/core'` here: oclif's index would also run, on every start, a
 * Node-version check that loads semver (~50 modules) and cannot succeed inside the bundle.
 */
export * as Args from '@oclif/core/args'
export {Command} from '@oclif/core/command'
export {execute} from '@oclif/core/execute'
export * as Flags from '@oclif/core/flags'
export {Help, loadHelpClass} from '@oclif/core/help'
