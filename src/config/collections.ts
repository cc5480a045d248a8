export const SCANDY_COLLECTIONS = [
  'tools',
  'consumables',
  'workers',
  'lendings',
  'consumable_usages',
  'settings',
  'tickets',
  'ticket_messages',
  'ticket_notes',
] as const;

/** Names we accept for a collection in config and in archives. */
export const COLLECTION_NAME_PATTERN = /^[A-Za-z0-9_][A-Za-z0-9_-]{0,99}$/;

export function isSafeCollectionName(name: string): boolean {
  return COLLECTION_NAME_PATTERN.test(name) && !name.startsWith('system') && !name.startsWith('scandy_backup');
}
