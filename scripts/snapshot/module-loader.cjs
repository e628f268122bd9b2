// oclif's module loader, as the startup snapshot sees it (scripts/snapshot/build.mjs puts it in
// place of @oclif/core/lib/module-loader.js). A V8 snapshot cannot import(): the commands, the help
// class and the hook are already in the snapshot, registered under their paths in the package
// (dist/bundle/...), so oclif gets them from there; anything else goes to oclif's own loader.
const path = require('node:path')
const original = require('oclif-module-loader')

const registry = () => globalThis[Symbol.for('hakit.snapshot')]

function lookup(filePath) {
  const snapshot = registry()
  if (!snapshot?.root) return undefined
  const relative = path.relative(snapshot.root, filePath).split(path.sep).join('/')
  const loader = snapshot.modules[relative] ?? snapshot.modules[`${relative}.js`]
  return loader?.()
}

exports.load = async function load(config, modulePath) {
  return (await lookup(path.resolve(config.root, modulePath))) ?? original.load(config, modulePath)
}

exports.loadWithData = async function loadWithData(config, modulePath) {
  const filePath = path.resolve(config.root, modulePath)
  const module = await lookup(filePath)
  return module ? {filePath, isESM: true, module} : original.loadWithData(config, modulePath)
}

exports.loadWithDataFromManifest = async function loadWithDataFromManifest(cached, modulePath) {
  const filePath = path.join(modulePath, ...(cached.relativePath ?? []))
  const module = await lookup(filePath)
  return module ? {filePath, isESM: true, module} : original.loadWithDataFromManifest(cached, modulePath)
}

exports.isPathModule = original.isPathModule
