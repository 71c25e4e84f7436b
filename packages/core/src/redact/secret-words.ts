/**
 * The words that make a value a secret. Key names are compared by their ending, lower case and
 * with separators dropped, so `DB_PASSWORD`, `x-api-key`, `clientSecret` and
 * `spring.datasource.password` all count and `max_tokens` or `tokenizer` do not.
 */
const secretKeyEndings = [
  'password',
  'passwd',
  'passphrase',
  'pwd',
  'secret',
  'token',
  'apikey',
  'accesskey',
  'privatekey',
  'secretkey',
  'signingkey',
  'encryptionkey',
  'masterkey',
  'authkey',
  'credential',
  'credentials',
];

/** Words after which, a few characters on, a random-looking string is a secret: "signing key 9fQ2...". */
const contextWords = [
  'key',
  'keys',
  'secret',
  'secrets',
  'token',
  'tokens',
  'password',
  'passwords',
  'passwd',
  'credential',
  'credentials',
  'auth',
  'signature',
  'salt',
];

/** Longest normalised ending looked at: every ending above is shorter. */
const maxEndingLength = 24;

/**
 * The last letters and digits of a word, lower case, at most `maxEndingLength`: bounded work
 * whatever the word's length. Kept as character codes in one buffer and compared in place, so a
 * megabyte of key-like words allocates nothing.
 */
export class WordEnding {
  readonly #codes = new Uint16Array(maxEndingLength);
  #length = 0;

  /** Reads the ending of `text[start, end)`; false when it has no letter or digit. */
  read(text: string, start: number, end: number): boolean {
    let length = 0;
    for (let index = end - 1; index >= start && length < maxEndingLength; index--) {
      const code = text.charCodeAt(index);
      if (code >= 65 && code <= 90) this.#codes[maxEndingLength - ++length] = code + 32;
      else if ((code >= 97 && code <= 122) || (code >= 48 && code <= 57))
        this.#codes[maxEndingLength - ++length] = code;
    }
    this.#length = length;
    return length > 0;
  }

  endsWith(word: string): boolean {
    if (word.length > this.#length) return false;
    for (let index = 1; index <= word.length; index++) {
      if (this.#codes[maxEndingLength - index] !== word.charCodeAt(word.length - index)) return false;
    }
    return true;
  }

  is(word: string): boolean {
    return word.length === this.#length && this.endsWith(word);
  }

  /** `DB_PASSWORD`, `"api_key"`: a key whose value is a secret. */
  get secretKey(): boolean {
    return secretKeyEndings.some((word) => this.endsWith(word));
  }

  /** A word after which a random-looking string is taken for a secret. */
  contextWord(wordLength: number): boolean {
    return (wordLength <= maxEndingLength && contextWords.some((word) => this.is(word))) || this.secretKey;
  }
}

/** The value of a secret key that is clearly not a secret: placeholders, booleans, markers. */
export function isPlaceholderValue(value: string): boolean {
  if (value.length > 64) return false;
  return /^(?:null|nil|none|true|false|undefined|empty|\*+|x+|-|%s|<[\w -]*>|\$\{[\w:-]*\}|\$[A-Z_]+|\[REDACTED(?::[a-z_]+)?\])$/i.test(
    value,
  );
}

/**
 * An environment variable or label name that says its value is a secret: a word of it (split on
 * `_`, `-`, `.` and camelCase) is one of these. `KEYCLOAK_URL` is not, `STRIPE_KEY` is.
 */
const secretNameWords = new Set([
  'password',
  'passwd',
  'pass',
  'passphrase',
  'pwd',
  'secret',
  'secrets',
  'token',
  'tokens',
  'key',
  'keys',
  'apikey',
  'accesskey',
  'privatekey',
  'secretkey',
  'credential',
  'credentials',
  'dsn',
  'cookie',
]);

export function isSecretName(name: string): boolean {
  const words = name
    .slice(0, 256)
    .replace(/([a-z0-9])([A-Z])/g, '$1_$2')
    .toLowerCase()
    .split(/[^a-z0-9]+/);
  return words.some((word) => secretNameWords.has(word));
}
