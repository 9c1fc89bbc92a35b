/**
 * What one lookup answer reveals, read from its JSON without keeping any value: how many
 * records it holds, which profile fields they carry (names only), and which of the numbers the
 * caller knows to be registered came back.
 */
export interface AnswerShape {
  /** Objects in the answer's records array (the first array of objects found, depth first). */
  readonly records: number;
  /** Field names of profile data found anywhere in the answer, as the API spells them. */
  readonly profileFields: readonly string[];
  /** How many of `known` appear as a string value in the answer. */
  readonly knownFound: number;
}

/**
 * Profile data, by field name with case, "_" and "-" ignored: what the 2024 scrape harvested
 * (photo, about) and what user-search and lookup APIs commonly add. Identifiers (number,
 * accountId) are not profile data: a lookup answers with them by nature.
 */
const PROFILE_NAMES = new Set([
  'name',
  'displayname',
  'fullname',
  'firstname',
  'lastname',
  'nickname',
  'about',
  'bio',
  'status',
  'statusmessage',
  'statustext',
  'photo',
  'photourl',
  'avatar',
  'avatarurl',
  'picture',
  'pictureurl',
  'profilepicture',
  'profilephoto',
  'profileimage',
  'image',
  'imageurl',
  'lastseen',
  'lastseenat',
  'presence',
  'online',
  'email',
  'birthday',
  'birthdate',
  'location',
  'address',
  'gender',
]);

export function isProfileField(name: string): boolean {
  return PROFILE_NAMES.has(name.toLowerCase().replace(/[_-]/g, ''));
}

/** Bounds the walk: an answer deeper than this is not a lookup answer worth reading further. */
const MAX_DEPTH = 32;

export function answerShape(answer: unknown, known: ReadonlySet<string>): AnswerShape {
  const fields = new Set<string>();
  let records = -1;
  let knownFound = 0;
  const seen = new Set<string>();
  const walk = (value: unknown, depth: number): void => {
    if (depth > MAX_DEPTH) return;
    if (typeof value === 'string') {
      if (known.has(value) && !seen.has(value)) {
        seen.add(value);
        knownFound++;
      }
      return;
    }
    if (Array.isArray(value)) {
      if (records < 0 && value.some((v) => typeof v === 'object' && v !== null && !Array.isArray(v))) {
        records = value.length;
      }
      for (const v of value) walk(v, depth + 1);
      return;
    }
    if (typeof value === 'object' && value !== null) {
      for (const [key, v] of Object.entries(value)) {
        // An empty or null field carries nothing: only a present value is a leak. A top-level
        // "status" is the answer's own ({"status": "ok"}), not an account's status text.
        const own = depth === 0 && key.toLowerCase() === 'status';
        if (!own && isProfileField(key) && v !== null && v !== '' && v !== undefined) fields.add(key);
        walk(v, depth + 1);
      }
    }
  };
  walk(answer, 0);
  return { records: Math.max(records, 0), profileFields: [...fields].sort(), knownFound };
}
