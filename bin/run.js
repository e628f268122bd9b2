#!/usr/bin/env node
import {execute} from '../dist/bundle/cli/entry.js'

await execute({dir: import.meta.url})
