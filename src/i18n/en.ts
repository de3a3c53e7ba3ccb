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
    'We got your request to join {committee}. A coordinator will approve it. You will only get alerts when a raid is confirmed, a few per month at most. Msg & data rates may apply. Reply HELP for help, STOP to opt out.',
  join_active:
    'You are now part of {committee}. You will only get alerts when a raid is confirmed, a few per month at most. Msg & data rates may apply. Reply HELP for help, STOP to opt out.',
  welcome:
    'You were added to {committee}, a rapid response network. You will only get alerts when a raid is confirmed, a few per month at most. Msg & data rates may apply. Reply HELP for help, STOP to opt out.',
  join_already: 'You already belong to {committee} or have asked to join it. No need to do anything else.',
  join_how: 'To join, text JOIN followed by the invite code you were given.',
  join_unknown_code: 'That invite code is not valid. Please check it with the person who invited you.',
  join_busy: 'Too many requests right now. Please try again in a few minutes.',
  help: 'This line takes reports of immigration raids and alerts the local rapid response network. To report, text what you see and where. Reply STOP to stop messages. Msg & data rates may apply. Emergency? Call 911.',
  lang_set: 'Language set to English.',
  lang_unsupported:
    'Sorry, that language is not available yet. Reply LANG EN for English, LANG ES for Spanish or LANG TL for Tagalog.',
  start_ok: 'You will receive messages again. Reply STOP at any time to stop.',
  respond_going: 'Thank you! We noted that you are going to alert {code}. Stay calm and stay safe.',
  respond_cannot: 'Thank you for letting us know about alert {code}.',
  respond_nothing: 'There is no alert to answer right now.',
  verify_nothing: 'There is nothing for you to verify with that code.',
  duty_on: 'You are on duty. You will get requests to check reports near you. Reply OFF DUTY when you finish.',
  duty_off: 'You are off duty. Reply ON DUTY when you are available again.',
  duty_not_allowed: 'Only verifiers and coordinators can go on duty.',
  report_limited:
    'We have received many reports from your number this hour. Please try again later. In an emergency, call 911.',
  report_busy:
    'We could not take your report: too many reports are coming from hidden numbers. Please send it from a phone that shows its number, or try again later. In an emergency, call 911.',
  hidden_number:
    'We cannot do that for a hidden number. Please text from a phone that shows its number. To report a raid, text what you see and where.',
  alert:
    "{drill}RAID CONFIRMED {code}: {kind} near {place}. Reply 1 if you can go, 2 if you can't. Document, stay calm, don't interfere.",
  drill_prefix: '[DRILL] ',
  correction: '{drill}CORRECTION {code}: the alert for {place} was a false alarm. Do not go.',
  all_clear: '{drill}ALL CLEAR {code}: the situation at {place} is over. Thank you for being there.',
  stand_down: '{drill}STAND DOWN {code}: the report at {place} was dismissed. No need to check it.',
  update: '{drill}UPDATE {code}: {text}',
  kind_worksite: 'Worksite raid',
  kind_school: 'School raid',
  kind_home: 'Home raid',
  kind_court: 'Courthouse arrests',
  kind_checkpoint: 'Checkpoint',
  kind_other: 'Immigration raid',
} as const;
