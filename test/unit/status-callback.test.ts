import { describe, expect, it } from 'vitest';
import { createTwilioProvider } from '../../src/sms/twilio-provider.js';

const SID = `SM${'0123456789abcdef'.repeat(2)}`;

describe('status callbacks', () => {
  const twilio = createTwilioProvider({
    accountSid: `AC${'0'.repeat(32)}`,
    authToken: 'token',
    fromNumber: '+15005550006',
    statusCallbackUrl: 'https://centinela.example.org/twilio/status',
    timeoutMs: 1000,
    maxInFlight: 10,
  });

  it("item 19: the Twilio provider reads a status callback into our terms: sid, our status, the error code and what it means", () => {
    const read = (fields: Record<string, string>) => twilio.parseStatusCallback({ MessageSid: SID, AccountSid: `AC${'0'.repeat(32)}`, ...fields });
    expect(read({ MessageStatus: 'read' })).toEqual({ sid: SID, status: 'delivered', errorCode: null, errorKind: null });
    expect(read({ MessageStatus: 'canceled', ErrorCode: '' })).toEqual({ sid: SID, status: 'cancelled', errorCode: null, errorKind: null });
    expect(read({ MessageStatus: 'undelivered', ErrorCode: '21610' })).toEqual({ sid: SID, status: 'undelivered', errorCode: '21610', errorKind: 'recipient' });
    expect(read({ MessageStatus: 'failed', ErrorCode: '30034' })).toEqual({ sid: SID, status: 'failed', errorCode: '30034', errorKind: 'account' });
    // A status the ledger does not track still carries its error; an unknown code is this message's alone.
    expect(read({ MessageStatus: 'partially_delivered', ErrorCode: '30007' })).toEqual({ sid: SID, status: null, errorCode: '30007', errorKind: 'permanent' });
    expect(twilio.parseStatusCallback({ MessageSid: 'SMx', MessageStatus: 'delivered' })).toBeNull();
    expect(twilio.parseStatusCallback({ MessageSid: SID })).toBeNull();
  });
});
