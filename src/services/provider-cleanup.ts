// With TWILIO_DELETE_AFTER_MINUTES set, the provider's copies are deleted soon after processing: Twilio's logs of
// who texted the line, and what they said, are the copy most exposed to a subpoena or a stolen account.
import type { Deps } from '../deps.js';
import { giveUpOverdueTranscripts } from './inbound-voice.js';

type CleanupDeps = Pick<Deps, 'repos' | 'sms' | 'config' | 'now' | 'log' | 'writes' | 'events'>;

const BATCH = 100;
// A message still on its way can't be deleted; one without a final status for this long is done anyway.
const SENT_SETTLE_MS = 2 * 3_600_000;

export async function deleteFromProvider(deps: CleanupDeps): Promise<{ inbound: number; outbound: number; media: number }> {
  // A recording is kept while its transcript is awaited; the wait ends here, deletion on or off (this is the
  // maintenance run's provider duty), so that a transcript that never comes stops holding the recording back.
  const overdue = await giveUpOverdueTranscripts(deps);
  if (overdue > 0) deps.log.info({ transcriptsOverdue: overdue }, 'voice reports marked without transcript');
  const minutes = deps.config.twilio.deleteAfterMinutes;
  if (!minutes || deps.sms.name !== 'twilio') return { inbound: 0, outbound: 0, media: 0 };
  const now = deps.now();
  const cutoff = now - minutes * 60_000;
  const { retention } = deps.repos;

  // Media first: deleting a message leaves its media (photos, recordings) behind at Twilio.
  let media = 0;
  for (const report of retention.reportsWithMedia(cutoff, BATCH)) {
    for (const url of report.media) {
      await deleteMediaUrl(deps, url);
      media++;
    }
    retention.clearMedia(report.id);
  }

  const inbound = retention.inboundAtProvider(cutoff, BATCH);
  for (const sid of inbound) {
    // Calls leave recordings (handled with the report's media), not messages.
    if (/^(SM|MM)/.test(sid)) await deps.sms.deleteMessage(sid);
    retention.markInboundDeleted(sid, now);
  }

  const outbound = retention.outgoingAtProvider(cutoff, now - SENT_SETTLE_MS, BATCH);
  for (const row of outbound) {
    if (row.sid) await deps.sms.deleteMessage(row.sid);
    retention.markOutgoingDeleted(row.id, now);
  }
  const counts = { inbound: inbound.length, outbound: outbound.length, media };
  if (counts.inbound + counts.outbound + counts.media > 0) deps.log.info({ deletedAtProvider: counts }, 'deleted processed messages from the provider');
  return counts;
}

/** Twilio media and recording URLs name what to delete: …/Messages/MM…/Media/ME… or …/Recordings/RE…. */
async function deleteMediaUrl(deps: CleanupDeps, url: string): Promise<void> {
  const media = /\/Messages\/((?:MM|SM)[0-9a-f]{32})\/Media\/(ME[0-9a-f]{32})/.exec(url);
  if (media?.[1] && media[2]) return deps.sms.deleteMedia(media[1], media[2]);
  const recording = /\/Recordings\/(RE[0-9a-f]{32})/.exec(url);
  if (recording?.[1]) return deps.sms.deleteRecording(recording[1]);
}
