export * from './model.js'
export * from './parse.js'
export * from './print.js'
