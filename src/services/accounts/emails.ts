import type { Role } from '../../core/org.ts';
import type { MailMessage } from '../outbox/mailer.ts';
import { publicUrl } from './policy.ts';

const roleName: Record<Role, { en: string; ar: string }> = {
  admin: { en: 'an admin', ar: 'مسؤول' },
  manager: { en: 'a manager', ar: 'مدير مبيعات' },
  rep: { en: 'a sales rep', ar: 'مندوب مبيعات' },
};

/** Plain text in English then Arabic: the recipient's language is not known before they sign in. */
export function invitationEmail(input: {
  to: string;
  orgName: string;
  role: Role;
  inviterName: string | null;
  token: string;
  expiresAt: number;
}): MailMessage & { link: string } {
  const link = `${publicUrl()}/invite?token=${encodeURIComponent(input.token)}`;
  const by = input.inviterName ? `${input.inviterName} invited you` : 'You are invited';
  const until = new Date(input.expiresAt).toISOString().slice(0, 10);
  return {
    to: input.to,
    link,
    subject: `Join ${input.orgName} on Hadaf | انضم إلى ${input.orgName} في هدف`,
    text: [
      `${by} to join ${input.orgName} on Hadaf as ${roleName[input.role].en}.`,
      `Open this link to choose your password (valid until ${until}):`,
      link,
      '',
      `تمت دعوتك للانضمام إلى ${input.orgName} في هدف بصفة ${roleName[input.role].ar}.`,
      `افتح هذا الرابط لاختيار كلمة المرور (صالح حتى ${until}):`,
      link,
    ].join('\n'),
  };
}

export function passwordResetEmail(input: { to: string; orgName: string; token: string }): MailMessage & {
  link: string;
} {
  const link = `${publicUrl()}/reset?token=${encodeURIComponent(input.token)}`;
  return {
    to: input.to,
    link,
    subject: 'Reset your Hadaf password | إعادة تعيين كلمة المرور في هدف',
    text: [
      `Someone asked to reset the password of your ${input.orgName} account on Hadaf.`,
      'Open this link within an hour to choose a new one:',
      link,
      'If it was not you, ignore this e-mail: your password stays as it is.',
      '',
      `طُلبت إعادة تعيين كلمة المرور لحسابك في ${input.orgName} على هدف.`,
      'افتح هذا الرابط خلال ساعة لاختيار كلمة مرور جديدة:',
      link,
      'إن لم تطلب ذلك فتجاهل هذه الرسالة، وتبقى كلمة المرور كما هي.',
    ].join('\n'),
  };
}
