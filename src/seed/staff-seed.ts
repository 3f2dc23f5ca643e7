// Staff accounts of a first start: the administrator (ADMIN_EMAIL / ADMIN_PASSWORD, or
// admin@registry.localhost with a generated password), and a registrar and a ceremony
// coordinator for the demo office. A generated password is printed once, when the
// account is created; running the seed again changes nothing and prints nothing.
import type { Container } from '../container.ts';
import { OfficeModel } from '../models/office.model.ts';
import { type StaffRole, StaffUserModel } from '../models/staff-user.model.ts';
import type { OfficeRecord } from '../services/schedule-service.ts';
import { generatePassword, hashPassword } from '../services/staff/password.ts';
import { DEMO_OFFICE_SLUG, type Seeder } from './demo-seed.ts';

export const DEFAULT_ADMIN_EMAIL = 'admin@registry.localhost';

interface Created {
  email: string;
  role: StaffRole;
  password?: string;
}

/** Creates the account unless one with this e-mail exists; the insert is atomic (upsert). */
async function ensureAccount(
  email: string,
  name: string,
  role: StaffRole,
  offices: OfficeRecord['_id'][],
  password: string,
): Promise<boolean> {
  const passwordHash = await hashPassword(password);
  const res = await StaffUserModel.updateOne(
    { email },
    {
      $setOnInsert: {
        email,
        name,
        role,
        offices,
        active: true,
        passwordHash,
        failedLogins: 0,
        createdBy: 'seed',
      },
    },
    { upsert: true },
  );
  return res.upsertedCount === 1;
}

/** A box on stdout, so the one-time passwords are hard to miss in the start-up log. */
export function credentialsBox(title: string, lines: string[]): string {
  const width = Math.max(title.length, ...lines.map((l) => l.length)) + 2;
  const bar = '─'.repeat(width);
  const row = (text: string) => `│ ${text.padEnd(width - 1)}│`;
  return ['', `┌${bar}┐`, row(title), `├${bar}┤`, ...lines.map(row), `└${bar}┘`, ''].join('\n');
}

export function staffSeeder(container: Container, print: (text: string) => void = console.log): Seeder {
  return async (ctx) => {
    const created: Created[] = [];
    const admin = container.config.admin;
    const adminEmail = (admin.email ?? DEFAULT_ADMIN_EMAIL).toLowerCase();
    const adminPassword = admin.password ?? generatePassword();
    if (await ensureAccount(adminEmail, '系统管理员', 'admin', [], adminPassword)) {
      created.push({
        email: adminEmail,
        role: 'admin',
        ...(admin.password ? {} : { password: adminPassword }),
      });
    }

    const office = await OfficeModel.findOne({ slug: DEMO_OFFICE_SLUG }).lean<OfficeRecord>();
    if (office) {
      await container.services.staff.windows.ensureDefaults(office);
      for (const [email, name, role] of [
        ['registrar@registry.localhost', '窗口登记员', 'registrar'],
        ['coordinator@registry.localhost', '颁证协调员', 'coordinator'],
      ] as const) {
        const password = generatePassword();
        if (await ensureAccount(email, name, role, [office._id], password))
          created.push({ email, role, password });
      }
    }

    for (const c of created) ctx.log(`seeded ${c.role} account ${c.email}`);
    const shown = created.filter((c) => c.password);
    if (created.length > 0) {
      const lines = created.map((c) =>
        c.password
          ? `${c.role.padEnd(12)} ${c.email}  ${c.password}`
          : `${c.role.padEnd(12)} ${c.email}  (ADMIN_PASSWORD)`,
      );
      const note = shown.length ? ['', 'Shown once: note the passwords now. Sign in at /staff/login'] : [];
      print(credentialsBox('Staff accounts created', [...lines, ...note]));
    }
  };
}
