import { useEffect, useMemo, useState } from 'preact/hooks';
import type { Incident } from '../api.js';
import { Link } from '../components/Link.js';
import { Corroborated } from '../components/Corroborated.js';
import { DrillForm, DrillList } from '../components/DrillForm.js';
import { MapView } from '../components/MapView.js';
import { StatusBadge } from '../components/StatusBadge.js';
import { age, boardOrder, placeText } from '../components/format.js';
import { kindName, t } from '../i18n.js';
import { navigate } from '../router.js';

const OPEN = new Set(['new', 'verifying', 'confirmed']);
const FILTERS = ['open', 'all', 'new', 'verifying', 'confirmed', 'dismissed', 'resolved', 'expired'] as const;
type Filter = (typeof FILTERS)[number];

export function Board({ incidents, live }: { incidents: Incident[]; live: boolean }) {
  const [filter, setFilter] = useState<Filter>('open');
  const [now, setNow] = useState(Date.now());
  useEffect(() => {
    const timer = setInterval(() => setNow(Date.now()), 30_000);
    return () => clearInterval(timer);
  }, []);
  const shown = useMemo(
    () => incidents.filter((i) => (filter === 'all' ? true : filter === 'open' ? OPEN.has(i.status) : i.status === filter)).sort(boardOrder),
    [incidents, filter],
  );
  // Drills are listed apart: their counts never mix with real incidents'.
  const real = useMemo(() => shown.filter((i) => !i.drill), [shown]);
  const drills = useMemo(() => shown.filter((i) => i.drill), [shown]);

  return (
    <main id="main" class="board">
      <div class="board-head">
        <h1>{t('board_title')}</h1>
        <p class={live ? 'live on' : 'live off'} role="status">{live ? t('live') : t('reconnecting')}</p>
        <label class="filter">
          {t('filter_status')}{' '}
          <select value={filter} onChange={(e) => setFilter(e.currentTarget.value as Filter)}>
            {FILTERS.map((f) => (
              <option value={f}>{f === 'open' ? t('filter_open') : f === 'all' ? t('filter_all') : t(`status_${f}`)}</option>
            ))}
          </select>
        </label>
      </div>
      <div class="board-body">
        <section class="board-list" aria-labelledby="list-heading">
          <h2 id="list-heading" class="visually-hidden">{t('board')}</h2>
          {real.length === 0 ? (
            <p>{t('no_incidents')}</p>
          ) : (
            <table class="incidents">
              <thead>
                <tr>
                  <th scope="col">{t('col_code')}</th>
                  <th scope="col">{t('col_status')}</th>
                  <th scope="col">{t('col_kind')}</th>
                  <th scope="col">{t('col_place')}</th>
                  <th scope="col">{t('col_reports')}</th>
                  <th scope="col">{t('col_reporters')}</th>
                  <th scope="col">{t('col_age')}</th>
                </tr>
              </thead>
              <tbody>
                {real.map((incident) => (
                  <tr key={incident.id} class={`row-${incident.status}`}>
                    <td data-label={t('col_code')}>
                      <Link href={`/incidents/${incident.code}`} class="code">{incident.code}</Link>
                      {incident.drill && <span class="badge drill">{t('drill')}</span>}
                      <Corroborated incident={incident} />
                    </td>
                    <td data-label={t('col_status')}><StatusBadge status={incident.status} /></td>
                    <td data-label={t('col_kind')}>{kindName(incident.kind)}</td>
                    <td data-label={t('col_place')} class={incident.location ? '' : 'unplaced'}>{placeText(incident)}</td>
                    <td data-label={t('col_reports')}>{incident.reportCount}</td>
                    <td data-label={t('col_reporters')}>{t('reporters_value', { distinct: incident.distinctReporters, flood: incident.floodReporters })}</td>
                    <td data-label={t('col_age')}><time dateTime={incident.firstReportedAt}>{age(incident.firstReportedAt, now)}</time></td>
                  </tr>
                ))}
              </tbody>
            </table>
          )}
          <DrillList drills={drills} />
          <DrillForm />
        </section>
        <section class="board-map" aria-label={t('map')}>
          <MapView incidents={shown} onOpen={(incident) => navigate(`/incidents/${incident.code}`)} />
        </section>
      </div>
    </main>
  );
}
