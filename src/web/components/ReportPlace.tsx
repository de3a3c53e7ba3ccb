// A report's words with the ones its place was read from highlighted, the place, how precise, and where it came
// from (the network's places, the street index, the geocoder, a ZIP, a photo…); then the details read from it.
import type { IncidentDetail } from '../api.js';
import { t } from '../i18n.js';

type Report = IncidentDetail['reports'][number];

export function ReportText({ report }: { report: Report }) {
  const words = report.location?.words;
  const at = words ? report.text.indexOf(words) : -1;
  return (
    <p class="text" lang={report.language ?? undefined}>
      {at < 0 || !words ? (
        report.text
      ) : (
        <>
          {report.text.slice(0, at)}
          <mark>{words}</mark>
          {report.text.slice(at + words.length)}
        </>
      )}
    </p>
  );
}

export function ReportPlace({ report }: { report: Report }) {
  const location = report.location;
  const details = detailWords(report.details);
  return (
    <>
      <p class="note place-source">
        {location
          ? t('report_place', {
              place: location.label,
              precision: location.precision ? t(`precision_${location.precision}`) : '?',
              source: location.source ? t(`source_${location.source}`) : '?',
            })
          : t('report_unplaced')}
      </p>
      {details.length > 0 && (
        <p class="note details">
          <span class="visually-hidden">{t('details_heading')}: </span>
          {details.join(' · ')}
        </p>
      )}
    </>
  );
}

function detailWords(details: Report['details']): string[] {
  const words: string[] = [];
  if (details.vehicles !== undefined) words.push(t('details_vehicles', { n: details.vehicles }));
  if (details.agencies?.length) words.push(t('details_agencies', { list: details.agencies.join(', ') }));
  if (details.happeningNow) words.push(t('details_now'));
  if (details.arrests) words.push(t('details_arrests'));
  if (details.weapons) words.push(t('details_weapons'));
  if (details.children) words.push(t('details_children'));
  return words;
}
