// English is the source catalogue: its keys define MessageKey, and every other
// catalogue must provide the same keys with the same {placeholders}.
// Plain ASCII on purpose, so English texts stay GSM-7 (153 characters per segment).
export const en = {
  report_ack:
    'Report received. We are checking it now. Stay safe: do not open the door to agents. You have the right to remain silent.',
  report_ack_ask_location:
    'Report received. Where is it happening? Reply with a ZIP code, cross streets or a place people know.',
  location_ack: 'Thank you. We added the location to your report.',
  location_not_understood: 'We could not find that place. A dispatcher will review your report.',
  location_question:
    'We could not tell where your report is. Please reply with a ZIP code, cross streets or a place name.',
  location_question_examples:
    'We still could not find the place. Reply with cross streets, a place or a ZIP code, e.g. "Main St and 5th Ave", "the Walmart on Main St" or 94110.',
  reply_noted: 'Got it. Reply 1 if you are going to {code}, or 2 if you cannot.',
  join_pending:
    '{program}: We got your request to join {committee}. A coordinator will approve it. You will only get alerts when a raid is confirmed, a few per month at most. Msg & data rates may apply. Reply HELP for help, STOP to opt out.',
  join_active:
    '{program}: You are now part of {committee}. You will only get alerts when a raid is confirmed, a few per month at most. Msg & data rates may apply. Reply HELP for help, STOP to opt out.',
  welcome:
    '{program}: You were added to {committee}, a rapid response network. You will only get alerts when a raid is confirmed, a few per month at most. Msg & data rates may apply. Reply HELP for help, STOP to opt out.',
  join_already: '{program}: You already belong to {committee} or have asked to join it. No need to do anything else.',
  join_how: '{program}: To join, text JOIN followed by the invite code you were given.',
  join_unknown_code: '{program}: That invite code is not valid. Please check it with the person who invited you.',
  member_request:
    'Request to join {committee} from {phone}, ZIP {zip}. Reply APPROVE {last4} to accept or DENY {last4} to refuse. Note: {note}',
  member_approved: 'Approved: {phone} is now an active member of {committee}.',
  member_denied: 'Denied: {phone} will not join {committee}. Nothing was sent to them.',
  member_ambiguous: 'More than one pending request ends in {last4}. Please approve or deny it in the console.',
  member_not_found: 'No pending request ends in {last4}. Check the last 4 digits in the request text.',
  member_not_allowed: 'Only a committee coordinator can approve or deny people who ask to join.',
  member_how: 'To answer a request to join, reply APPROVE or DENY and the last 4 digits of the number, e.g. APPROVE 1234.',
  join_busy: 'Too many requests right now. Please try again in a few minutes.',
  help: '{program}: This line takes reports of immigration raids and alerts the local rapid response network. To report, text what you see and where. Reply STOP to stop messages. Msg & data rates may apply. Emergency? Call 911.',
  lang_set: 'Language set to English.',
  lang_unsupported:
    'Sorry, that language is not available yet. Reply LANG EN for English, LANG ES for Spanish or LANG TL for Tagalog.',
  start_ok: 'You will receive messages again. Reply STOP at any time to stop.',
  page_unopened: 'Dispatch: new incident {code} has not been opened in the console yet. Please check it: {link}',
  page_stale: 'Dispatch: incident {code} is still open hours after it was confirmed. Resolve it or send an update: {link}',
  page_disputed: 'Dispatch: incident {code} is disputed: a verifier said false after an approval. Please decide: {link}',
  page_escalation: 'Dispatch: no verifier answered about incident {code}. Please check it: {link}',
  page_flood: 'Dispatch: a flood of reports from new numbers. New incidents such as {code} wait unopened, and nothing goes out until you act: {link}',
  respond_going: 'Thank you! We noted that you are going to alert {code}. Stay calm and stay safe.',
  respond_cannot: 'Thank you for letting us know about alert {code}.',
  respond_nothing: 'There is no alert to answer right now.',
  verify_nothing: 'There is nothing for you to verify with that code.',
  duty_on: 'You are on duty. You will get requests to check reports near you. Reply OFF DUTY when you finish.',
  duty_off: 'You are off duty. Reply ON DUTY when you are available again.',
  duty_not_allowed: 'Only verifiers and coordinators can go on duty.',
  verify_request:
    "VERIFY {code}: {kind} reported near {place}. Reporter's words: \"{words}\". Reply 1 {check} if you go, 2 {check} if you can't. Then CONFIRM {check} or FALSE {check}.",
  verify_how:
    "That check code does not match a request sent to you. Reply CONFIRM or FALSE followed by the check code in our VERIFY message.",
  verify_recorded: "Thank you. Your confirmation of {code} is recorded.",
  verify_dismissed: "Thank you. Report {code} is dismissed as false. No alert will go out.",
  verify_disputed: "Thank you. Someone already approved {code}, so the dispatchers will decide.",
  verify_closed: "Report {code} is already closed. Thank you.",
  verify_ack_going: "Thank you. Go carefully to {code}, then reply CONFIRM {check} or FALSE {check}.",
  verify_ack_cannot: "Thank you. We will ask someone else to check {code}.",
  verify_no_verifier:
    "NO VERIFIER {code}: {kind} reported near {place} and no verifier answered. Please check it in the console.",
  verify_dispute_page:
    "DISPUTED {code}: a verifier said FALSE about {place} after the alert was approved. Please decide in the console.",
  send_recorded: "Thank you. Your approval of alert {code} is recorded.",
  send_not_verified: "Alert {code} can be approved by SMS only after a verifier confirmed it.",
  send_not_allowed: "Only a coordinator of a committee covering that incident can approve it by SMS.",
  admin_notice: "ALERT {code} released to {count} people: {kind} near {place}.",
  respond_which: 'Which alert do you mean: {first} or {second}? Send your reply again with the code, e.g. 1 {first}.',
  arrived_which: 'Which alert are you at: {first} or {second}? Send ON SCENE with the code, e.g. ON SCENE {first}.',
  arrived_ok: "Thank you. We noted that you arrived at {code}. Document, stay calm, don't interfere.",
  drills_off: 'You will no longer get drill messages. Real alerts still come. Reply DRILLS ON to get drills again.',
  drills_on: 'You will get drill messages again. Reply DRILLS OFF to stop them. Real alerts always come.',
  report_limited:
    'We have received many reports from your number this hour. Please try again later. In an emergency, call 911.',
  report_busy:
    'We could not take your report: too many reports are coming from hidden numbers. Please send it from a phone that shows its number, or try again later. In an emergency, call 911.',
  hidden_number:
    'We cannot do that for a hidden number. Please text from a phone that shows its number. To report a raid, text what you see and where.',
  alert:
    "{drill}RAID CONFIRMED {code}: {kind}, {place}. Reply 1 going, 2 can't. Film, stay calm, don't interfere.",
  drill_prefix: 'DRILL: ',
  correction: '{drill}CORRECTION {code}: the alert for {place} was a false alarm. Do not go.',
  all_clear: '{drill}ALL CLEAR {code}: the situation at {place} is over. Thank you for being there.',
  stand_down: '{drill}STAND DOWN {code}: the report at {place} is closed. No need to check it.',
  update: '{drill}UPDATE {code}: {text}',
  correction_duplicate: '{drill}CORRECTION {code}: duplicate of {other}, the same raid. Follow {other} for news.',
  correction_repeat: '{drill}CORRECTION {code}: a duplicate of a raid already alerted, not a new one. Follow the first alert.',
  same_raid: '{drill}UPDATE {code}: same raid as {other}. Updates and the all clear will come as {other}.',
  reminder: "{drill}REMINDER {code}: {kind} near {place} still needs people. Reply 1 if you can go, 2 if you can't.",
  reporter_thanks: 'Thank you: responders were alerted. Stay safe and keep your distance.',
  kind_worksite: 'Worksite raid',
  kind_school: 'School raid',
  kind_home: 'Home raid',
  kind_court: 'Courthouse arrests',
  kind_checkpoint: 'Checkpoint',
  kind_other: 'Immigration raid',
} as const;
