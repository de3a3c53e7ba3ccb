// The committees screen: every committee with its area, and a form to create one.
import { useEffect, useState } from 'preact/hooks';
import { api, type AreaInput, type CommitteeView } from '../api.js';
import { CommitteeForm } from '../components/CommitteeForm.js';
import { Link } from '../components/Link.js';
import { t } from '../i18n.js';
import { navigate } from '../router.js';

export function areaSummary(area: AreaInput): string {
  if (area.type === 'zips') return t('cm_area_zips', { zips: area.zips.join(', ') });
  if (area.type === 'circle') return t('cm_area_circle', { radius: Math.round(area.radiusMeters) });
  return t('cm_area_polygon');
}

export function Committees() {
  const [committees, setCommittees] = useState<CommitteeView[] | null>(null);
  const [error, setError] = useState('');

  useEffect(() => {
    api.committees().then(setCommittees, (e: Error) => setError(e.message));
  }, []);

  const create = async (input: { name: string; area: AreaInput; autoApprove: boolean }) => {
    const created = await api.createCommittee(input);
    navigate(`/committees/${created.id}`);
    return t('cm_created', { name: created.name });
  };

  return (
    <main id="main" class="committees">
      <h1>{t('cm_title')}</h1>
      {error && <p role="alert">{error}</p>}
      {committees === null ? (
        <p role="status">{t('loading')}</p>
      ) : committees.length === 0 ? (
        <p>{t('cm_none')}</p>
      ) : (
        <ul class="committee-list">
          {committees.map((c) => (
            <li key={c.id}>
              <Link href={`/committees/${c.id}`}>{c.name}</Link>
              <span class="hint"> · {areaSummary(c.area)}</span>
            </li>
          ))}
        </ul>
      )}
      <section aria-labelledby="new-committee" class="panel">
        <h2 id="new-committee">{t('cm_new')}</h2>
        <CommitteeForm id="new" submitLabel={t('cm_create')} save={create} />
      </section>
    </main>
  );
}
