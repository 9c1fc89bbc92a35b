import { apiKeyDigest, MAX_KEY_LENGTH } from '../identity/api-keys.ts';
import type { CliIo } from './io.ts';

const HELP = `Usage: enumguard hash-key [KEY]
       enumguard hash-key -- -KEY-STARTING-WITH-A-DASH
       enumguard hash-key < key.txt

Prints the SHA-256 of an API key as the policy stores it (identities.apiKeys.keys[].sha256),
so the key itself never goes into the policy file. Without KEY the key is read from stdin (its
first line), which keeps it out of your shell history. Spaces around the key are dropped, as
the gateway drops them from the header.`;

/** `enumguard hash-key`: the digest on stdout alone, so `$(enumguard hash-key < key.txt)` works. */
export async function runHashKey(argv: readonly string[], io: CliIo): Promise<number> {
  // After `--` every argument is a key, even one that starts with a dash (base64url keys can).
  const end = argv.indexOf('--');
  const options = end < 0 ? argv : argv.slice(0, end);
  if (options.includes('-h') || options.includes('--help')) {
    io.stdout(HELP);
    return 0;
  }
  const unknown = options.find((a) => a.startsWith('-') && a !== '-');
  const args = end < 0 ? argv : [...options, ...argv.slice(end + 1)];
  if (unknown !== undefined || args.length > 1) {
    io.stderr(
      `enumguard hash-key: ${unknown ? `unknown option ${unknown}` : 'one key at a time'}\n\n${HELP}`,
    );
    return 2;
  }
  const fromArg = args[0] !== undefined && args[0] !== '-';
  let key: string;
  if (fromArg) {
    key = args[0] ?? '';
  } else {
    if (!io.stdin) {
      io.stderr(`enumguard hash-key: no key given and no stdin to read it from\n\n${HELP}`);
      return 2;
    }
    if (io.stdin.isTTY) io.stderr('Type the API key, then Enter:');
    key = await firstLine(io.stdin);
  }
  key = key.trim();
  if (key.length === 0) {
    io.stderr(`enumguard hash-key: the key is empty${fromArg ? '' : ' (nothing on stdin)'}`);
    return 1;
  }
  if (key.length > MAX_KEY_LENGTH) {
    io.stderr(
      `enumguard hash-key: the key has ${key.length} characters; the gateway refuses keys longer than ${MAX_KEY_LENGTH}`,
    );
    return 1;
  }
  io.stdout(apiKeyDigest(key));
  return 0;
}

/** The input up to its first line break (or its end), so a terminal user need not press Ctrl-D. */
async function firstLine(input: AsyncIterable<string | Uint8Array>): Promise<string> {
  const decoder = new TextDecoder();
  let text = '';
  for await (const chunk of input) {
    text += typeof chunk === 'string' ? chunk : decoder.decode(chunk, { stream: true });
    const end = text.search(/\r?\n/);
    if (end >= 0) return text.slice(0, end);
  }
  return text + decoder.decode();
}
