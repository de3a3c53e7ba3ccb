import { useEffect, useRef } from 'preact/hooks';
import type { Preview } from '../api.js';
import { LOCALE_NAMES, t } from '../i18n.js';

/** What a mass send would do; nothing is sent until `Send alert` (or `Approve`, while more approvals are needed). */
export function PreviewPanel({ preview, busy, onSend, onCancel }: { preview: Preview; busy: boolean; onSend: () => void; onCancel: () => void }) {
  const heading = useRef<HTMLHeadingElement>(null);
  useEffect(() => heading.current?.focus(), []);
  const moreNeeded = preview.needed - preview.approvals > 1;
  return (
    <section class="preview" aria-labelledby="preview-heading">
      <h2 id="preview-heading" tabIndex={-1} ref={heading}>{t('preview_title')}</h2>
      {preview.committees.length === 0 ? (
        <p class="warning">{t('preview_uncovered')}</p>
      ) : (
        <>
          <p class="recipients">{t('preview_recipients', { n: preview.recipients })}</p>
          {preview.drillOptedOut > 0 && <p>{t('preview_drill_opted_out', { n: preview.drillOptedOut })}</p>}
          <ul>
            {preview.committees.map((c) => (
              <li key={c.id}>{t('preview_committee', { name: c.name, n: c.recipients })}</li>
            ))}
          </ul>
        </>
      )}
      {preview.needed > 1 && <p>{t('preview_approvals', { approvals: preview.approvals, needed: preview.needed })}</p>}
      {(['en', 'es', 'tl'] as const).map((lang) => (
        <div class="preview-text" key={lang}>
          <h3>{t('preview_text', { lang: LOCALE_NAMES[lang] })}</h3>
          <p lang={lang}>{preview.texts[lang]}</p>
        </div>
      ))}
      <div class="buttons">
        <button type="button" class="danger" disabled={busy || preview.committees.length === 0} onClick={onSend}>
          {moreNeeded ? t('approve') : t('send_alert')}
        </button>
        <button type="button" class="secondary" onClick={onCancel}>{t('cancel')}</button>
      </div>
    </section>
  );
}
