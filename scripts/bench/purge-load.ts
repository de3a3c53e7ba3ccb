// The load side of the purge bench, in a child process so that its timing is not held up by a blocked server
// loop: signed inbound-SMS webhooks at a fixed rate (open loop: each is sent on time, whether or not earlier ones
// have been answered), until the bench says stop. Answers with every request's send time, latency and status.
import twilio from 'twilio';

export interface PurgeLoadPlan {
  type: 'run';
  url: string;
  /** What the server signs against: PUBLIC_URL + path. */
  signedUrl: string;
  authToken: string;
  to: string;
  rate: number;
}

export interface Sample {
  /** Epoch ms when the request was sent. */
  at: number;
  ms: number;
  /** HTTP status, or 0 for a network error. */
  status: number;
}

export type PurgeLoadReply = { type: 'result'; samples: Sample[] } | { type: 'error'; message: string };

const ZIPS = ['94110', '90011', '60623', '10032', '33125', '77036'];
let counter = 0;

async function send(plan: PurgeLoadPlan, samples: Sample[]): Promise<void> {
  const n = counter++;
  const sid = `SM${process.pid.toString(16).padStart(8, '0')}${n.toString(16).padStart(24, '0')}`;
  const params: Record<string, string> = {
    MessageSid: sid,
    SmsSid: sid,
    AccountSid: 'AC00000000000000000000000000000000',
    From: `+1628${String(3_000_000 + n)}`,
    To: plan.to,
    Body: `ICE agents at the car wash, ${ZIPS[n % ZIPS.length]}, three vans`,
    NumMedia: '0',
  };
  const at = Date.now();
  const start = performance.now();
  let status = 0;
  try {
    const response = await fetch(`${plan.url}/twilio/sms`, {
      method: 'POST',
      headers: {
        'content-type': 'application/x-www-form-urlencoded',
        'x-twilio-signature': twilio.getExpectedTwilioSignature(plan.authToken, plan.signedUrl, params),
      },
      body: new URLSearchParams(params).toString(),
    });
    await response.arrayBuffer();
    status = response.status;
  } catch {
    status = 0;
  }
  samples.push({ at, ms: performance.now() - start, status });
}

function run(plan: PurgeLoadPlan): { stop(): Promise<Sample[]> } {
  const samples: Sample[] = [];
  const inFlight = new Set<Promise<void>>();
  const intervalMs = 1000 / plan.rate;
  const started = performance.now();
  let sent = 0;
  // A timer that catches up: the n-th request goes at start + n × interval, however late the timer fires.
  const tick = setInterval(() => {
    while (sent * intervalMs <= performance.now() - started) {
      sent++;
      const request = send(plan, samples).finally(() => inFlight.delete(request));
      inFlight.add(request);
    }
  }, Math.max(1, Math.floor(intervalMs / 2)));
  return {
    async stop() {
      clearInterval(tick);
      await Promise.all(inFlight);
      return samples;
    },
  };
}

let running: { stop(): Promise<Sample[]> } | null = null;
process.on('message', (message: PurgeLoadPlan | { type: 'stop' }) => {
  if (message.type === 'run' && !running) running = run(message);
  else if (message.type === 'stop' && running) {
    void running
      .stop()
      .then((samples): PurgeLoadReply => ({ type: 'result', samples }))
      .catch((error: Error): PurgeLoadReply => ({ type: 'error', message: error.message }))
      .then((reply) => process.send?.(reply));
  }
});
process.on('disconnect', () => process.exit(0));
