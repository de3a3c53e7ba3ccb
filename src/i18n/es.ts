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
    'Recibimos su solicitud para unirse a {committee}. Una persona coordinadora la aprobará. Solo recibirá alertas cuando se confirme una redada, unas pocas al mes como máximo. Pueden aplicar tarifas de mensajes y datos. Responda AYUDA para ayuda, STOP o ALTO para salir.',
  join_active:
    'Ya forma parte de {committee}. Solo recibirá alertas cuando se confirme una redada, unas pocas al mes como máximo. Pueden aplicar tarifas de mensajes y datos. Responda AYUDA para ayuda, STOP o ALTO para salir.',
  welcome:
    'Le agregaron a {committee}, una red de respuesta rápida. Solo recibirá alertas cuando se confirme una redada, unas pocas al mes como máximo. Pueden aplicar tarifas de mensajes y datos. Responda AYUDA para ayuda, STOP o ALTO para salir.',
  join_already: 'Usted ya pertenece a {committee} o ya pidió unirse. No tiene que hacer nada más.',
  join_how: 'Para unirse, envíe UNIRSE y el código de invitación que le dieron.',
  join_unknown_code: 'Ese código de invitación no es válido. Verifíquelo con la persona que le invitó.',
  join_busy: 'Hay demasiadas solicitudes en este momento. Intente de nuevo en unos minutos.',
  help: 'Esta línea recibe reportes de redadas de inmigración y avisa a la red de respuesta rápida. Para reportar, escriba lo que ve y dónde. Responda ALTO o STOP para no recibir más mensajes. Pueden aplicar tarifas de mensajes y datos. ¿Emergencia? Llame al 911.',
  lang_set: 'Listo, le escribiremos en español.',
  lang_unsupported:
    'Lo sentimos, ese idioma aún no está disponible. Responda IDIOMA ES para español, IDIOMA EN para inglés o IDIOMA TL para tagalo.',
  start_ok: 'Volverá a recibir mensajes. Responda ALTO en cualquier momento para dejar de recibirlos.',
  respond_going: '¡Gracias! Anotamos que va a ir a la alerta {code}. Mantenga la calma y cuídese.',
  respond_cannot: 'Gracias por avisarnos sobre la alerta {code}.',
  respond_nothing: 'No hay ninguna alerta que responder en este momento.',
  verify_nothing: 'No hay nada que usted deba verificar con ese código.',
  duty_on:
    'Está en turno. Recibirá pedidos para verificar reportes cerca de usted. Responda FUERA DE TURNO al terminar.',
  duty_off: 'Está fuera de turno. Responda EN TURNO cuando esté disponible otra vez.',
  duty_not_allowed: 'Solo las personas verificadoras y coordinadoras pueden ponerse en turno.',
  report_limited:
    'Recibimos muchos reportes de su número en esta hora. Intente más tarde. En una emergencia, llame al 911.',
  report_busy:
    'No pudimos tomar su reporte: llegan demasiados reportes de números ocultos. Envíelo desde un teléfono que muestre su número o intente más tarde. En una emergencia, llame al 911.',
  hidden_number:
    'No podemos hacer eso para un número oculto. Escriba desde un teléfono que muestre su número. Para reportar una redada, escriba lo que ve y dónde.',
  alert:
    '{drill}REDADA CONFIRMADA {code}: {kind} cerca de {place}. Responda 1 si puede ir, 2 si no puede. Documente, mantenga la calma, no interfiera.',
  drill_prefix: '[SIMULACRO] ',
  correction: '{drill}CORRECCIÓN {code}: la alerta en {place} fue una falsa alarma. No vaya.',
  all_clear: '{drill}TODO DESPEJADO {code}: la situación en {place} terminó. Gracias por estar presente.',
  stand_down: '{drill}CANCELADO {code}: el reporte en {place} fue descartado. No hace falta verificarlo.',
  update: '{drill}ACTUALIZACIÓN {code}: {text}',
  kind_worksite: 'Redada en lugar de trabajo',
  kind_school: 'Redada en escuela',
  kind_home: 'Redada en vivienda',
  kind_court: 'Arrestos en la corte',
  kind_checkpoint: 'Retén',
  kind_other: 'Operativo de inmigración',
};
