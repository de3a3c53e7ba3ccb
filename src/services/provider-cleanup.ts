// With TWILIO_DELETE_AFTER_MINUTES set, the provider's copies are deleted soon after processing: Twilio's logs of
// who texted the line, and what they said, are the copy most exposed to a subpoena or a stolen account.
import { and, inArray, isNull, lt, or, sql } from 'drizzle-orm';
import { inboundMessages, outgoingMessages, reports } from '../db/schema.js';
import type { Deps } from '../deps.js';

type CleanupDeps = Pick<Deps, 'db' | 'sms' | 'config' | 'now' | 'log'>;

const BATCH = 100;
// A message still on its way can't be deleted; one without a final status for this long is done anyway.
const SENT_SETTLE_MS = 2 * 3_600_000;

export async function deleteFromProvider(deps: CleanupDeps): Promise<{ inbound: number; outbound: number; media: number }> {
  const minutes = deps.config.twilio.deleteAfterMinutes;
  if (!minutes || deps.sms.name !== 'twilio') return { inbound: 0, outbound: 0, media: 0 };
  const now = deps.now();
  const cutoff = now - minutes * 60_000;
  const { db } = deps;
  const mark = { providerDeletedAt: now };

  // Media first: deleting a message leaves its media (photos, recordings) behind at Twilio.
  let media = 0;
  const withMedia = db
    .select({ id: reports.id, media: reports.media })
    .from(reports)
    .where(and(lt(reports.receivedAt, cutoff), sql`${reports.media} != '[]'`))
    .limit(BATCH)
    .all();
  for (const report of withMedia) {
    for (const url of report.media) {
      await deleteMediaUrl(deps, url);
      media++;
    }
    db.update(reports).set({ media: [] }).where(sql`${reports.id} = ${report.id}`).run();
  }

  const inbound = db
    .select({ sid: inboundMessages.sid })
    .from(inboundMessages)
    .where(and(isNull(inboundMessages.providerDeletedAt), lt(inboundMessages.receivedAt, cutoff)))
    .limit(BATCH)
    .all();
  for (const { sid } of inbound) {
    // Calls leave recordings (handled with the report's media), not messages.
    if (/^(SM|MM)/.test(sid)) await deps.sms.deleteMessage(sid);
    db.update(inboundMessages).set(mark).where(sql`${inboundMessages.sid} = ${sid}`).run();
  }

  const outbound = db
    .select({ id: outgoingMessages.id, sid: outgoingMessages.providerSid })
    .from(outgoingMessages)
    .where(
      and(
        isNull(outgoingMessages.providerDeletedAt),
        lt(outgoingMessages.updatedAt, cutoff),
        or(
          inArray(outgoingMessages.status, ['delivered', 'undelivered', 'failed']),
          and(inArray(outgoingMessages.status, ['sent']), lt(outgoingMessages.updatedAt, now - SENT_SETTLE_MS)),
        ),
      ),
    )
    .limit(BATCH)
    .all();
  for (const row of outbound) {
    if (row.sid) await deps.sms.deleteMessage(row.sid);
    db.update(outgoingMessages).set(mark).where(sql`${outgoingMessages.id} = ${row.id}`).run();
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
