// The fake Twilio server in a process of its own, so answering the SDK does not take CPU from the system under
// test. Spoken to over IPC by fake-twilio-client.ts.
import { startFakeTwilio } from '../../test/support/fake-twilio.js';
import type { FakeRequest, FakeReply } from './fake-twilio-client.js';

const fake = await startFakeTwilio();
const reply = (message: FakeReply) => process.send?.(message);

process.on('message', (request: FakeRequest) => {
  void handle(request).catch((error: Error) => reply({ type: 'error', message: error.message }));
});
// The bench died or finished: nothing else will ever ask.
process.on('disconnect', () => void fake.close().then(() => process.exit(0)));

reply({ type: 'ready', url: fake.url, accountSid: fake.accountSid });

async function handle(request: FakeRequest): Promise<void> {
  switch (request.type) {
    case 'wait': {
      const sent = await fake.waitForSent(request.count, request.timeoutMs);
      reply({
        type: 'sent',
        createdAt: sent.map((m) => m.createdAt.getTime()),
        distinctRecipients: new Set(sent.map((m) => m.to)).size,
        requests: fake.requests,
      });
      return;
    }
    case 'reset':
      fake.reset();
      reply({ type: 'reset' });
      return;
  }
}
