import { describe, expect, it } from 'vitest';
import { SEND_PRIORITY, sendPriority } from '../../src/domain/send-priority.js';

describe('send priority', () => {
  it('item 10: VERIFY requests and real alerts go ahead of updates, reminders, drills and everything else', () => {
    for (const kind of ['alert', 'verify', 'verify_request']) expect(sendPriority(kind, false), kind).toBe(SEND_PRIORITY.urgent);
    for (const kind of ['update:01J', 'reminder', 'correction', 'all_clear', 'welcome', 'member_request', 'reply']) {
      expect(sendPriority(kind, false), kind).toBeGreaterThan(SEND_PRIORITY.urgent);
    }
    expect(sendPriority('page:unopened', false)).toBeLessThan(sendPriority('update:01J', false));
    // A drill's alert waits behind a real incident's update.
    expect(sendPriority('alert', true)).toBeGreaterThan(sendPriority('update:01J', false));
  });
});
