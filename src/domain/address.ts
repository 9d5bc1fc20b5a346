/** Why an address is on the never-send list. */
export const BlockKind = {
  unsubscribed: 'unsubscribed',
  bounced: 'bounced',
  complained: 'complained',
} as const;
export type BlockKind = (typeof BlockKind)[keyof typeof BlockKind];
