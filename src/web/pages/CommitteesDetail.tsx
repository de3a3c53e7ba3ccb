// One committee (/committees/<id>): invite code, members, import, and editing its name, area and auto-approve.
import { useEffect, useState } from 'preact/hooks';
import { api, type AreaInput, type CommitteeView, type MemberView } from '../api.js';
import { CommitteeForm } from '../components/CommitteeForm.js';
import { InviteCode } from '../components/InviteCode.js';
import { Link } from '../components/Link.js';
import { MembersImport } from '../components/MembersImport.js';
import { MembersList } from '../components/MembersList.js';
import { t } from '../i18n.js';
import { areaSummary } from './Committees.js';

export function CommitteesDetail({ id }: { id: string }) {
  const [committee, setCommittee] = useState<CommitteeView | null>(null);
  const [members, setMembers] = useState<MemberView[]>([]);
  const [missing, setMissing] = useState(false);

  const loadMembers = () => api.members(id).then(setMembers, () => undefined);
  useEffect(() => {
    api.committee(id).then(setCommittee, () => setMissing(true));
    void loadMembers();
  }, [id]);

  const save = async (input: { name: string; area: AreaInput; autoApprove: boolean }) => {
    setCommittee(await api.updateCommittee(id, input));
    return t('cm_saved');
  };

  if (missing) {
    return (
      <main id="main">
        <h1>{t('cm_not_found')}</h1>
        <Link href="/committees">{t('cm_back')}</Link>
      </main>
    );
  }
  if (!committee) {
    return (
      <main id="main">
        <p role="status">{t('loading')}</p>
      </main>
    );
  }
  const pending = members.filter((m) => m.status === 'pending').length;
  return (
    <main id="main" class="committee">
      <p><Link href="/committees">{t('cm_back')}</Link></p>
      <h1>{committee.name}</h1>
      <p class="hint">{areaSummary(committee.area)}</p>
      <div class="committee-body">
        <div>
          <InviteCode committee={committee} onRotated={setCommittee} />
          <section aria-labelledby="members-heading" class="panel">
            <h2 id="members-heading">
              {t('cm_members')} ({members.filter((m) => m.status !== 'removed').length}){pending > 0 ? ` · ${t('cm_status_pending')}: ${pending}` : ''}
            </h2>
            <MembersList members={members} onChanged={() => void loadMembers()} />
          </section>
          <section aria-labelledby="import-heading" class="panel">
            <h2 id="import-heading">{t('cm_import')}</h2>
            <MembersImport committeeId={committee.id} onImported={() => void loadMembers()} />
          </section>
        </div>
        <section aria-labelledby="edit-heading" class="panel">
          <h2 id="edit-heading">{t('cm_edit')}</h2>
          <CommitteeForm key={committee.id} id="edit" committee={committee} submitLabel={t('cm_save')} save={save} />
        </section>
      </div>
    </main>
  );
}
