import type {Cib} from '../../../src/formats/cib/model.js'
import {parseCibXml} from '../../../src/formats/cib/xml.js'

/** A CIB whose every resource id names its epoch, so a torn or mixed file cannot pass for a whole one. */
export function durabilityCib(epoch: number, resources = 300): Cib {
  const prims = Array.from({length: resources}, (_, i) =>
    `<primitive id="r${epoch}-${i}" class="ocf" provider="pacemaker" type="Dummy"><instance_attributes id="r${epoch}-${i}-i"><nvpair id="r${epoch}-${i}-i-s" name="state" value="/run/d-${i}"/></instance_attributes></primitive>`)
  return parseCibXml(`<cib validate-with="pacemaker-3.9" admin_epoch="0" epoch="${epoch}" num_updates="0">
  <configuration>
    <crm_config><cluster_property_set id="cib-bootstrap-options"><nvpair id="o-s" name="stonith-enabled" value="false"/></cluster_property_set></crm_config>
    <nodes><node id="1" uname="n1"/></nodes>
    <resources>${prims.join('')}</resources>
    <constraints/>
  </configuration>
  <status/>
</cib>`, 'durability')
}
