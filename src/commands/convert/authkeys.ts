import {Args, Flags} from '@oclif/core'
import {HakitCommand} from '../../cli/base-command.js'
import {CONVERT_EXIT_CODES} from '../../cli/exit-codes.js'
import {sortFindings} from '../../core/findings.js'

export default class ConvertAuthkeys extends HakitCommand {
  static override summary = 'Make a corosync authkey from heartbeat authkeys'
  static override description = `Writes the binary corosync authkey (256 bytes, mode 0400). By default it is derived reproducibly from the sha1/md5 passphrase that "auth N" selects (HKDF-SHA256 with a fixed salt), so every node gets the same key from the same authkeys; --generate makes a random key instead (then copy that one file to every node). crc (no authentication) and files without a usable key always get a random key, with a warning. The key is never printed.

${CONVERT_EXIT_CODES}`

  static override examples = [
    '<%= config.bin %> convert authkeys --out /etc/corosync/authkey',
    '<%= config.bin %> convert authkeys /etc/ha.d/authkeys --generate --out authkey',
  ]

  static override args = {
    file: Args.string({description: 'authkeys file', default: '/etc/ha.d/authkeys'}),
  }

  static override flags = {
    out: Flags.string({description: 'where to write the authkey (mode 0400)', required: true}),
    generate: Flags.boolean({description: 'random key instead of one derived from the passphrase'}),
    json: Flags.boolean({description: 'print the findings as JSON on stdout'}),
  }

  async run(): Promise<void> {
    const {args, flags} = await this.parse(ConvertAuthkeys)
    const [{loadLegacy}, {selectedAuthKey}, {convertAuthkeys, AUTHKEY_MODE}, support] = await Promise.all([
      import('../../converters/load.js'),
      import('../../converters/bundle.js'),
      import('../../converters/authkeys/convert.js'),
      import('../../cli/convert-output.js'),
    ])
    const inputs = await loadLegacy({authkeys: args.file})
    const result = convertAuthkeys(selectedAuthKey(inputs.authkeys), {generate: flags.generate, file: args.file})
    const findings = sortFindings([...inputs.findings, ...result.findings])
    await support.emitConversion({command: this.id!, data: result.key, out: flags.out, mode: AUTHKEY_MODE, json: flags.json, findings})
  }
}
