/**
 * scripts/man.mjs: one man page per command (the commands dir walked) plus
 * hakit(1), each with the sections man(7) expects and the command's EXIT
 * STATUS and EXAMPLES; groff formats every page without a warning.
 */
import {test} from 'node:test'
import assert from 'node:assert/strict'
import {spawnSync} from 'node:child_process'
import {existsSync, mkdtempSync, readFileSync, readdirSync, rmSync} from 'node:fs'
import {tmpdir} from 'node:os'
import {join} from 'node:path'
import {haveCommand, projectRoot} from '../helpers/cli.js'
import {commandIds} from '../helpers/commands.js'

const manifest = join(projectRoot, 'oclif.manifest.json')
const skip = existsSync(manifest) ? false : 'oclif.manifest.json is missing (npm run build)'

test('a page per command with NAME, SYNOPSIS, OPTIONS, EXIT STATUS, EXAMPLES; groff is silent', {skip}, () => {
  const dir = mkdtempSync(join(tmpdir(), 'hakit-man-'))
  try {
    const r = spawnSync(process.execPath, [join(projectRoot, 'scripts', 'man.mjs'), dir], {encoding: 'utf8'})
    assert.equal(r.status, 0, r.stderr)
    const pages = readdirSync(dir).sort()
    const expected = ['hakit.1', ...commandIds().map((w) => `hakit-${w.join('-')}.1`)].sort()
    assert.deepEqual(pages.filter((p) => !expected.includes(p)), [], 'pages without a command')
    assert.deepEqual(expected.filter((p) => !pages.includes(p)), [], 'commands without a page')
    for (const page of pages.filter((p) => p !== 'hakit.1')) {
      const text = readFileSync(join(dir, page), 'utf8')
      for (const section of ['NAME', 'SYNOPSIS', 'DESCRIPTION', 'OPTIONS', 'EXIT STATUS', 'EXAMPLES', 'SEE ALSO']) {
        assert.match(text, new RegExp(`^\\.SH ${section}$`, 'm'), `${page}: no ${section}`)
      }
      assert.doesNotMatch(text, /<%=/, `${page}: an unrendered template`)
    }
    const overview = readFileSync(join(dir, 'hakit.1'), 'utf8')
    assert.match(overview, /\\fBhakit crm resource move\\fR/)
    if (haveCommand('groff')) {
      for (const page of pages) {
        const g = spawnSync('groff', ['-man', '-Tutf8', '-ww', '-z', join(dir, page)], {encoding: 'utf8'})
        assert.equal(g.stderr, '', `${page}: groff warnings`)
      }
      const shown = spawnSync('groff', ['-man', '-Tascii', join(dir, 'hakit-lint-hacf.1')], {encoding: 'utf8'}).stdout.replace(/.\x08/g, '')
      assert.match(shown, /hakit lint hacf \[FILE\] \[OPTIONS\]/)
      assert.match(shown, /--strict/)
    }
  } finally {
    rmSync(dir, {recursive: true, force: true})
  }
})

test('the package installs the pages (files and directories.man)', () => {
  const pkg = JSON.parse(readFileSync(join(projectRoot, 'package.json'), 'utf8'))
  assert.ok(pkg.files.includes('man'))
  assert.equal(pkg.directories.man, './man')
  assert.match(pkg.scripts.build, /scripts\/man\.mjs/)
})
