import { describe, expect, it } from 'vitest';
import { parseLocationOffline } from '../../../src/geo/parse-location.js';

describe('parseLocationOffline', () => {
  it('reads a ZIP inside a Spanish sentence', () => {
    const location = parseLocationOffline('La migra está en el 94110 ahorita, avisen a todos');
    expect(location).toEqual({
      lat: 37.750021, lng: -122.415201, label: 'ZIP 94110', precision: 'zip', zip: '94110', source: 'zip', words: '94110',
    });
  });

  it('reads a ZIP inside a Tagalog sentence', () => {
    expect(parseLocationOffline('May ICE sa 10001 ngayon, mag-ingat kayo')?.zip).toBe('10001');
  });

  it('reads a ZIP+4 as its 5-digit ZIP', () => {
    expect(parseLocationOffline('Checkpoint at 94110-1234.')).toMatchObject({ zip: '94110', label: 'ZIP 94110' });
  });

  it('skips a house number followed by a street name and type', () => {
    expect(parseLocationOffline('ICE vans at 10001 Main St')).toBeNull();
    expect(parseLocationOffline('10001 W Cesar Chavez Blvd')).toBeNull();
    expect(parseLocationOffline('ICE en 33135, ahora en 10001 Calle Ocho')?.zip).toBe('33135');
    expect(parseLocationOffline('nasa 10001 Kalye Rizal sila')).toBeNull();
  });

  it('still reads a ZIP followed by a preposition and a street', () => {
    expect(parseLocationOffline('94110 near Mission St')?.zip).toBe('94110');
    expect(parseLocationOffline('en 94110 cerca de la Calle 24')?.zip).toBe('94110');
  });

  it('takes the last of several ZIPs', () => {
    expect(parseLocationOffline('they left 94110 and are now in 10001')?.zip).toBe('10001');
  });

  it('ignores a 5-digit number that is not a known ZIP', () => {
    expect(parseLocationOffline('ICE at 00000')).toBeNull();
    expect(parseLocationOffline('ICE at 94110, not 00000')?.zip).toBe('94110');
  });

  it('ignores ZIP-like digits inside longer numbers, words or amounts', () => {
    for (const text of ['call 9411012', 'order A94110', '94110abc', 'pay $10001', 'ref 1-94110', 'v94110', '94110.5 mi', '94110-12345']) {
      expect(parseLocationOffline(text), text).toBeNull();
    }
  });

  it('returns null when there is no ZIP', () => {
    expect(parseLocationOffline('ICE at the courthouse on 5th and Main')).toBeNull();
    expect(parseLocationOffline('')).toBeNull();
  });

  it('reads a ZIP among emoji and accents without throwing', () => {
    expect(parseLocationOffline('🚨🚨 ICE 👮‍♂️ en 94110🚨 ¡cuídense! ñandú')?.zip).toBe('94110');
    expect(parseLocationOffline('¿Están en el código postal «10001»?')?.zip).toBe('10001');
    expect(() => parseLocationOffline('\uD83D 94110 \uDE00 e\u0301')).not.toThrow();
    expect(parseLocationOffline('\uD83D 94110 \uDE00 e\u0301')?.zip).toBe('94110');
  });
});
