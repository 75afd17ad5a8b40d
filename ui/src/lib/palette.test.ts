import { describe, expect, it } from 'vitest'
import { search, type Command } from './palette'

const commands: Command[] = [
  { id: 'account:prod-alice', label: 'prod-alice', detail: 'alice@corp.test · User Login', group: 'Accounts' },
  { id: 'account:staging-bob', label: 'staging-bob', detail: 'bob@corp.test · TalkStack', group: 'Accounts' },
  { id: 'add', label: 'Add account', detail: 'Ctrl+N', group: 'Actions' },
  { id: 'screen:history', label: 'Go to History', detail: 'Ctrl+3', group: 'Screens' },
]

describe('command palette search', () => {
  it('finds accounts by any part of their name, email or provider, words in any order', () => {
    expect(search(commands, 'talkstack').map((c) => c.id)).toEqual(['account:staging-bob'])
    expect(search(commands, 'corp alice').map((c) => c.id)).toEqual(['account:prod-alice'])
    expect(search(commands, 'ALICE').map((c) => c.id)).toEqual(['account:prod-alice'])
  })

  it('puts labels that start with the query first', () => {
    const list: Command[] = [
      { id: 'x', label: 'Copy the staging token', detail: '', group: 'Actions' },
      { id: 'account:staging', label: 'staging', detail: '', group: 'Accounts' },
    ]
    expect(search(list, 'staging').map((c) => c.id)).toEqual(['account:staging', 'x'])
  })

  it('shows everything for an empty query, in list order', () => {
    expect(search(commands, '  ')).toEqual(commands)
  })
})
