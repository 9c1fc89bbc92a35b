import type { AuditFinding, AuditRule } from '../../finding.ts';
import { squash } from '../identifiers.ts';
import { fieldsOf } from '../schema-walk.ts';
import type { SpecRule } from './rule-kit.ts';
import { operationFinding } from './rule-kit.ts';

/** Fields that are profile data by themselves. */
const STRONG =
  /^(photo|photos|photourl|avatar|avatarurl|picture|pictureurl|profilephoto|profilepicture|profileimage|profilepic|about|bio|biography|presence|lastseen|lastseenat|lastonline|online|isonline|statusmessage|statustext|displayname|fullname|realname)$/;
/** Fields that are profile data only beside another one ("name", "status" alone are too common). */
const WEAK =
  /^(name|firstname|lastname|givenname|familyname|status|image|imageurl|location|birthday|gender)$/;

const rule: AuditRule = {
  id: 'EG-PROFILE',
  title: 'Profile data in a lookup answer',
  severity: 'medium',
  reason:
    'A lookup that returns profile data (photo, about text, name, presence) turns an existence oracle into a ' +
    'harvest: in 2024 the WhatsApp lookups returned 57% of accounts\' photos and 29% of their "about" texts.',
  fix:
    "Return only what the owner's privacy setting allows the caller to see (contacts only by default), strip " +
    'profile fields from batch answers (enumguard: route `egress: { strip: [...] }`), and serve them through a ' +
    'separate, limited route.',
};

export const profileRule: SpecRule = {
  rule,
  check(facts, ctx): AuditFinding[] {
    if (!facts.lookup) return [];
    const strong = new Set<string>();
    const weak = new Set<string>();
    for (const schema of facts.successSchemas) {
      for (const f of fieldsOf(schema, 4)) {
        const n = squash(f.name);
        if (STRONG.test(n)) strong.add(f.path.join('.'));
        else if (WEAK.test(n)) weak.add(f.path.join('.'));
      }
    }
    if (strong.size === 0 && weak.size < 2) return [];
    const fields = [...strong, ...weak];
    return [
      operationFinding(rule, facts, ctx, `the lookup's answer carries profile data: ${fields.join(', ')}`, {
        severity: facts.oracle ? 'high' : 'medium',
        evidence: { fields: fields.join(', ') },
      }),
    ];
  },
};
