/** Shared help text of `hakit crm resource force-*` (kept apart so commands load nothing else at startup). */
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
