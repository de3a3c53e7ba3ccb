// Tagalog catalogue, in the Taglish people actually text in ("report", "alert", "ZIP code").
import type { MessageKey } from './index.js';

export const tl: Record<MessageKey, string> = {
  report_ack:
    'Natanggap na po namin ang report ninyo at chine-check na namin ngayon. Mag-ingat: huwag buksan ang pinto sa mga ahente. May karapatan kayong manahimik.',
  report_ack_ask_location:
    'Natanggap na po namin ang report ninyo. Saan ito nangyayari? Mag-reply ng ZIP code, kanto ng mga kalye, o kilalang lugar.',
  location_ack: 'Salamat po. Naidagdag na namin ang lokasyon sa report ninyo.',
  location_not_understood: 'Hindi po namin matukoy ang lugar na iyan. Titingnan ng isang dispatcher ang report ninyo.',
  location_question:
    'Hindi po namin matukoy kung saan ang report ninyo. Mag-reply ng ZIP code, kanto ng mga kalye, o pangalan ng lugar.',
  location_question_examples:
    'Hindi pa rin namin makita ang lugar. Mag-reply ng kanto ng mga kalye, lugar o ZIP code, halimbawa "Main St at 5th Ave", "Walmart sa Main St" o 94110.',
  reply_noted: 'Sige po. Reply 1 kung pupunta kayo sa {code}, o 2 kung hindi.',
  join_pending:
    '{program}: Natanggap namin ang request ninyong sumali sa {committee}. Aaprubahan ito ng coordinator. Alert lang kapag kumpirmado ang raid, ilang beses kada buwan. Maaaring may singil sa msg at data. Reply TULONG para sa tulong, STOP para huminto.',
  join_active:
    '{program}: Kasali na po kayo sa {committee}. Makakatanggap lang kayo ng alert kapag kumpirmado ang raid, ilang beses lang kada buwan. Maaaring may singil sa msg at data. Reply TULONG para sa tulong, STOP para huminto.',
  welcome:
    '{program}: Idinagdag kayo sa {committee}, isang rapid response network. Makakatanggap lang kayo ng alert kapag kumpirmado ang raid, ilang beses lang kada buwan. Maaaring may singil sa msg at data. Reply TULONG para sa tulong, STOP para huminto.',
  join_already: '{program}: Kasali na po kayo sa {committee} o nakapag-request na kayong sumali. Wala na kayong kailangang gawin.',
  join_how: '{program}: Para sumali, i-text ang SUMALI at ang invite code na ibinigay sa inyo.',
  join_unknown_code: '{program}: Hindi valid ang invite code na iyan. Pakitanong po sa taong nag-imbita sa inyo.',
  member_request:
    'May gustong sumali sa {committee}: {phone}, ZIP {zip}. Reply APRUBAHAN {last4} para tanggapin o TANGGIHAN {last4} para hindi. Note: {note}',
  member_approved: 'Naaprubahan: aktibong miyembro na ng {committee} ang {phone}.',
  member_denied: 'Tinanggihan: hindi sasali sa {committee} ang {phone}. Walang ipinadala sa kanila.',
  member_ambiguous: 'Higit sa isang pending na request ang nagtatapos sa {last4}. Paki-approve o deny ito sa console.',
  member_not_found: 'Walang pending na request na nagtatapos sa {last4}. Tingnan ang huling 4 na digit sa request.',
  member_not_allowed: 'Coordinator lang ng committee ang puwedeng mag-approve o mag-deny ng request na sumali.',
  member_how:
    'Para sagutin ang request na sumali, i-reply ang APRUBAHAN o TANGGIHAN at ang huling 4 na digit ng number, hal. APRUBAHAN 1234.',
  join_busy: 'Masyadong maraming request ngayon. Pakisubukan ulit pagkalipas ng ilang minuto.',
  help: '{program}: Tumatanggap ang linyang ito ng report tungkol sa immigration raid at nag-aalerto sa rapid response network. Para mag-report, i-text kung ano ang nakikita ninyo at saan. Reply STOP para huminto. Maaaring may singil sa msg at data. Emergency? Tumawag sa 911.',
  lang_set: 'Sige po, sa Tagalog na namin kayo ite-text.',
  lang_unsupported:
    'Paumanhin, hindi pa available ang wikang iyan. Reply WIKA TL para sa Tagalog, WIKA EN para sa English, o WIKA ES para sa Spanish.',
  start_ok: 'Makakatanggap na ulit kayo ng mga mensahe. Reply STOP anumang oras para huminto.',
  page_unopened: 'Dispatch: wala pang nagbukas ng incident {code} sa console. Pakitingnan: {link}',
  page_stale: 'Dispatch: bukas pa rin ang incident {code} ilang oras matapos makumpirma. I-resolve o magpadala ng update: {link}',
  page_disputed: 'Dispatch: may dispute sa incident {code}: may verifier na nagsabing false matapos ang approval. Kayo ang magpasya: {link}',
  page_escalation: 'Dispatch: walang verifier na sumagot tungkol sa incident {code}. Pakitingnan: {link}',
  page_flood: 'Dispatch: dagsa ng report mula sa mga bagong numero. Hindi pa nabubuksan ang mga incident tulad ng {code}; walang ipapadala hangga\'t hindi kayo kumikilos: {link}',
  respond_going: 'Salamat po! Naitala namin na pupunta kayo sa alert {code}. Manatiling kalmado at mag-ingat.',
  respond_cannot: 'Salamat po sa pagpapaalam tungkol sa alert {code}.',
  respond_nothing: 'Walang alert na kailangang sagutin ngayon.',
  verify_nothing: 'Wala kayong kailangang i-verify gamit ang code na iyan.',
  duty_on:
    'Naka-duty na po kayo. Makakatanggap kayo ng request na i-check ang mga report malapit sa inyo. Reply WALANG DUTY kapag tapos na kayo.',
  duty_off: 'Wala na po kayong duty. Reply NAKA-DUTY kapag available na ulit kayo.',
  duty_not_allowed: 'Mga verifier at coordinator lang ang puwedeng mag-duty.',
  verify_request:
    "I-VERIFY {code}: {kind} malapit sa {place}. Sabi ng nag-report: \"{words}\". Reply 1 {check} kung pupunta, 2 {check} kung hindi. Tapos TOTOO {check} o HINDI TOTOO {check}.",
  verify_how:
    "Hindi tugma ang check code na iyan sa request na pinadala sa inyo. Reply TOTOO o HINDI TOTOO at ang check code sa aming I-VERIFY na message.",
  verify_recorded: "Salamat. Naitala ang kumpirmasyon ninyo sa {code}.",
  verify_dismissed: "Salamat. Na-dismiss bilang hindi totoo ang report {code}. Walang alert na lalabas.",
  verify_disputed: "Salamat. May nag-approve na sa {code}, kaya ang mga dispatcher ang magpapasya.",
  verify_closed: "Sarado na ang report {code}. Salamat.",
  verify_ack_going: "Salamat. Mag-ingat sa pagpunta sa {code}, tapos reply TOTOO {check} o HINDI TOTOO {check}.",
  verify_ack_cannot: "Salamat. Iba ang hihilingin naming mag-check sa {code}.",
  verify_no_verifier:
    "WALANG VERIFIER {code}: {kind} malapit sa {place} at walang verifier na sumagot. Pakitingnan sa console.",
  verify_dispute_page:
    "MAY DISPUTE {code}: may verifier na nagsabing HINDI TOTOO tungkol sa {place} matapos ma-approve ang alert. Magpasya sa console.",
  send_recorded: "Salamat. Naitala ang approval ninyo sa alert {code}.",
  send_not_verified: "Maa-approve lang ang alert {code} sa SMS kapag may verifier na nag-confirm.",
  send_not_allowed: "Coordinator lang ng committee na sakop ang incident ang puwedeng mag-approve nito sa SMS.",
  admin_notice: "ALERT {code} naipadala sa {count} tao: {kind} malapit sa {place}.",
  respond_which: 'Aling alert po: {first} o {second}? I-reply ulit kasama ang code, halimbawa 1 {first}.',
  arrived_which: 'Saang alert po kayo dumating: {first} o {second}? I-reply ang NASA LUGAR kasama ang code, halimbawa NASA LUGAR {first}.',
  arrived_ok: 'Salamat po. Naitala namin na nasa lugar na kayo ng {code}. Mag-document, manatiling kalmado, huwag makialam.',
  drills_off: 'Hindi na po kayo makakatanggap ng mensahe ng pagsasanay. Darating pa rin ang totoong alert. Reply PAGSASANAY ON para tumanggap ulit.',
  drills_on: 'Makakatanggap na ulit kayo ng mensahe ng pagsasanay. Reply PAGSASANAY OFF para itigil. Laging darating ang totoong alert.',
  report_limited:
    'Marami na kaming natanggap na report mula sa number ninyo ngayong oras. Pakisubukan ulit mamaya. Kung emergency, tumawag sa 911.',
  report_busy:
    'Hindi namin matanggap ang report ninyo: masyadong maraming report mula sa nakatagong number. Ipadala mula sa phone na nagpapakita ng number, o subukan ulit mamaya. Kung emergency, tumawag sa 911.',
  hidden_number:
    'Hindi namin ito magagawa para sa nakatagong number. Mag-text mula sa phone na nagpapakita ng number. Para mag-report ng raid, i-text kung ano ang nakikita ninyo at saan.',
  alert:
    '{drill}KUMPIRMADONG RAID {code}: {kind} malapit sa {place}. Reply 1 kung makakapunta kayo, 2 kung hindi. Mag-document, manatiling kalmado, huwag makialam.',
  drill_prefix: 'PAGSASANAY: ',
  correction: '{drill}CORRECTION {code}: false alarm po ang alert sa {place}. Huwag nang pumunta.',
  all_clear: '{drill}ALL CLEAR {code}: tapos na ang sitwasyon sa {place}. Salamat sa pagpunta ninyo.',
  stand_down: '{drill}HINDI NA KAILANGAN {code}: sarado na ang report sa {place}. Hindi na kailangang i-check.',
  update: '{drill}UPDATE {code}: {text}',
  correction_duplicate: '{drill}CORRECTION {code}: duplicate ng {other}, iisang raid lang. Sundan ang {other} para sa balita.',
  correction_repeat: '{drill}CORRECTION {code}: duplicate ito ng raid na na-alert na, hindi bago. Sundan ang unang alert.',
  same_raid: '{drill}UPDATE {code}: parehong raid ito ng {other}. Darating ang updates at all clear bilang {other}.',
  reminder: '{drill}PAALALA {code}: {kind} malapit sa {place}, kailangan pa ng tao. Reply 1 kung makakapunta kayo, 2 kung hindi.',
  reporter_thanks: 'Salamat po: naalerto na ang mga responder. Mag-ingat at lumayo nang kaunti.',
  kind_worksite: 'Raid sa trabaho',
  kind_school: 'Raid sa paaralan',
  kind_home: 'Raid sa bahay',
  kind_court: 'Pag-aresto sa korte',
  kind_checkpoint: 'Checkpoint',
  kind_other: 'Immigration raid',
};
