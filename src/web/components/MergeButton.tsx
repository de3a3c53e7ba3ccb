import { api } from '../api.js';
import { t } from '../i18n.js';
import { navigate } from '../router.js';
import type { RunAction } from './UpdateForm.js';

/** The merge a report suggested: this incident into the other; then the page follows it there. */
export function MergeButton({ incidentId, into, busy, run }: { incidentId: string; into: { id: string; code: string }; busy: boolean; run: RunAction }) {
  const merge = async () => {
    if (!window.confirm(t('confirm_merge', { code: into.code }))) return;
    let merged = false;
    await run(async () => {
      const result = await api.merge(incidentId, into.id);
      merged = true;
      return result;
    }, t('merged_done', { code: into.code }));
    if (merged) navigate(`/incidents/${into.code}`);
  };
  return (
    <button type="button" disabled={busy} onClick={merge}>
      {t('merge_into', { code: into.code })}
    </button>
  );
}

/** One report is another raid: it leaves for a new incident of its own. */
export function SplitButton({ reportId, label, busy, run }: { reportId: string; label: string; busy: boolean; run: RunAction }) {
  return (
    <button type="button" class="secondary small" aria-label={`${t('split')}: ${label}`} disabled={busy} onClick={() => run(() => api.split(reportId), (created) => t('split_done', { code: created.code }))}>
      {t('split')}
    </button>
  );
}
