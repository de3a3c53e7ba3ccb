import { describe, expect, it } from 'vitest';
import { maskPhoneNumbers } from '../../src/domain/mask-numbers.js';
import { isPhoneNumber } from '../../src/domain/senders.js';

describe('maskPhoneNumbers', () => {
  it('item 14: masks a typed phone number to its last four digits', () => {
    expect(maskPhoneNumbers('call Jose at 415-555-0199')).toBe('call Jose at •••-•••-0199');
    expect(maskPhoneNumbers('su número (415) 555-0123, migra en 94110')).toBe('su número (•••) •••-0123, migra en 94110');
    expect(maskPhoneNumbers('text +14155550199 or 415.555.0100')).toBe('text +•••••••0199 or •••.•••.0100');
    expect(maskPhoneNumbers('tawagan si Ana 4155550199 at +52 55 1234 5678')).toBe('tawagan si Ana ••••••0199 at +•• •• •••• 5678');
    // Two numbers side by side: neither shelters the other.
    expect(maskPhoneNumbers('call 415.555.0100, 415.555.0101 now')).toBe('call •••.•••.0100, •••.•••.0101 now');
    expect(maskPhoneNumbers('415-555-0199,415-555-0188')).toBe('•••-•••-0199,•••-•••-0188');
    expect(maskPhoneNumbers('415-555-0199 ext 12')).toBe('•••-•••-0199 ext 12');
    // Other digits beside a number do not hide it.
    expect(maskPhoneNumbers('ICE at 2400 Mission St 94110 415 555 0199 Jose')).toBe('ICE at 2400 Mission St 94110 ••• ••• 0199 Jose');
    expect(maskPhoneNumbers('call 415 555 0199 2 guys')).toBe('call ••• ••• 0199 2 guys');
    expect(maskPhoneNumbers('numbers: 415 555 0199 415 555 0188')).toBe('numbers: ••• ••• 0199 ••• ••• 0188');
    expect(maskPhoneNumbers('(415) 555 0199 4155550188')).toBe('(•••) ••• 0199 ••••••0188');
    expect(maskPhoneNumbers('415.5550199, 415.5550188')).toBe('•••.•••0199, •••.•••0188');
  });

  it('item 14: never masks inside links, coordinates or ZIP+4 codes, nor ZIPs, street numbers or times', () => {
    const kept = [
      'pin https://maps.example.com/?q=4155550199&z=17 please',
      'see maps.google.com/?q=4155550199',
      'agents at 37.7599,-122.4148 now',
      'agents at 37.759912 -122.414812 now',
      'ICE at 94110-1234 by the school',
      'raid at 2400 Mission St 94110 at 10:45',
      'plates 7ABC123, van number 1234567890',
      'ninguno aquí',
      '',
    ];
    for (const text of kept) expect(maskPhoneNumbers(text), text).toBe(text);
    // A link does not shelter a number written beside it.
    expect(maskPhoneNumbers('https://example.org/x and 415-555-0199')).toBe('https://example.org/x and •••-•••-0199');
  });
});

describe('isPhoneNumber', () => {
  it('item 8: tells a phone number from a withheld caller ID', () => {
    for (const from of ['+14155550199', '+525512345678', '4155550199']) expect(isPhoneNumber(from), from).toBe(true);
    for (const from of ['Anonymous', 'Restricted', 'UNKNOWN', '+266696687', '+86282452253', '+7378742833', '+2562533', 'client:alice', 'sip:a@b.example', '12345', ''])
      expect(isPhoneNumber(from), from).toBe(false);
  });
});
