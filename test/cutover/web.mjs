// The service of the cut-over lab: answers every HTTP request on ADDRESS:PORT with the node's name.
//   node web.mjs ADDRESS PORT NODE
import {createServer} from 'node:http'

const [address, port, node] = process.argv.slice(2)
createServer((request, response) => {
  response.writeHead(200, {'content-type': 'text/plain', connection: 'close'})
  response.end(node)
}).listen(Number(port), address)
