import { useState } from 'preact/hooks';
import { api, type MemberView } from '../api.js';
import { t } from '../i18n.js';

const ROLES: Array<MemberView['role']> = ['responder', 'verifier', 'coordinator'];

/** Members with masked numbers: approve or remove pending ones, change role and duty. */
export function MembersList({ members, onChanged }: { members: MemberView[]; onChanged: () => void }) {
  const [status, setStatus] = useState('');
  const shown = members.filter((m) => m.status !== 'removed');

  const update = async (member: MemberView, patch: Parameters<typeof api.updateMember>[1]) => {
    try {
      await api.updateMember(member.id, patch);
      setStatus(t('cm_member_updated', { phone: member.phone ?? '' }));
      onChanged();
    } catch (error) {
      setStatus(t('cm_error', { error: (error as Error).message }));
    }
  };

  return (
    <>
      <p role="status" aria-live="polite" class="form-status">{status}</p>
      {shown.length === 0 ? (
        <p>{t('cm_no_members')}</p>
      ) : (
        <ul class="members">
          {shown.map((member) => {
            const phone = member.phone ?? '—';
            return (
              <li class={`member member-${member.status}`} key={member.id}>
                <div class="member-head">
                  <span class="member-phone">{phone}</span>
                  <span class={`badge member-status-${member.status}`}>{t(`cm_status_${member.status}`)}</span>
                  {member.stopped && <span class="hint">{t('cm_stopped')}</span>}
                  {member.zip && <span class="hint">{member.zip}</span>}
                </div>
                {member.note && <p class="hint">{member.note}</p>}
                <div class="member-controls">
                  <label>
                    <span class="visually-hidden">{t('cm_role_of', { phone })}</span>
                    <select aria-label={t('cm_role_of', { phone })} value={member.role} onChange={(e) => void update(member, { role: e.currentTarget.value as MemberView['role'] })}>
                      {ROLES.map((role) => (
                        <option value={role}>{t(`cm_role_${role}`)}</option>
                      ))}
                    </select>
                  </label>
                  <label class="choice">
                    <input type="checkbox" checked={member.onDuty} onChange={(e) => void update(member, { onDuty: e.currentTarget.checked })} /> {t('cm_on_duty')}
                    <span class="visually-hidden"> {phone}</span>
                  </label>
                  {member.status === 'pending' && (
                    <button type="button" onClick={() => void update(member, { status: 'active' })}>{t('cm_approve')}<span class="visually-hidden"> {phone}</span></button>
                  )}
                  <button type="button" class="secondary" onClick={() => void update(member, { status: 'removed' })}>{t('cm_remove')}<span class="visually-hidden"> {phone}</span></button>
                </div>
              </li>
            );
          })}
        </ul>
      )}
    </>
  );
}
