// Spanish catalogue. Accents are kept: fitSms drops them only when a text would
// otherwise need more segments (ñ, é, ¿ and ¡ are GSM-7 and always survive).
import type { MessageKey } from './index.js';

export const es: Record<MessageKey, string> = {
  report_ack:
    'Reporte recibido. Lo estamos verificando ahora. Cuídese: no abra la puerta a los agentes. Tiene derecho a guardar silencio.',
  report_ack_ask_location:
    'Reporte recibido. ¿Dónde está pasando? Responda con el código postal, las calles que se cruzan o un lugar conocido.',
  location_ack: 'Gracias. Agregamos la ubicación a su reporte.',
  location_not_understood: 'No pudimos ubicar ese lugar. Alguien de nuestro equipo revisará su reporte.',
  location_question:
    'No pudimos saber dónde es su reporte. Responda con el código postal, las calles que se cruzan o el nombre del lugar.',
  location_question_examples:
    'Aún no encontramos el lugar. Responda con las calles que se cruzan, un lugar o el código postal, por ejemplo "Main y 5th", "el Walmart de Main St" o 94110.',
  reply_noted: 'Entendido. Responda 1 si va a {code}, o 2 si no puede.',
  join_pending:
    '{program}: Recibimos su solicitud para unirse a {committee}. Una persona coordinadora la aprobará. Solo recibirá alertas de redadas confirmadas, pocas al mes. Pueden aplicar tarifas de mensajes y datos. Responda AYUDA para ayuda, STOP o ALTO para salir.',
  join_active:
    '{program}: Ya forma parte de {committee}. Solo recibirá alertas cuando se confirme una redada, unas pocas al mes como máximo. Pueden aplicar tarifas de mensajes y datos. Responda AYUDA para ayuda, STOP o ALTO para salir.',
  welcome:
    '{program}: Le agregaron a {committee}, una red de respuesta rápida. Solo recibirá alertas cuando se confirme una redada, unas pocas al mes como máximo. Pueden aplicar tarifas de mensajes y datos. Responda AYUDA para ayuda, STOP o ALTO para salir.',
  join_already: '{program}: Usted ya pertenece a {committee} o ya pidió unirse. No tiene que hacer nada más.',
  join_how: '{program}: Para unirse, envíe UNIRSE y el código de invitación que le dieron.',
  join_unknown_code: '{program}: Ese código de invitación no es válido. Verifíquelo con la persona que le invitó.',
  member_request:
    'Solicitud para unirse a {committee} de {phone}, código postal {zip}. Responda APROBAR {last4} para aceptar o RECHAZAR {last4} para negar. Nota: {note}',
  member_approved: 'Aprobado: {phone} ya es miembro activo de {committee}.',
  member_denied: 'Rechazado: {phone} no se unirá a {committee}. No se le envió nada.',
  member_ambiguous: 'Hay más de una solicitud pendiente que termina en {last4}. Apruébela o recházela en la consola.',
  member_not_found: 'Ninguna solicitud pendiente termina en {last4}. Revise los últimos 4 dígitos en el mensaje de la solicitud.',
  member_not_allowed: 'Solo una persona coordinadora del comité puede aprobar o rechazar solicitudes para unirse.',
  member_how:
    'Para responder a una solicitud, envíe APROBAR o RECHAZAR y los últimos 4 dígitos del número, por ejemplo APROBAR 1234.',
  join_busy: 'Hay demasiadas solicitudes en este momento. Intente de nuevo en unos minutos.',
  help: '{program}: Esta línea recibe reportes de redadas de inmigración y avisa a la red de respuesta rápida. Para reportar, escriba lo que ve y dónde. Responda ALTO o STOP para no recibir más mensajes. Pueden aplicar tarifas de mensajes y datos. ¿Emergencia? Llame al 911.',
  lang_set: 'Listo, le escribiremos en español.',
  lang_unsupported:
    'Lo sentimos, ese idioma aún no está disponible. Responda IDIOMA ES para español, IDIOMA EN para inglés o IDIOMA TL para tagalo.',
  start_ok: 'Volverá a recibir mensajes. Responda ALTO en cualquier momento para dejar de recibirlos.',
  page_unopened: 'Despacho: nadie ha abierto el incidente {code} en la consola. Revíselo: {link}',
  page_stale: 'Despacho: el incidente {code} sigue abierto horas después de confirmarse. Ciérrelo o envíe una actualización: {link}',
  page_disputed: 'Despacho: el incidente {code} está en disputa: una persona verificadora dijo falso después de una aprobación. Decida: {link}',
  page_escalation: 'Despacho: ninguna persona verificadora respondió sobre el incidente {code}. Revíselo: {link}',
  page_flood: 'Despacho: llegan muchos reportes de números nuevos. Incidentes como {code} esperan sin abrir y nada sale hasta que actúe: {link}',
  respond_going: '¡Gracias! Anotamos que va a ir a la alerta {code}. Mantenga la calma y cuídese.',
  respond_cannot: 'Gracias por avisarnos sobre la alerta {code}.',
  respond_nothing: 'No hay ninguna alerta que responder en este momento.',
  verify_nothing: 'No hay nada que usted deba verificar con ese código.',
  duty_on:
    'Está en turno. Recibirá pedidos para verificar reportes cerca de usted. Responda FUERA DE TURNO al terminar.',
  duty_off: 'Está fuera de turno. Responda EN TURNO cuando esté disponible otra vez.',
  duty_not_allowed: 'Solo las personas verificadoras y coordinadoras pueden ponerse en turno.',
  verify_request:
    "VERIFICAR {code}: {kind} reportado cerca de {place}. Dice: \"{words}\". Responda 1 {check} si va, 2 {check} si no puede. Luego CONFIRMAR {check} o FALSO {check}.",
  verify_how:
    "Ese código no corresponde a un pedido enviado a usted. Responda CONFIRMAR o FALSO seguido del código de nuestro mensaje VERIFICAR.",
  verify_recorded: "Gracias. Su confirmación de {code} quedó registrada.",
  verify_dismissed: "Gracias. El reporte {code} se descartó como falso. No saldrá ninguna alerta.",
  verify_disputed: "Gracias. Alguien ya aprobó {code}; los despachadores decidirán.",
  verify_closed: "El reporte {code} ya está cerrado. Gracias.",
  verify_ack_going: "Gracias. Vaya con cuidado a {code} y luego responda CONFIRMAR {check} o FALSO {check}.",
  verify_ack_cannot: "Gracias. Pediremos a otra persona que verifique {code}.",
  verify_no_verifier:
    "SIN VERIFICADOR {code}: {kind} reportado cerca de {place} y nadie respondió. Revíselo en la consola.",
  verify_dispute_page:
    "EN DISPUTA {code}: un verificador dijo FALSO sobre {place} después de aprobarse la alerta. Decida en la consola.",
  send_recorded: "Gracias. Su aprobación de la alerta {code} quedó registrada.",
  send_not_verified: "La alerta {code} solo se puede aprobar por SMS después de que un verificador la confirme.",
  send_not_allowed:
    "Solo una persona coordinadora de un comité que cubre ese incidente puede aprobarlo por SMS.",
  admin_notice: "ALERTA {code} enviada a {count} personas: {kind} cerca de {place}.",
  respond_which: '¿Qué alerta: {first} o {second}? Mande su respuesta otra vez con el código, por ejemplo 1 {first}.',
  arrived_which: '¿A qué alerta llegó: {first} o {second}? Mande EN EL LUGAR con el código, por ejemplo EN EL LUGAR {first}.',
  arrived_ok: 'Gracias. Anotamos que llegó a {code}. Documente, mantenga la calma, no interfiera.',
  drills_off: 'Ya no recibirá mensajes de simulacro. Las alertas reales siguen llegando. Responda SIMULACROS SI para recibirlos otra vez.',
  drills_on: 'Recibirá mensajes de simulacro otra vez. Responda SIMULACROS NO para dejar de recibirlos. Las alertas reales siempre llegan.',
  report_limited:
    'Recibimos muchos reportes de su número en esta hora. Intente más tarde. En una emergencia, llame al 911.',
  report_busy:
    'No pudimos tomar su reporte: llegan demasiados reportes de números ocultos. Envíelo desde un teléfono que muestre su número o intente más tarde. En una emergencia, llame al 911.',
  hidden_number:
    'No podemos hacer eso para un número oculto. Escriba desde un teléfono que muestre su número. Para reportar una redada, escriba lo que ve y dónde.',
  alert:
    '{drill}REDADA CONFIRMADA {code}: {kind} cerca de {place}. Responda 1 si puede ir, 2 si no puede. Documente, mantenga la calma, no interfiera.',
  drill_prefix: 'SIMULACRO: ',
  correction: '{drill}CORRECCIÓN {code}: la alerta en {place} fue una falsa alarma. No vaya.',
  all_clear: '{drill}TODO DESPEJADO {code}: la situación en {place} terminó. Gracias por estar presente.',
  stand_down: '{drill}CANCELADO {code}: el reporte en {place} fue cerrado. No hace falta verificarlo.',
  update: '{drill}ACTUALIZACIÓN {code}: {text}',
  correction_duplicate: '{drill}CORRECCIÓN {code}: duplicado de {other}, la misma redada. Siga {other} para novedades.',
  correction_repeat: '{drill}CORRECCIÓN {code}: duplicado de una redada ya avisada, no es nueva. Siga la primera alerta.',
  same_raid: '{drill}ACTUALIZACIÓN {code}: es la misma redada que {other}. Las novedades y el fin llegarán como {other}.',
  reminder: '{drill}RECORDATORIO {code}: {kind} cerca de {place} todavía necesita gente. Responda 1 si puede ir, 2 si no puede.',
  reporter_thanks: 'Gracias: avisamos a la red de respuesta. Cuídese y mantenga su distancia.',
  kind_worksite: 'Redada en lugar de trabajo',
  kind_school: 'Redada en escuela',
  kind_home: 'Redada en vivienda',
  kind_court: 'Arrestos en la corte',
  kind_checkpoint: 'Retén',
  kind_other: 'Operativo de inmigración',
};
