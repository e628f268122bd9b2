/**
 * The CLI's entry, bundled with every command by scripts/bundle.mjs so that a
 * short command (`hakit --version`, `hakit lint authkeys F`) loads a few files
 * instead of ~200 modules: startup is most of its run time.
 */
export {execute} from '@oclif/core'
