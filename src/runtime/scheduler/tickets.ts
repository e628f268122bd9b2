/**
 * Tickets (rsc_ticket constraints and the ticket states in the status section), as
 * pcmk_sched_tickets.c: a resource that depends on a ticket that is not granted, or is in
 * standby, is banned from every node, demoted, frozen or has its nodes fenced, per loss-policy.
 */
import type * as M from '../../formats/cib/model.js'
import {parseXmlTree} from '../../formats/cib/xml.js'
import {fenceNode} from './actions.js'
import {INFINITY, isTrue} from './scores.js'
import {type Rsc, Role, roleFromText, type WorkingSet} from './types.js'
import {resourceLocation} from './unpack.js'

export interface Ticket {
  id: string
  granted: boolean
  standby: boolean
}

type LossPolicy = 'stop' | 'demote' | 'fence' | 'freeze'

export interface RscTicket {
  ticket: Ticket
  /** Role the dependency is for (Unknown: any role) */
  role: Role
  lossPolicy: LossPolicy
}

/** The ticket states recorded under <status><tickets>. */
export function unpackTicketStates(ws: WorkingSet): Map<string, Ticket> {
  const tickets = new Map<string, Ticket>()
  for (const section of ws.cib.statusSections ?? []) {
    if (section.name !== 'tickets') continue
    const tree = parseXmlTree(section.xml, 'status')
    for (const state of tree.children.filter((c) => c.name === 'ticket_state')) {
      const id = state.attrs.id
      if (!id) continue
      tickets.set(id, {id, granted: isTrue(state.attrs.granted), standby: isTrue(state.attrs.standby)})
    }
  }
  return tickets
}

function ticketRoleMatches(rsc: Rsc, dep: RscTicket): boolean {
  return dep.role === Role.Unknown || dep.role === rsc.role
}

/** What a missing or standby ticket does to one resource (constraints_for_ticket). */
function constraintsForTicket(ws: WorkingSet, rsc: Rsc, dep: RscTicket): void {
  const {ticket} = dep
  if (ticket.granted && !ticket.standby) return
  if (rsc.children.length > 0) {
    for (const c of rsc.children) constraintsForTicket(ws, c, dep)
    return
  }
  if (!ticket.granted && rsc.runningOn.length > 0) {
    switch (dep.lossPolicy) {
      case 'stop':
        resourceLocation(ws, rsc, null, -INFINITY)
        break
      case 'demote':
        // the promotion score becomes -INFINITY when promotable instances are sorted
        if (dep.role !== Role.Promoted) resourceLocation(ws, rsc, null, -INFINITY)
        break
      case 'fence':
        if (!ticketRoleMatches(rsc, dep)) return
        resourceLocation(ws, rsc, null, -INFINITY)
        for (const node of rsc.runningOn) fenceNode(ws, node, 'deadman ticket was lost', false)
        break
      case 'freeze':
        if (!ticketRoleMatches(rsc, dep)) return
        rsc.managed = false
        rsc.block = true
        break
    }
  } else if (dep.role !== Role.Promoted || dep.lossPolicy === 'stop') {
    resourceLocation(ws, rsc, null, -INFINITY)
  }
}

function lossPolicy(ws: WorkingSet, text: string | undefined, role: Role): LossPolicy {
  const p = (text ?? '').toLowerCase()
  // loss-policy=fence without fencing falls back to stop
  if (p === 'fence') return ws.options.stonithEnabled ? 'fence' : 'stop'
  if (p === 'freeze' || p === 'demote' || p === 'stop') return p
  return role === Role.Promoted ? 'demote' : 'stop'
}

function addTicketDependency(ws: WorkingSet, rsc: Rsc | undefined, ticket: Ticket, roleText: string | undefined, policyText: string | undefined): void {
  if (!rsc) return
  const parsed = roleFromText(roleText)
  const role = parsed === Role.Started ? Role.Unknown : parsed
  const dep: RscTicket = {ticket, role, lossPolicy: lossPolicy(ws, policyText, role)}
  ;(rsc.tickets ??= []).push(dep)
  if (!ticket.granted || ticket.standby) constraintsForTicket(ws, rsc, dep)
}

/** One rsc_ticket constraint (pcmk__unpack_rsc_ticket); tickets it names that have no state are revoked. */
export function unpackRscTicket(ws: WorkingSet, tickets: Map<string, Ticket>, c: M.TicketConstraint, lookup: (id: string) => Rsc[]): void {
  const name = c.attributes.ticket
  if (!name) return
  let ticket = tickets.get(name)
  if (!ticket) {
    ticket = {id: name, granted: false, standby: false}
    tickets.set(name, ticket)
  }
  const policy = c.attributes['loss-policy']
  const sets = c.resourceSets ?? []
  if (sets.length > 0) {
    for (const set of sets) for (const id of set.resources) for (const r of lookup(id)) addTicketDependency(ws, r, ticket, set.role, policy)
    return
  }
  for (const r of lookup(c.attributes.rsc ?? '')) addTicketDependency(ws, r, ticket, c.attributes['rsc-role'], policy)
}

/** A promotable clone that needs a ticket for its promoted role and lacks it is banned (pcmk__require_promotion_tickets). */
export function requirePromotionTickets(ws: WorkingSet, rsc: Rsc): void {
  for (const dep of rsc.tickets ?? []) {
    if (dep.role === Role.Promoted && (!dep.ticket.granted || dep.ticket.standby)) resourceLocation(ws, rsc, null, -INFINITY)
  }
}
