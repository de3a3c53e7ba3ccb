import type { IncidentDetail } from '../api.js';
import { t } from '../i18n.js';

type Report = IncidentDetail['reports'][number];

/** A report's photos and recordings, from the console's own authenticated media route (never the provider's). */
export function ReportMedia({ report }: { report: Report }) {
  // A phone report's words are in its recording until (unless) a transcript replaces its text.
  const transcriptNote = report.transcript === 'none' ? t('transcript_none') : report.transcript === 'pending' ? t('transcript_pending') : null;
  if (report.media.length === 0 && !transcriptNote) return null;
  const reporter = t('reporter', { letter: report.reporter });
  const photos = report.media.filter((m) => m.kind === 'photo');
  const recordings = report.media.filter((m) => m.kind === 'recording');
  return (
    <div class="media">
      {photos.map((photo, i) => (
        <a key={photo.id} href={photo.url} target="_blank" rel="noopener" class="photo">
          <img src={photo.url} alt={t('photo_alt', { n: i + 1, reporter })} loading="lazy" />
        </a>
      ))}
      {recordings.map((recording, i) => {
        const label = t('recording_label', { n: i + 1, reporter });
        return (
          <figure key={recording.id} class="recording">
            <figcaption id={`rec-${recording.id}`}>{label}</figcaption>
            <audio controls preload="none" src={recording.url} aria-labelledby={`rec-${recording.id}`} />
          </figure>
        );
      })}
      {transcriptNote && <p class="note transcript">{transcriptNote}</p>}
    </div>
  );
}
