import type { Incident } from '../api.js';
import { t } from '../i18n.js';

/** "Corroborated by N people": distinct non-flood reporters close in space and time. It raises priority only. */
export function Corroborated({ incident }: { incident: Pick<Incident, 'priority'> }) {
  if (incident.priority <= 0) return null;
  return <span class="badge corroborated">{t('corroborated_by', { n: incident.priority })}</span>;
}
