// Starts kinesalite (in memory) on 127.0.0.1 only, with no CREATING/DELETING/UPDATING delays.
// Usage: node kinesalite_loopback.js <path to the kinesalite package> <port|0> <info file>
// Writes {"pid","port"} to the info file once listening. SIGTERM stops it.
'use strict'
const fs = require('fs')
const [modulePath, portText, infoFile] = process.argv.slice(2)
const kinesalite = require(modulePath)
const server = kinesalite({createStreamMs: 0, deleteStreamMs: 0, updateStreamMs: 0, shardLimit: 1000})
server.listen(Number(portText) || 0, '127.0.0.1', () => {
  const info = JSON.stringify({pid: process.pid, port: server.address().port})
  fs.writeFileSync(infoFile + '.tmp', info)
  fs.renameSync(infoFile + '.tmp', infoFile)
})
process.on('SIGTERM', () => process.exit(0))
process.on('SIGINT', () => process.exit(0))
