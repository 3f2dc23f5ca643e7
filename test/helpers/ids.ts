// Valid PRC resident ID numbers for tests, built with the ISO 7064 MOD 11-2 check character.
const WEIGHTS = [7, 9, 10, 5, 8, 4, 2, 1, 6, 3, 7, 9, 10, 5, 8, 4, 2];
const CHECK = '10X98765432';

export function residentId(birth: string, sex: 'male' | 'female', n = 1, region = '510104'): string {
  const seq = String(((n * 2) % 998) + (sex === 'male' ? 1 : 0)).padStart(3, '0');
  const body = `${region}${birth.replace(/-/g, '')}${seq}`;
  const sum = body.split('').reduce((acc, d, i) => acc + Number(d) * WEIGHTS[i]!, 0);
  return body + CHECK[sum % 11];
}

let counter = 0;
/** A fresh adult couple (born 1995/1996) with distinct ID numbers and phones. */
export function couple(overrides: Partial<{ email: string; language: 'zh-CN' | 'en' }> = {}) {
  counter += 1;
  const n = counter;
  return {
    partners: [
      {
        name: `张伟${n}`,
        idType: 'resident_id' as const,
        idNumber: residentId('1995-03-0' + ((n % 9) + 1), 'male', n),
        phone: `138${String(10000000 + n).slice(-8)}`,
      },
      {
        name: `李娜${n}`,
        idType: 'resident_id' as const,
        idNumber: residentId('1996-04-1' + (n % 10), 'female', n),
        phone: `139${String(10000000 + n).slice(-8)}`,
      },
    ],
    email: overrides.email ?? `couple${n}@example.com`,
    language: overrides.language ?? ('zh-CN' as const),
  };
}
