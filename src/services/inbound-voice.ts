// A report left on the phone menu: a ZIP from the keypad and a recorded description, filed like a texted one.
import { inTransaction } from '../db/client.js';
import type { Deps } from '../deps.js';
import { isPhoneNumber } from '../domain/senders.js';
import type { Locale } from '../domain/types.js';
import { zipCentroid } from '../geo/zips.js';

export interface VoiceReport {
  callSid: string;
  from: string;
  locale: Locale;
  zip: string | null;
  recordingUrl: string | null;
  flood?: boolean;
}

/** Returns the report to process, or null when this call was filed already (Twilio retried the webhook). */
export function fileVoiceReport(deps: Pick<Deps, 'db' | 'repos' | 'now'>, call: VoiceReport): string | null {
  const now = deps.now();
  return inTransaction(deps.db, () => {
    if (deps.repos.inbound.get(call.callSid)) return null;
    // A withheld caller ID is many callers: their reports get no shared contact.
    const contact = isPhoneNumber(call.from) ? deps.repos.contacts.findOrCreate(call.from, now, true).contact : null;
    if (contact && !contact.localeExplicit && !contact.locale) deps.repos.contacts.setLocale(contact.id, call.locale, false);
    const centroid = call.zip ? zipCentroid(call.zip) : null;
    const report = deps.repos.reports.insert({
      contactId: contact?.id ?? null,
      channel: 'voice',
      // The words are in the recording; dispatchers listen to it from the console.
      text: call.zip ? `Voice report (ZIP ${call.zip})` : 'Voice report',
      language: call.locale,
      kind: 'other',
      lat: centroid?.lat ?? null,
      lng: centroid?.lng ?? null,
      label: centroid ? `ZIP ${call.zip}` : null,
      precision: centroid ? 'zip' : null,
      zip: centroid ? call.zip : null,
      // A caller can't be asked by text where it is: the dispatcher places an unplaced voice report.
      askedLocation: true,
      media: call.recordingUrl ? [call.recordingUrl] : [],
      flood: call.flood ?? false,
      receivedAt: now,
    });
    // Known to the flood rule from tomorrow on; a flood report vouches for nothing.
    if (contact && !call.flood) deps.repos.seen.record(call.from, now);
    deps.repos.inbound.record({ sid: call.callSid, contactId: contact?.id ?? null, kind: 'voice', reply: null, receivedAt: now });
    return report.id;
  });
}
