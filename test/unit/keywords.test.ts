import { describe, expect, it } from 'vitest';
import { type Command, parseInbound } from '../../src/domain/keywords.js';

const type = (body: string) => parseInbound(body).type;

describe('parseInbound: empty and reports', () => {
  it.each(['', '   ', '\n\t ', '\u200B'])('treats %j as empty', (body) => {
    expect(parseInbound(body)).toEqual({ type: 'empty', languageHint: null });
  });

  it.each([
    'la migra está aquí, ayuda',
    'ayuda, la migra está aquí',
    'stop the raid on 5th st',
    'stop the raid at 5th street',
    'ICE agents at the school, help',
    'help! ICE at the school',
    'no hay nadie',
    'no hay nadie aqui',
    'no hay',
    'join us at the factory',
    'join 24th street',
    'JOIN 94110',
    'Tulong po, may ICE dito',
    'ayuda por favor',
    'yes there are agents at the corner',
    'confirm they are at the church',
    'on duty agents at mission',
    'alto ahí, hay migra en la tienda',
    'start of the raid was at 5am',
    'lang is hard, ICE at Mission and 24th',
    'hindi ko alam kung saan sila',
    '🚨🚨',
  ])('reads %j as a report', (body) => {
    expect(parseInbound(body)).toEqual({ type: 'report', languageHint: null });
  });
});

describe('parseInbound: opt-out', () => {
  it.each([
    ['stop', null],
    [' Stop! ', null],
    ['STOP.', null],
    ['🚨 STOP 🚨', null],
    ['stopall', null],
    ['Stop all', null],
    ['UNSUBSCRIBE', null],
    ['cancel', null],
    ['End', null],
    ['quit', null],
    ['revoke', null],
    ['optout', null],
    ['opt-out', null],
    ['ALTO.', 'es'],
    ['Parar', 'es'],
    ['baja', 'es'],
    ['alto por favor', 'es'],
    ['Tigil', 'tl'],
    ['HINTO!', 'tl'],
    ['stop po', 'tl'],
    ['S\u200BTOP', null],
    ['ＳＴＯＰ', null],
  ] as const)('%j is stop (hint %s)', (body, hint) => {
    expect(parseInbound(body)).toEqual({ type: 'stop', languageHint: hint });
  });

  it.each([
    ['stop texting me', null],
    ['Please stop', null],
    ['stop messaging me', null],
    ['Stop sending me messages please', null],
    ['no more messages', null],
    ['No more texts!', null],
    ['unsubscribe me', null],
    ["don't text me anymore", null],
    ['remove me from this list', null],
    ['ya no me manden mensajes', 'es'],
    ['No me manden más mensajes', 'es'],
    ['ya no quiero mensajes', 'es'],
    ['dejen de mandarme mensajes', 'es'],
    ['Dénme de baja por favor', 'es'],
    ['huwag na kayong mag-text', 'tl'],
    ['wag na kayong magtext po', 'tl'],
    ['huwag nyo na akong i-text', 'tl'],
    ['wag nyo na ako i-text po', 'tl'],
    ['ayoko na ng mensahe', 'tl'],
    ['tigilan nyo na ako', 'tl'],
    ["tigilan n'yo na ako", 'tl'],
    ['stop na po', 'tl'],
  ] as const)('phrase %j is stop (hint %s)', (body, hint) => {
    expect(parseInbound(body)).toEqual({ type: 'stop', languageHint: hint });
  });

  it('does not treat stop + other words as opt-out', () => {
    expect(type('stop they are taking people')).toBe('report');
    expect(type('stop ice now')).toBe('report');
    expect(type('no more raids please')).toBe('report');
    expect(type('end of the street, agents')).toBe('report');
  });
});

describe('parseInbound: start and help', () => {
  it.each([
    ['start', null],
    ['UNSTOP', null],
    ['Iniciar', 'es'],
    ['alta', 'es'],
    ['simula', 'tl'],
  ] as const)('%j is start', (body, hint) => {
    expect(parseInbound(body)).toEqual({ type: 'start', languageHint: hint });
  });

  it.each([
    ['help', null],
    ['HELP?', null],
    ['info', null],
    ['áyúda', 'es'],
    ['¡AYUDA!', 'es'],
    ['Tulong', 'tl'],
  ] as const)('%j is help', (body, hint) => {
    expect(parseInbound(body)).toEqual({ type: 'help', languageHint: hint });
  });
});

describe('parseInbound: join', () => {
  it('reads code, ZIP and note (note keeps the original casing)', () => {
    expect(parseInbound('JOIN k7q2m9 94110 Maria from St. Peter’s')).toEqual({
      type: 'join',
      code: 'K7Q2M9',
      zip: '94110',
      note: 'Maria from St. Peter’s',
      languageHint: null,
    });
  });

  it('reads a code alone, with a ZIP only, with a note only', () => {
    expect(parseInbound('join AB12')).toEqual({ type: 'join', code: 'AB12', languageHint: null });
    expect(parseInbound('Unirse AB12 94110')).toEqual({ type: 'join', code: 'AB12', zip: '94110', languageHint: 'es' });
    expect(parseInbound('SUMALI ab12, si Jun po')).toEqual({
      type: 'join',
      code: 'AB12',
      note: 'si Jun po',
      languageHint: 'tl',
    });
  });

  it('caps the note at 200 characters', () => {
    const cmd = parseInbound(`JOIN AB12 ${'x'.repeat(500)}`);
    expect(cmd.type === 'join' ? cmd.note?.length : -1).toBe(200);
  });

  it('bare JOIN / UNIRSE / SUMALI asks how to join', () => {
    expect(parseInbound('join')).toEqual({ type: 'join', code: null, languageHint: null });
    expect(parseInbound('UNIRSE.')).toEqual({ type: 'join', code: null, languageHint: 'es' });
    expect(parseInbound('Sumali')).toEqual({ type: 'join', code: null, languageHint: 'tl' });
  });

  it('only accepts invite-code-shaped codes', () => {
    expect(type('join ABCD')).toBe('report'); // no digit
    expect(type('join 1234')).toBe('report'); // no letter
    expect(type('join A1')).toBe('report'); // too short
    expect(type('join ABCDEFGHIJ123')).toBe('report'); // too long
    expect(type('join 5pm at the church')).toBe('report'); // a time, not a code
    expect(type('join ABCDEFGHIJ12')).toBe('join'); // 12 chars is fine
  });
});

describe('parseInbound: lang', () => {
  it.each([
    ['LANG ES', 'es', 'ES', null],
    ['lang en', 'en', 'en', null],
    ['Lang: tl', 'tl', 'tl', null],
    ['lang spanish', 'es', 'spanish', null],
    ['idioma inglés', 'en', 'inglés', 'es'],
    ['Idioma Español', 'es', 'Español', 'es'],
    ['idioma espanyol', 'es', 'espanyol', 'es'],
    ['wika filipino', 'tl', 'filipino', 'tl'],
    ['WIKA Tagalog', 'tl', 'Tagalog', 'tl'],
    ['lang pilipino', 'tl', 'pilipino', null],
    ['lang english', 'en', 'english', null],
    ['lang fr', null, 'fr', null],
    ['idioma portugués', null, 'portugués', 'es'],
    ['LANG', null, '', null],
    ['wika', null, '', 'tl'],
  ] as const)('%j → locale %s', (body, locale, requested, hint) => {
    expect(parseInbound(body)).toEqual({ type: 'lang', locale, requested, languageHint: hint });
  });
});

describe('parseInbound: respond', () => {
  const respond = (answer: 'going' | 'cannot', word: string, incidentCode: string | null, languageHint: Command['languageHint']) => ({
    type: 'respond',
    answer,
    incidentCode,
    word,
    languageHint,
  });

  it.each([
    ['1', respond('going', '1', null, null)],
    ['YES', respond('going', 'YES', null, null)],
    ['yes!', respond('going', 'YES', null, null)],
    ['si', respond('going', 'SI', null, 'es')],
    ['Sí', respond('going', 'SI', null, 'es')],
    ['Sí, voy', respond('going', 'SI', null, 'es')],
    ['OO', respond('going', 'OO', null, 'tl')],
    ['oo po', respond('going', 'OO', null, 'tl')],
    ['2', respond('cannot', '2', null, null)],
    ['no', respond('cannot', 'NO', null, null)],
    ['No puedo', respond('cannot', 'NO', null, null)],
    ['HINDI', respond('cannot', 'HINDI', null, 'tl')],
    ['1 x7k2', respond('going', '1', 'X7K2', null)],
    ['yes X7K2', respond('going', 'YES', 'X7K2', null)],
    ['Si ab3', respond('going', 'SI', 'AB3', 'es')],
    ['2 X7K2', respond('cannot', '2', 'X7K2', null)],
    ['hindi x7k2', respond('cannot', 'HINDI', 'X7K2', 'tl')],
    ['no ABCD2345', respond('cannot', 'NO', 'ABCD2345', null)],
  ] as const)('%j', (body, expected) => {
    expect(parseInbound(body)).toEqual(expected);
  });

  it('needs the rest to be one code', () => {
    expect(type('1 X7K2 X9K3')).toBe('report');
    expect(type('yes AB')).toBe('report'); // too short for a code
    expect(type('no ABCDE23456')).toBe('report'); // too long for an incident code
    expect(type('2 agents')).toBe('report');
  });
});

describe('parseInbound: verify', () => {
  it.each([
    ['CONFIRM X7K2', 'confirm', 'X7K2', null],
    ['confirmar x7k2', 'confirm', 'X7K2', 'es'],
    ['Totoo X7K2', 'confirm', 'X7K2', 'tl'],
    ['FALSE X7K2', 'false', 'X7K2', null],
    ['falso x7k2.', 'false', 'X7K2', 'es'],
    ['HINDI TOTOO X7K2', 'false', 'X7K2', 'tl'],
    ['hindi totoo', 'false', null, 'tl'],
    ['confirm', 'confirm', null, null],
    ['Confirmar', 'confirm', null, 'es'],
    ['false', 'false', null, null],
    ['confirm ABCDEF1234', 'confirm', 'ABCDEF1234', null],
  ] as const)('%j → %s %s', (body, verdict, check, hint) => {
    expect(parseInbound(body)).toEqual({ type: 'verify', verdict, check, languageHint: hint });
  });

  it('longer keyword wins: HINDI TOTOO is a verdict, not HINDI + code', () => {
    expect(parseInbound('hindi totoo x7k2')).toMatchObject({ type: 'verify', verdict: 'false' });
    expect(parseInbound('hindi x7k2')).toMatchObject({ type: 'respond', answer: 'cannot' });
  });

  it('rejects check codes of the wrong shape', () => {
    expect(type('confirm AB')).toBe('report');
    expect(type('confirm ABCDEF12345')).toBe('report');
    expect(type('false X7K2 X7K3')).toBe('report');
  });
});

describe('parseInbound: send', () => {
  it.each([
    ['SEND K28P', 'K28P', null],
    ['send k28p', 'K28P', null],
    ['Enviar K28P', 'K28P', 'es'],
    ['IPADALA K28P po', 'K28P', 'tl'],
  ] as const)('%s is a coordinator\'s approval', (body, code, hint) => {
    expect(parseInbound(body)).toEqual({ type: 'send', incidentCode: code, languageHint: hint });
  });

  it.each(['SEND', 'send help', 'send help now to 24th and mission', 'SEND THEM', 'send K28P and more'])('%s is a report', (body) => {
    expect(parseInbound(body).type).toBe('report');
  });
});

describe('parseInbound: duty', () => {
  it.each([
    ['ON DUTY', true, null],
    ['on-duty', true, null],
    ['En turno', true, 'es'],
    ['NAKA-DUTY', true, 'tl'],
    ['naka duty', true, 'tl'],
    ['off duty', false, null],
    ['Fuera de turno.', false, 'es'],
    ['walang duty', false, 'tl'],
  ] as const)('%j → onDuty %s', (body, onDuty, hint) => {
    expect(parseInbound(body)).toEqual({ type: 'duty', onDuty, languageHint: hint });
  });
});

describe('parseInbound: membership decisions', () => {
  it.each([
    ['APPROVE 1234', 'approve', '1234', null],
    ['approve 0042.', 'approve', '0042', null],
    ['Aprobar 1234', 'approve', '1234', 'es'],
    ['aprubahan 1234 po', 'approve', '1234', 'tl'],
    ['DENY 1234', 'deny', '1234', null],
    ['Rechazar 1234', 'deny', '1234', 'es'],
    ['TANGGIHAN 1234', 'deny', '1234', 'tl'],
    ['approve', 'approve', null, null],
  ] as const)('item 9: %j → %s %s', (body, decision, last4, hint) => {
    expect(parseInbound(body)).toEqual({ type: 'member', decision, last4, languageHint: hint });
  });

  it.each(['deny entry to the agents', 'approve 123', 'approve 12345', 'deny 1234 5678', 'DENY ICE'])('item 9: %j is a report', (body) => {
    expect(type(body)).toBe('report');
  });
});

describe('parseInbound: arrival on scene', () => {
  it.each([
    ['ON SCENE', null, null],
    ['on scene K28P', 'K28P', null],
    ['On-scene', null, null],
    ['onscene k28p', 'K28P', null],
    ['En el lugar', null, 'es'],
    ['EN EL LUGAR K28P', 'K28P', 'es'],
    ['en el lugar ya', null, 'es'],
    ['Nasa lugar na ako', null, 'tl'],
    ['NASA LUGAR K28P po', 'K28P', 'tl'],
  ] as const)('item 7: %j → arrived %s', (body, incidentCode, hint) => {
    expect(parseInbound(body)).toEqual({ type: 'arrived', incidentCode, languageHint: hint });
  });

  it.each([
    'on scene there are 5 agents',
    'en el lugar de trabajo hay migra',
    'nasa lugar ang ICE',
    'on scene ICE',
    'EN EL LUGAR HAY AGENTES',
  ])('item 7: %j is a report', (body) => {
    expect(type(body)).toBe('report');
  });
});

describe('parseInbound: drills opt-out', () => {
  it.each([
    ['DRILLS OFF', false, null],
    ['drills off please', false, null],
    ['Drill off', false, null],
    ['Simulacros no', false, 'es'],
    ['SIMULACRO NO', false, 'es'],
    ['pagsasanay off po', false, 'tl'],
    ['DRILLS ON', true, null],
    ['Simulacros sí', true, 'es'],
    ['PAGSASANAY ON', true, 'tl'],
  ] as const)('item 8: %j → drills on=%s', (body, on, hint) => {
    expect(parseInbound(body)).toEqual({ type: 'drills', on, languageHint: hint });
  });

  it.each(['drills off at the school today', 'simulacros no hay, es real la migra', 'DRILLS'])('item 8: %j is not a drills keyword', (body) => {
    expect(type(body)).toBe('report');
  });

  it('item 8: the drill keywords do not take over a plain yes or no', () => {
    expect(parseInbound('SI')).toMatchObject({ type: 'respond', answer: 'going' });
    expect(parseInbound('NO')).toMatchObject({ type: 'respond', answer: 'cannot' });
  });
});

describe('parseInbound: hostile input never throws', () => {
  it.each([
    "'; DROP TABLE contacts;--",
    'STOP; DELETE FROM contacts',
    '<script>alert(1)</script>',
    '😀'.repeat(1000),
    '\u0000\u0001\u0002',
    'ﷺ'.repeat(50),
    '\uD800',
  ])('%#', (body) => {
    expect(() => parseInbound(body)).not.toThrow();
    expect(['report', 'empty']).toContain(parseInbound(body).type);
  });

  it('ignores stray combining marks after a keyword', () => {
    expect(parseInbound(`JOIN ${'\u0301'.repeat(100)}`)).toEqual({ type: 'join', code: null, languageHint: null });
  });

  it('handles a megabyte quickly and reads it as a report', () => {
    const started = Date.now();
    expect(parseInbound('STOP '.repeat(200_000)).type).toBe('report');
    expect(Date.now() - started).toBeLessThan(3000);
  });
});
