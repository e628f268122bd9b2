/** Shared help text and base of `hakit crm resource force-*` (kept apart so commands load nothing else at startup). */
import {Args, Flags} from '@oclif/core'
import type {ForceAction} from '../runtime/executor/force.js'
import {HakitCommand} from './base-command.js'

export const FORCE_HELP = `Runs one operation of RESOURCE from a CIB (--cib, else $CIB_file, else the running cluster's CIB) on this machine, as crm_resource --force-start|--force-stop|--force-check|--force-promote|--force-demote|--validate do: with the resource's instance attributes, its meta attributes as CRM_meta_*, the action's configured timeout (else op_defaults, else 20s). Prints the rc, its meaning and the exit reason, then the agent's output. Agents that call crm_attribute, crm_master, attrd_updater or crm_node reach hakit's local attribute store ($HAKIT_ATTRIBUTE_STORE). Every class runs (crm_resource itself refuses stonith, systemd where PID 1 is not systemd, and heartbeat).

EXIT CODES
  as crm_resource's:
  0-9, 190, 191  the agent's OCF rc (LSB and heartbeat-class results mapped to OCF)
  1              timed out or failed to run (see the message)
  3              a group resource (not supported, as crm_resource)
  5              agent not installed (with a did-you-mean)
  2              the CIB cannot be read
  105            no such resource

ENVIRONMENT
  CIB_file               the CIB when --cib is not given
  HAKIT_ATTRIBUTE_STORE  node attribute file the agent-facing tools use`

/**
 * Base of the six `hakit crm resource force-*|validate` commands: RESOURCE, --cib and --verbose,
 * and a run that hands them to runForceCommand (loaded only when the command runs).
 */
export abstract class ForceCommand extends HakitCommand {
  /** The crm_resource operation this command runs. */
  static action: ForceAction
  static override description = FORCE_HELP
  static override args = {resource: Args.string({description: 'resource id', required: true})}
  static override flags = {
    cib: Flags.string({description: 'CIB XML or crm file (default: $CIB_file, else the running cluster)'}),
    verbose: Flags.boolean({char: 'V', description: 'also show validate-all output'}),
  }

  async run(): Promise<void> {
    const command = this.constructor as typeof ForceCommand
    // oclif's parse copies only a class's own static properties: name the inherited ones
    const {args, flags} = await this.parse({args: command.args, flags: command.flags, strict: command.strict})
    const {runForceCommand} = await import('./force-command.js')
    await runForceCommand(command.action, args.resource, flags.cib, flags.verbose)
  }
}
