import { t } from '../i18n.js';

/** What a dispatcher sees on an admin screen: the server refuses the data anyway; this says why there is none. */
export function AdminsOnly({ title }: { title: string }) {
  return (
    <main id="main" class="narrow">
      <h1>{title}</h1>
      <p class="note">{t('admins_only')}</p>
    </main>
  );
}
