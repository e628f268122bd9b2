#!/usr/bin/env node
console.log('hakit demo: see README.md')
