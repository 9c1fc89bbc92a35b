import { createCipheriv, createDecipheriv, createHash, randomBytes } from 'node:crypto';

/**
 * Seals the subject labels the admin API reads back from risk records (an identity's tag, a
 * network's prefix) so Redis holds nothing in clear that names a caller: the rule the store's
 * key names follow (keys.ts). AES-256-GCM under a key derived from the store's fingerprint
 * seed, the deployment secret every gateway sharing the Redis already has; a fresh 96-bit IV
 * per seal (NIST SP 800-38D, 8.2.2). Text: base64url of IV ‖ ciphertext ‖ tag.
 */
export interface LabelSeal {
  seal(label: string): string;
  /** The label, or undefined for text this seed did not seal (another deployment, tampering). */
  open(sealed: string): string | undefined;
}

const IV_BYTES = 12;
const TAG_BYTES = 16;

export function createLabelSeal(seed: readonly [number, number]): LabelSeal {
  const key = createHash('sha256').update(`enumguard risk label|${seed[0]}|${seed[1]}`).digest();
  return {
    seal(label) {
      const iv = randomBytes(IV_BYTES);
      const cipher = createCipheriv('aes-256-gcm', key, iv);
      const body = Buffer.concat([cipher.update(label, 'utf8'), cipher.final()]);
      return Buffer.concat([iv, body, cipher.getAuthTag()]).toString('base64url');
    },
    open(sealed) {
      const raw = Buffer.from(sealed, 'base64url');
      if (raw.length < IV_BYTES + TAG_BYTES) return undefined;
      try {
        const decipher = createDecipheriv('aes-256-gcm', key, raw.subarray(0, IV_BYTES));
        decipher.setAuthTag(raw.subarray(raw.length - TAG_BYTES));
        const text = Buffer.concat([
          decipher.update(raw.subarray(IV_BYTES, raw.length - TAG_BYTES)),
          decipher.final(),
        ]);
        return text.toString('utf8');
      } catch {
        return undefined;
      }
    },
  };
}
