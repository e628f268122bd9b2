/**
 * Shared shell of `hakit crm resource …` / `hakit crm node …`: find the target
 * (CIB file or live cluster), run one pure edit, commit it, print crmsh's notes.
 */
import {Args, Flags} from '@oclif/core'
import {UserError} from '../core/errors.js'
import type {Cib} from '../formats/cib/model.js'
import type {AdminEdit} from '../runtime/crm/admin/edit.js'

export const adminFlags = {
  cib: Flags.string({description: 'CIB XML file to change (default: $CIB_file, else the running hakit cluster)'}),
  socket: Flags.string({description: 'socket of the local hakit CRM daemon (default: $HAKIT_CRM_SOCKET, else /run/hakit/crm.sock)'}),
}

export const ADMIN_EXIT_CODES = `EXIT CODES
  0    done
  1    refused (crmsh's ERROR)
  2    the CIB cannot be read or parsed
  102  no running cluster answers on the socket
  105  no such resource or node
  108  the resource is already there (move)

ENVIRONMENT
  CIB_file          work on this CIB file instead of the running cluster
  HAKIT_CRM_SOCKET  the local daemon's socket`

export interface AdminContext {
  now: number
  /** Nodes a resource is active on now, from the CIB's status. */
  activeOn(id: string): Promise<string[]>
}

export async function runAdminEdit(flags: {cib?: string; socket?: string}, makeEdit: (cib: Cib, ctx: AdminContext) => AdminEdit | Promise<AdminEdit>): Promise<void> {
  const {resolveAdminTarget, loadTarget, commitEdit} = await import('../runtime/crm/admin/apply.js')
  const {locateResource} = await import('../runtime/crm/admin/edit.js')
  const target = await resolveAdminTarget(flags.cib, flags.socket)
  const cib = await loadTarget(target)
  const ctx: AdminContext = {now: Date.now(), activeOn: async (id) => (await locateResource(cib, id)).map((l) => l.node)}
  const edit = await makeEdit(cib, ctx)
  await commitEdit(target, edit, ctx.now)
  if (edit.notes.length > 0) process.stdout.write(edit.notes.join('\n') + '\n')
}

/** Reads the CIB of the target without changing it (status, locate, get, list). */
export async function readAdminCib(flags: {cib?: string; socket?: string}): Promise<Cib> {
  const {resolveAdminTarget, loadTarget} = await import('../runtime/crm/admin/apply.js')
  return loadTarget(await resolveAdminTarget(flags.cib, flags.socket))
}

/** The positional arguments `crm resource param|meta|utilization` share. */
export const resourceAttributeArgs = {
  resource: Args.string({description: 'resource id', required: true}),
  action: Args.string({description: 'get, set, delete or show', required: true, options: ['get', 'set', 'delete', 'show']}),
  name: Args.string({description: 'attribute name', required: true}),
  value: Args.string({description: 'value (set)'}),
}

/**
 * `crm resource param|meta|utilization RSC get|set|delete NAME [VALUE]`: get prints the value
 * (exit 105 when unset); set and delete change the CIB file or the live cluster.
 */
export async function runResourceAttribute(
  kind: 'param' | 'meta' | 'utilization',
  args: {resource: string; action: string; name: string; value?: string},
  flags: {cib?: string; socket?: string},
  print: (text: string) => void,
): Promise<void> {
  const edit = await import('../runtime/crm/admin/edit.js')
  if (args.action === 'get' || args.action === 'show') {
    const value = edit.getResourceAttribute(await readAdminCib(flags), args.resource, kind, args.name)
    if (value === undefined) throw new UserError(`${args.resource} has no ${kind} ${args.name}`, edit.EXIT_NO_SUCH_OBJECT)
    print(value)
    return
  }
  if (args.action === 'set' && args.value === undefined) throw new UserError('set needs a VALUE', 64)
  await runAdminEdit(flags, (cib) => (args.action === 'set' ? edit.setResourceAttribute(cib, args.resource, kind, args.name, args.value!) : edit.deleteResourceAttribute(cib, args.resource, kind, args.name)))
}
