// What kind of place a report describes: worksite, school, home, court, checkpoint or other. The kind changes
// who responds, so the rule is "where the agents are": what they are doing (stopping cars, knocking on doors)
// says most, then the place they are at, then the place the network matched. Places named only to say where
// something is ("near my house", "by the taqueria") count for nothing, except a school or court nearby.
import { BREAK, foldWords, PhraseTable, pluralsOf } from './details.js';
import type { IncidentKind } from './types.js';

type Strength = 'activity' | 'strong' | 'weak';

interface Cue {
  kind: IncidentKind;
  strength: Strength;
}

const SCORE: Readonly<Record<Strength, number>> = { activity: 4, strong: 3, weak: 2 };
// The network's own place: above weak words ("at Home Depot by the store"), below a strong one ("the school by
// Home Depot"); a place named only as a landmark ("near Seafood City") counts barely.
const PLACE_SCORE = 2.5;
const PLACE_LANDMARK_SCORE = 0.75;
/** Equal scores: the more specific, rarer kind wins. */
const PRIORITY: readonly IncidentKind[] = ['checkpoint', 'school', 'court', 'worksite', 'home', 'other'];

type Entry = readonly [string, Cue | null, boolean];

/** Cue entries; `plural` phrases also match with -s/-es. One typo is forgiven in long words naming a place or an
 * act, never in weak words ("hearing" vs "heading") nor in the plural forms made up here ("courtes"). */
function cues(kind: IncidentKind, strength: Strength, phrases: readonly string[], plural: readonly string[] = []): Entry[] {
  const fuzzy = strength !== 'weak';
  return [
    ...[...phrases, ...plural].map((p) => [p, { kind, strength }, fuzzy] as const),
    ...pluralsOf(plural).map((p) => [p, { kind, strength }, false] as const),
  ];
}

/** Cues too close to everyday words to forgive a typo in ("checkin" / "checking", "maquila" / "maquina"). */
function exact(kind: IncidentKind, strength: Strength, phrases: readonly string[]): Entry[] {
  return phrases.map((p) => [p, { kind, strength }, false] as const);
}

/** Words that look like a cue but are not one ("food court", "stay home", "corte de pelo"). */
function ignored(phrases: readonly string[]): Entry[] {
  return phrases.map((p) => [p, null, false] as const);
}

const CUES = new PhraseTable<Cue | null>(
  [
    ...cues(
      'checkpoint',
      'activity',
      [
        'dui checkpoint', 'sobriety checkpoint', 'traffic checkpoint', 'reten', 'retenes', 'punto de control',
        'puntos de control', 'puesto de control', 'punto de revision', 'control de transito', 'control de trafico',
        'revision de carros', 'revision de papeles', 'harang', 'nagchecheckpoint', 'nag checkpoint',
        'nagche checkpoint', 'chinecheckpoint',
      ],
      ['checkpoint', 'check point', 'checkpoin', 'chekpoint', 'roadblock', 'road block'],
    ),
    ...exact('home', 'activity', [
      'tocando', 'tocaron', 'tocan', 'estan tocando', 'batendo', 'batendo na porta', 'batendo nas portas', 'frape',
      'frape pot', 'go cua',
    ]),
    ...exact('checkpoint', 'activity', ['nakaharang', 'hinarangan', 'harangan', 'nakaharang sila sa daan']),
    ...cues('home', 'activity', [
      'knocking', 'knock', 'knocks', 'knocked', 'door knocking', 'banging on doors', 'banging on the door',
      'banging on door', 'pounding on doors', 'pounding on the door', 'door to door', 'going door to door',
      'tocando puertas', 'tocando la puerta', 'tocando las puertas', 'tocando en las puertas', 'tocaron la puerta',
      'tocan la puerta', 'tocan las puertas', 'tocando de puerta en puerta', 'de puerta en puerta',
      'puerta por puerta', 'casa por casa', 'golpeando la puerta', 'golpeando puertas', 'golpeando las puertas',
      'kumakatok', 'kumatok', 'kinakatok', 'kinatok', 'bahay bahay', 'bahay sa bahay', 'katok',
    ]),
    ...cues(
      'school',
      'strong',
      [
        'high school', 'highschool', 'middle school', 'elementary', 'elementary school', 'pre school', 'day care',
        'head start', 'school bus', 'schoolyard', 'campus', 'college', 'university', 'universidad', 'paaralan',
        'eskwela', 'eskwelahan', 'iskul', 'skul', 'skwela', 'skwelahan', 'eskuwelahan', 'mababang paaralan',
      ],
      [
        'school', 'skool', 'scool', 'schol', 'shcool', 'escuela', 'escuelita', 'colegio', 'primaria', 'secundaria',
        'preparatoria', 'prepa', 'kinder', 'kindergarten', 'preschool', 'daycare', 'guarderia',
      ],
    ),
    ...cues(
      'court',
      'strong',
      ['immigration court', 'la corte', 'corte de inmigracion', 'hukuman'],
      ['court', 'courthouse', 'court house', 'courtroom', 'tribunal', 'corte', 'juzgado', 'korte'],
    ),
    // An ICE check-in at the ICE office is, for responders, like court.
    ...exact('court', 'strong', [
      'check in', 'check ins', 'checkin', 'checkins', 'cita con ice', 'cita de ice', 'cita con la migra',
      'cita con inmigracion', 'cita de inmigracion', 'ice office', 'field office', 'oficina de ice',
      'oficina de inmigracion', 'oficina de la migra', 'opisina ng ice', 'ice building', 'cita en la oficina',
    ]),
    ...exact('worksite', 'strong', ['maquila', 'taller', 'talleres', 'taller de carros', 'taller mecanico']),
    ...exact('school', 'strong', [
      'academy', 'academia', 'escola', 'escolas', 'lekol', 'truong', 'truong hoc', 'salon de clases', 'classroom',
    ]),
    ...cues('court', 'weak', [
      'hearing', 'hearings', 'court date', 'audiencia', 'audiencias', 'cita en la corte', 'judge', 'juez', 'pagdinig',
    ]),
    ...cues('school', 'weak', [
      'drop off', 'dropoff', 'at pickup', 'school pickup', 'pickup time', 'lockdown', 'teachers', 'teacher',
      'maestros', 'maestras', 'maestra', 'guro', 'mga guro', 'students', 'estudiantes', 'alumnos', 'estudyante',
      'salida de los ninos', 'salida de los muchachos', 'la salida de la escuela', 'recess', 'recreo',
    ]),
    ...cues(
      'worksite',
      'strong',
      [
        'factories', 'construction', 'construccion', 'home depot', 'at home depot', 'lowe s', 'lowes',
        'day laborers', 'day labor', 'day laborer', 'jornaleros', 'jornalero', 'swap meet', 'flea market',
        'la pulga', 'meatpacking', 'lavado de carros', 'lavado de autos', 'the fields', 'los files', 'sakahan',
        'bukid', 'taniman', 'landscaping', 'nail salon', 'nail salons', 'beauty salon', 'barbershop', 'barberia',
        'peluqueria', 'kainan', 'karinderya', 'carinderia', 'loading dock', 'loading area', 'tiem nail', 'nha may',
        'faktori', 'lavanderia', 'lavanderias', 'labahan', 'laundromats', 'salons', 'my work', 'our work', 'my job',
        'mi trabajo', 'su trabajo', 'nuestro trabajo', 'mi chamba', 'el jale', 'trabaho ko', 'trabaho namin',
        'sa trabaho',
      ],
      [
        'factory', 'warehouse', 'jobsite', 'worksite', 'workplace', 'restaurant', 'taqueria', 'bakery', 'car wash',
        'carwash', 'farm', 'cannery', 'packinghouse', 'packing house', 'packing plant', 'meat plant',
        'meatpacking plant', 'processing plant', 'poultry plant', 'chicken plant', 'fabrica', 'fabrika', 'almacen',
        'restaurante', 'panaderia', 'empacadora', 'procesadora', 'rancho', 'pabrika', 'bodega', 'huerta', 'vinedo',
        'orchard', 'vineyard', 'dairy', 'lecheria', 'restawran', 'construction site', 'job site',
        'work site', 'sitio de construccion', 'laundromat', 'salon',
      ],
    ),
    ...cues(
      'worksite',
      'weak',
      [
        'work', 'job', 'trabajo', 'trabajos', 'chamba', 'jale', 'trabaho', 'trabahuhan', 'pinagtatrabahuhan',
        'workers', 'worker', 'trabajadores', 'empleados', 'employees', 'manggagawa', 'obreros',
        'working', 'trabajan', 'trabajando', 'nagtatrabaho', 'janitor', 'janitors', 'limpieza', 'cleaners',
        'housekeeping', 'vendors', 'vendedores', 'ambulantes', 'puestos', 'tianguis', 'food truck', 'food trucks',
        'trabalho', 'travay', 'tiem', 'unloading', 'descargan', 'descargando', 'cooks', 'mga cook', 'cocineros',
        'meseros', 'waiters', 'dishwashers', 'lavaplatos', 'crew', 'nguoi ban hang',
      ],
      [
        'store', 'shop', 'tienda', 'market', 'mercado', 'supermercado', 'supermarket', 'grocery', 'tindahan',
        'palengke', 'business', 'negocio', 'planta', 'plant', 'obra', 'field', 'campo',
      ],
    ),
    ...cues(
      'home',
      'strong',
      ['porch', 'driveway', 'backyard', 'front yard', 'hogar', 'parque de trailas', 'bahay namin', 'bahay nila'],
      [
        'house', 'home', 'apartment', 'apt', 'condo', 'duplex', 'trailer', 'mobile home', 'residence', 'casa',
        'departamento', 'apartamento', 'depa', 'traila', 'vivienda', 'domicilio', 'bahay', 'tahanan', 'paupahan',
        'apartment building', 'apartment complex', 'trailer park',
      ],
    ),
    ...cues('home', 'weak', [
      'front door', 'my door', 'our door', 'the door', 'la puerta', 'mi puerta', 'pinto', 'pintuan', 'building',
      'edificio', 'gusali', 'neighbor s', 'neighbour s', 'kapitbahay', 'whole family', 'entire family',
      'toda la familia', 'a una familia', 'la familia entera', 'buong pamilya', 'lakay',
    ]),
    ...ignored([
      'food court', 'basketball court', 'tennis court', 'soccer field', 'corte de pelo', 'corte de cabello',
      'stay home', 'stay at home', 'go home', 'going home', 'went home', 'get home',
      'way home', 'at home', 'home improvement', 'quedense en casa', 'quedate en casa', 'en casa', 'sa bahay lang',
      'work permit', 'permiso de trabajo', 'house of', 'white house', 'court st', 'court street', 'plant based',
      'field trip', 'to work', 'al trabajo', 'a trabajar', 'papasok sa trabaho', 'papunta sa trabaho',
      'lumabas ng bahay', 'umalis ng bahay', 'salgan de sus casas', 'salgan de su casa', 'salgan de la casa',
      'salgan de casa', 'leave the house', 'leave your house', 'leave home', 'stay in your house',
      'quedense en sus casas', 'stay inside', 'high alert', 'opera house', 'coffee house', 'coffeehouse',
      'roadhouse', 'full house',
    ]),
  ],
  { fuzzyMinLength: 7 },
);

type Landmark = 'near' | 'front';

/** Phrases after which a place is only a landmark: "near", "cerca de", "malapit sa", "2 blocks from". */
const LANDMARK = new PhraseTable<Landmark>([
  ...[
    'near', 'nearby', 'near by', 'close to', 'next to', 'by', 'beside', 'across from', 'across', 'past', 'after',
    'before', 'blocks from', 'block from', 'blocks away from', 'block away from', 'down the street from',
    'up the street from', 'around the corner from', 'a block from', 'walking distance from', 'behind',
    'cerca', 'cerca de', 'cerca del', 'cerquita de', 'cerquita del', 'junto a', 'junto al', 'al lado de',
    'al lado del', 'a lado de', 'alado de', 'a un lado de', 'enseguida de', 'cuadras de', 'cuadra de',
    'cuadras del', 'cuadra del', 'a la vuelta de', 'pasando', 'despues de', 'antes de', 'atras de', 'detras de',
    'malapit', 'malapit sa', 'malapit lang sa', 'katabi ng', 'katabi', 'tabi ng', 'sa tabi ng', 'banda',
    'sa may banda ng', 'likod ng', 'lagpas sa', 'lampas sa',
  ].map((p) => [p, 'near'] as const),
  // Parked "in front of" a shop is a sighting, not a raid on it; in front of one's own building it is at home.
  // "outside", "afuera de", "sa labas ng" are at the place.
  ...[
    'in front of', 'across the street from', 'frente a', 'frente al', 'enfrente de', 'enfrente del', 'en frente de',
    'en frente del', 'tapat ng', 'sa tapat ng', 'harap ng', 'sa harap ng',
  ].map((p) => [p, 'front'] as const),
]);
// A new "where" phrase between a landmark word and a cue ends the landmark ("near 24th, at the school").
const LANDMARK_ENDS: ReadonlySet<string> = new Set([BREAK, 'at', 'in', 'inside', 'outside', 'en', 'dentro', 'afuera', 'sa']);
const LANDMARK_REACH = 4;

// Stopping cars is a checkpoint wherever it happens: "parando a todos los carros", "pulling people over".
// Checking papers is one too, on the street; at a workplace or a school, the place says more.
const STOPPING = new Set([
  'stopping', 'stopped', 'stop', 'pulling', 'checking', 'parando', 'paran', 'pararon', 'revisando', 'deteniendo',
  'pinapara', 'pinapahinto', 'pinahihinto', 'hinaharang', 'chinecheck', 'tsine', 'nagpapara',
]);
// Plural or general: one car pulled over is an arrest on the street, not a checkpoint.
const TRAFFIC = new Set([
  'cars', 'vehicles', 'traffic', 'drivers', 'motorists', 'carros', 'coches', 'vehiculos', 'trocas', 'trafico',
  'conductores', 'choferes', 'sasakyan', 'over',
]);
const PAPERS = new Set([
  'papers', 'ids', 'id', 'licenses', 'license', 'documents', 'papeles', 'documentos', 'licencias', 'licencia',
  'papel', 'dokumento',
]);
const CHECKING = new Set([
  'checking', 'asking', 'asked', 'checked', 'revisando', 'pidiendo', 'piden', 'pidieron', 'revisan', 'tsinetsek',
  'hinihingi', 'hinahanapan', 'chinecheck',
]);

// "Mission High", "JEFFERSON HIGH": a high school named the way students call it.
const NAMED_HIGH_SCHOOL = /(?<!\p{L})(?:\p{Lu}\p{Ll}+|\p{Lu}{3,}) (?:High|HIGH)(?!\p{L})(?! (?:alert|ALERT|Alert))/u;

/** True when a verb of `verbs` has one of `objects` within a few words after it, in the same clause. */
function verbOn(words: readonly string[], verbs: ReadonlySet<string>, objects: ReadonlySet<string>): boolean {
  for (let i = 0; i < words.length; i++) {
    if (!verbs.has(words[i] ?? '')) continue;
    for (let k = i + 1; k <= i + 5 && k < words.length && words[k] !== BREAK; k++) {
      if (objects.has(words[k] ?? '')) return true;
    }
  }
  return false;
}

/**
 * A cue in a landmark phrase. What agents do still counts; a school or court nearby says something on its own
 * (children, hearings close by); a shop or a house named to say where ("by the taqueria", "near my house") is
 * only a reference point, except in front of a home, which is at it.
 */
function landmarkScore(cue: Cue, landmark: Landmark): number {
  if (cue.strength === 'activity') return 2.5;
  if (cue.kind === 'home' && landmark === 'front') return SCORE[cue.strength];
  if (cue.kind === 'school' || cue.kind === 'court') return cue.strength === 'strong' ? 1 : 0.5;
  return 0;
}

/** The landmark phrase shortly before words[start], with no new "where" phrase in between, if any. */
function landmarkBefore(words: readonly string[], start: number, landmarks: ReadonlyMap<number, Landmark>): Landmark | null {
  for (let k = start; k >= 0 && k >= start - LANDMARK_REACH; k--) {
    const landmark = landmarks.get(k);
    if (landmark !== undefined) return landmark;
    const before = words[k - 1];
    if (before === undefined || LANDMARK_ENDS.has(before)) return null;
  }
  return null;
}

/** Where the place's words sit in the text, if they can be found there. */
function findSpan(words: readonly string[], placeWords: string | null | undefined): { start: number; end: number } | null {
  if (!placeWords) return null;
  const needle = foldWords(placeWords).filter((w) => w !== BREAK);
  if (needle.length === 0) return null;
  for (let i = 0; i + needle.length <= words.length; i++) {
    if (needle.every((w, k) => words[i + k] === w)) return { start: i, end: i + needle.length };
  }
  return null;
}

/**
 * The kind of place a report describes. `placeKind` is the kind of the network place the text matched (it wins
 * over weak words, loses to strong ones); `placeWords`, the words it was matched from, lets a place named only as
 * a landmark ("near Seafood City") count as one.
 */
export function classifyKind(text: string, placeKind?: IncidentKind | null, placeWords?: string | null): IncidentKind {
  const words = foldWords(text);
  const landmarks = new Map(LANDMARK.all(words).map((m) => [m.end, m.value] as const));
  const span = placeKind ? findSpan(words, placeWords) : null;
  const scores = new Map<IncidentKind, number>();
  const raise = (kind: IncidentKind, score: number): void => {
    scores.set(kind, Math.max(scores.get(kind) ?? 0, score));
  };

  for (const match of CUES.all(words)) {
    if (match.value === null) continue;
    // The place's own name ("Mission Court Apartments") is described by the place's kind.
    if (span && match.start >= span.start && match.end <= span.end) continue;
    const landmark = landmarkBefore(words, match.start, landmarks);
    raise(match.value.kind, landmark ? landmarkScore(match.value, landmark) : SCORE[match.value.strength]);
  }
  if (typeof text === 'string' && NAMED_HIGH_SCHOOL.test(text.slice(0, 4000))) raise('school', SCORE.strong);
  if (verbOn(words, STOPPING, TRAFFIC)) raise('checkpoint', SCORE.activity);
  if (verbOn(words, CHECKING, PAPERS) || verbOn(words, STOPPING, PAPERS)) raise('checkpoint', PLACE_SCORE);
  if (placeKind) {
    const landmark = span ? landmarkBefore(words, span.start, landmarks) : null;
    const nearby = placeKind === 'school' || placeKind === 'court' ? PLACE_LANDMARK_SCORE : 0;
    raise(placeKind, landmark ? nearby : PLACE_SCORE);
  }

  let best: IncidentKind = 'other';
  let bestScore = 0;
  // On equal scores a matched place decides, except a place of kind other: a strong word says more than it.
  const order = placeKind && placeKind !== 'other' ? [placeKind, ...PRIORITY] : PRIORITY;
  for (const kind of order) {
    const score = scores.get(kind) ?? 0;
    if (score > bestScore) {
      best = kind;
      bestScore = score;
    }
  }
  return best;
}
