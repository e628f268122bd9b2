/**
 * The DC election machine alone: a candidate answers a weaker node's later vote with its own
 * (Pacemaker's election_count_vote does), so a node that started voting after the candidate's
 * broadcast concedes at once instead of waiting for election-timeout. This race left a healed
 * three-node partition without a DC for two minutes (netns-scenarios.test.ts, three nodes).
 */
import {test} from 'node:test'
import assert from 'node:assert/strict'
import {Election, type Credentials} from '../../../src/runtime/crm/election.js'

const creds = (name: string, uptimeMs: number): Credentials => ({featureSet: '3.16.1', uptimeMs, name})

test('a candidate out-votes a weaker voter whose round began after its own vote; the voter concedes and the candidate wins', () => {
  const members = ['a', 'b', 'c']
  const c = new Election('c', members)
  const b = new Election('b', members)
  const cVote = c.feed({type: 'call', now: 0, mine: creds('c', 300), reason: 'test'})
  assert.deepEqual(cVote.map((x) => x.type), ['vote'])
  // a concedes to c's broadcast; b missed it (it had a DC then) and later votes in a round of its own
  const bVote = b.feed({type: 'call', now: 10, mine: creds('b', 200), reason: 'test'})
  const bRound = (bVote[0] as {round: number}).round
  const answer = c.feed({type: 'vote', from: 'b', round: bRound, creds: creds('b', 200), now: 11, mine: creds('c', 300)})
  const counter = answer.find((x) => x.type === 'vote')
  assert.ok(counter && counter.type === 'vote' && counter.to === 'b', `c answers b with its vote: ${JSON.stringify(answer)}`)
  const conceded = b.feed({type: 'vote', from: 'c', round: counter.round, creds: counter.creds, now: 12, mine: creds('b', 200)})
  assert.ok(conceded.some((x) => x.type === 'no-vote' && x.to === 'c'), 'b concedes to c')
  assert.equal(b.phase, 'conceded')
  assert.deepEqual(c.feed({type: 'no-vote', from: 'a', round: counter.round}).map((x) => x.type), [])
  assert.ok(c.feed({type: 'no-vote', from: 'b', round: counter.round}).some((x) => x.type === 'won'), 'c wins with both no-votes')
})

test('a candidate does not answer a stronger voter with a vote: it concedes', () => {
  const c = new Election('c', ['b', 'c'])
  c.feed({type: 'call', now: 0, mine: creds('c', 100), reason: 'test'})
  const out = c.feed({type: 'vote', from: 'b', round: 1, creds: creds('b', 500), now: 1, mine: creds('c', 100)})
  assert.deepEqual(out.filter((x) => x.type === 'vote'), [])
  assert.ok(out.some((x) => x.type === 'no-vote' && x.to === 'b'))
})
