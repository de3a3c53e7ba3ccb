import { useEffect, useState } from 'preact/hooks';
import { api, type MemberView } from '../api.js';
import { t } from '../i18n.js';

const ROLES: Array<MemberView['role']> = ['responder', 'verifier', 'coordinator'];

/** Members with masked numbers: approve or remove pending ones, change role and duty. */
export function MembersList({ members, onChanged }: { members: MemberView[]; onChanged: () => void }) {
  const [status, setStatus] = useState('');
  // A change shows at once and stays until the list reloads with it: a reload already on its way (after another
  // change) must not flip a box back under the dispatcher's finger.
  const [pending, setPending] = useState<Record<string, Partial<MemberView>>>({});
  const shown = members.map((m) => ({ ...m, ...pending[m.id] })).filter((m) => m.status !== 'removed');

  const update = async (member: MemberView, patch: Parameters<typeof api.updateMember>[1]) => {
    setPending((all) => ({ ...all, [member.id]: { ...all[member.id], ...patch } }));
    try {
      await api.updateMember(member.id, patch);
      setStatus(t('cm_member_updated', { phone: member.phone ?? '' }));
      onChanged();
    } catch (error) {
      setPending((all) => ({ ...all, [member.id]: {} }));
      setStatus(t('cm_error', { error: (error as Error).message }));
    }
  };
  const markReachable = async (member: MemberView) => {
    try {
      await api.markReachable(member.id);
      setStatus(t('cm_marked_reachable', { phone: member.phone ?? '' }));
      onChanged();
    } catch (error) {
      setStatus(t('cm_error', { error: (error as Error).message }));
    }
  };
  // Once the reloaded list agrees with a change, the list alone is the truth again.
  useEffect(() => {
    setPending((all) => {
      const left = Object.entries(all).filter(([id, patch]) => {
        const member = members.find((m) => m.id === id);
        return member !== undefined && Object.entries(patch).some(([key, value]) => member[key as keyof MemberView] !== value);
      });
      return left.length === Object.keys(all).length ? all : Object.fromEntries(left);
    });
  }, [members]);

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
                  {member.unreachable && <span class="badge member-unreachable">{t('cm_unreachable')}</span>}
                  {member.zip && <span class="hint">{member.zip}</span>}
                </div>
                {member.note && <p class="hint">{member.note}</p>}
                {member.unreachable && <p class="hint">{t('cm_unreachable_hint')}</p>}
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
                  {member.unreachable && (
                    <button type="button" onClick={() => void markReachable(member)}>{t('cm_mark_reachable')}<span class="visually-hidden"> {phone}</span></button>
                  )}
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
