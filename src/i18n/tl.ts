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
    'Natanggap namin ang request ninyong sumali sa {committee}. Aaprubahan ito ng isang coordinator. Makakatanggap lang kayo ng alert kapag kumpirmado ang raid, ilang beses lang kada buwan. Maaaring may singil sa msg at data. Reply TULONG para sa tulong, STOP para huminto.',
  join_active:
    'Kasali na po kayo sa {committee}. Makakatanggap lang kayo ng alert kapag kumpirmado ang raid, ilang beses lang kada buwan. Maaaring may singil sa msg at data. Reply TULONG para sa tulong, STOP para huminto.',
  welcome:
    'Idinagdag kayo sa {committee}, isang rapid response network. Makakatanggap lang kayo ng alert kapag kumpirmado ang raid, ilang beses lang kada buwan. Maaaring may singil sa msg at data. Reply TULONG para sa tulong, STOP para huminto.',
  join_already: 'Kasali na po kayo sa {committee} o nakapag-request na kayong sumali. Wala na kayong kailangang gawin.',
  join_how: 'Para sumali, i-text ang SUMALI at ang invite code na ibinigay sa inyo.',
  join_unknown_code: 'Hindi valid ang invite code na iyan. Pakitanong po sa taong nag-imbita sa inyo.',
  join_busy: 'Masyadong maraming request ngayon. Pakisubukan ulit pagkalipas ng ilang minuto.',
  help: 'Tumatanggap ang linyang ito ng report tungkol sa immigration raid at nag-aalerto sa rapid response network. Para mag-report, i-text kung ano ang nakikita ninyo at saan. Reply STOP para huminto. Maaaring may singil sa msg at data. Emergency? Tumawag sa 911.',
  lang_set: 'Sige po, sa Tagalog na namin kayo ite-text.',
  lang_unsupported:
    'Paumanhin, hindi pa available ang wikang iyan. Reply WIKA TL para sa Tagalog, WIKA EN para sa English, o WIKA ES para sa Spanish.',
  start_ok: 'Makakatanggap na ulit kayo ng mga mensahe. Reply STOP anumang oras para huminto.',
  respond_going: 'Salamat po! Naitala namin na pupunta kayo sa alert {code}. Manatiling kalmado at mag-ingat.',
  respond_cannot: 'Salamat po sa pagpapaalam tungkol sa alert {code}.',
  respond_nothing: 'Walang alert na kailangang sagutin ngayon.',
  verify_nothing: 'Wala kayong kailangang i-verify gamit ang code na iyan.',
  duty_on:
    'Naka-duty na po kayo. Makakatanggap kayo ng request na i-check ang mga report malapit sa inyo. Reply WALANG DUTY kapag tapos na kayo.',
  duty_off: 'Wala na po kayong duty. Reply NAKA-DUTY kapag available na ulit kayo.',
  duty_not_allowed: 'Mga verifier at coordinator lang ang puwedeng mag-duty.',
  report_limited:
    'Marami na kaming natanggap na report mula sa number ninyo ngayong oras. Pakisubukan ulit mamaya. Kung emergency, tumawag sa 911.',
  report_busy:
    'Hindi namin matanggap ang report ninyo: masyadong maraming report mula sa nakatagong number. Ipadala mula sa phone na nagpapakita ng number, o subukan ulit mamaya. Kung emergency, tumawag sa 911.',
  hidden_number:
    'Hindi namin ito magagawa para sa nakatagong number. Mag-text mula sa phone na nagpapakita ng number. Para mag-report ng raid, i-text kung ano ang nakikita ninyo at saan.',
  alert:
    '{drill}KUMPIRMADONG RAID {code}: {kind} malapit sa {place}. Reply 1 kung makakapunta kayo, 2 kung hindi. Mag-document, manatiling kalmado, huwag makialam.',
  drill_prefix: '[DRILL] ',
  correction: '{drill}CORRECTION {code}: false alarm po ang alert sa {place}. Huwag nang pumunta.',
  all_clear: '{drill}ALL CLEAR {code}: tapos na ang sitwasyon sa {place}. Salamat sa pagpunta ninyo.',
  stand_down: '{drill}HINDI NA KAILANGAN {code}: na-dismiss ang report sa {place}. Hindi na kailangang i-check.',
  update: '{drill}UPDATE {code}: {text}',
  kind_worksite: 'Raid sa trabaho',
  kind_school: 'Raid sa paaralan',
  kind_home: 'Raid sa bahay',
  kind_court: 'Pag-aresto sa korte',
  kind_checkpoint: 'Checkpoint',
  kind_other: 'Immigration raid',
};
