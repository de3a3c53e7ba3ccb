import type { Incident } from '../api.js';
import { statusName } from './format.js';

export function StatusBadge({ status }: { status: Incident['status'] }) {
  return <span class={`badge status-${status}`}>{statusName(status)}</span>;
}
