/**
 * The output formats of the convert commands, all printed from the same CIB
 * model: CIB XML, crm shell script, pcs script; plus corosync.conf.
 */
import type {Cib} from '../formats/cib/model.js'
import {printCibXml} from '../formats/cib/xml.js'
import {printCrm} from '../formats/crm/print.js'
import {printPcsScript} from './emit/pcs.js'

export type CibFormat = 'cib' | 'crm' | 'pcs'

export function printCibAs(cib: Cib, format: CibFormat, header: string[] = []): string {
  switch (format) {
    case 'cib':
      return printCibXml(cib)
    case 'crm': {
      // crmsh turns comments into XML comments, which may not contain `--`.
      const comments = header.map((l) => `# ${l.replaceAll('--', '- -').replace(/-$/, '')}`.trimEnd()).join('\n')
      const body = printCrm(cib)
      return comments ? `${comments}\n${body}` : body
    }
    case 'pcs':
      return printPcsScript(cib, {header})
  }
}
