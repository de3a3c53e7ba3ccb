import { useState } from 'preact/hooks';
import { api, type CommitteeView } from '../api.js';
import { t } from '../i18n.js';
import { CopyField } from './CopyField.js';

/** The invite code, a `Copy` button, and rotating it after a confirmation (the old code stops working). */
export function InviteCode({ committee, onRotated }: { committee: CommitteeView; onRotated: (committee: CommitteeView) => void }) {
  const [asking, setAsking] = useState(false);
  const [status, setStatus] = useState('');

  const rotate = async () => {
    setAsking(false);
    try {
      const updated = await api.rotateInviteCode(committee.id);
      onRotated(updated);
      setStatus(t('cm_rotated', { code: updated.inviteCode }));
    } catch (error) {
      setStatus(t('cm_error', { error: (error as Error).message }));
    }
  };

  return (
    <section aria-labelledby="invite-heading" class="panel">
      <h2 id="invite-heading">{t('cm_join_heading')}</h2>
      <CopyField id="invite-code" label={t('cm_invite_code')} value={committee.inviteCode} />
      <p class="hint">{t('cm_invite_hint', { code: committee.inviteCode })}</p>
      {asking ? (
        <div class="confirm" role="group" aria-labelledby="rotate-question">
          <p id="rotate-question">{t('cm_rotate_confirm', { code: committee.inviteCode })}</p>
          <div class="buttons">
            <button type="button" class="danger" onClick={() => void rotate()}>{t('cm_rotate_yes')}</button>
            <button type="button" class="secondary" onClick={() => setAsking(false)}>{t('cm_cancel')}</button>
          </div>
        </div>
      ) : (
        <button type="button" class="secondary" onClick={() => setAsking(true)}>{t('cm_rotate')}</button>
      )}
      <p role="status" class="form-status">{status}</p>
    </section>
  );
}
