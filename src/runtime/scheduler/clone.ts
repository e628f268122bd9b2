/** Clones and promotable clones (pcmk_sched_clone.c, pcmk_sched_promotable.c). */
import {pseudoAction} from './actions.js'
import {applyLocation, primitiveApplyColocScore} from './placement.js'
import {updateOrderedActions} from './ordering.js'
import {type Action, type Rsc, type SNode, type VariantMethods, type WorkingSet} from './types.js'

export function makeCloneMethods(ws: () => WorkingSet): VariantMethods {
  return {
    assign: (rsc: Rsc, prefer: SNode | null) => {
      for (const c of rsc.children) c.fns.assign(c, prefer)
      rsc.provisional = false
      return null
    },
    createActions: (rsc: Rsc) => {
      for (const c of rsc.children) c.fns.createActions(c)
      for (const t of ['start', 'running', 'stop', 'stopped']) pseudoAction(ws(), rsc, t, true)
    },
    internalConstraints: (rsc: Rsc) => { for (const c of rsc.children) c.fns.internalConstraints(c) },
    applyColocScore: primitiveApplyColocScore,
    applyLocation: (rsc, loc) => { applyLocation(rsc, loc); for (const c of rsc.children) c.fns.applyLocation(c, loc) },
    actionFlags: (a: Action) => ({optional: a.optional, runnable: a.runnable}),
    updateOrderedActions: (first, then, node, flags, filter, type) => updateOrderedActions(ws(), first, then, node, flags, filter, type),
  }
}
