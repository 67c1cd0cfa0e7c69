import type { Random } from './random.ts';

/**
 * Word lists for a believable Saudi software company: its people (mostly Arabic
 * names in common transliteration, some expatriate colleagues), its customers,
 * and its catalog.
 */

const arabicMale = [
  'Abdullah',
  'Mohammed',
  'Ahmed',
  'Khalid',
  'Faisal',
  'Saud',
  'Turki',
  'Omar',
  'Yousef',
  'Fahad',
  'Nasser',
  'Sultan',
  'Majed',
  'Bandar',
  'Hamad',
  'Ibrahim',
  'Saleh',
  'Tariq',
  'Waleed',
  'Hassan',
  'Ali',
  'Ziyad',
  'Rakan',
  'Mishal',
];
const arabicFemale = [
  'Noura',
  'Sara',
  'Reem',
  'Lama',
  'Hessa',
  'Maha',
  'Fatimah',
  'Aljawhara',
  'Nouf',
  'Haifa',
  'Lina',
  'Dana',
  'Amal',
  'Rania',
  'Shahad',
  'Jood',
  'Mashael',
  'Ghada',
  'Areej',
  'Layan',
];
const arabicFamily = [
  'Al-Otaibi',
  'Al-Qahtani',
  'Al-Harbi',
  'Al-Ghamdi',
  'Al-Zahrani',
  'Al-Shehri',
  'Al-Dossari',
  'Al-Mutairi',
  'Al-Anazi',
  'Al-Shammari',
  'Al-Subaie',
  'Al-Malki',
  'Al-Juhani',
  'Al-Sulami',
  'Al-Rashid',
  'Al-Amri',
  'Al-Omari',
  'Al-Tamimi',
  'Bin Saleh',
  'Al-Faraj',
  'Haddad',
  'Khoury',
  'Mansour',
  'Nasr',
];
const internationalNames: readonly (readonly [string, string])[] = [
  ['Priya', 'Sharma'],
  ['Arjun', 'Nair'],
  ['Rahul', 'Menon'],
  ['Maria', 'Santos'],
  ['Jose', 'Reyes'],
  ['John', 'Carter'],
  ['Emma', 'Williams'],
  ['Omar', 'Siddiqui'],
  ['Fatima', 'Malik'],
  ['Ahmed', 'Raza'],
  ['Sarah', 'Thompson'],
  ['David', 'Kim'],
  ['Elena', 'Petrova'],
  ['Lucas', 'Martin'],
  ['Aisha', 'Bello'],
  ['Mehmet', 'Yilmaz'],
  ['Hana', 'Saeed'],
  ['Karim', 'Haddad'],
  ['Ayesha', 'Khan'],
  ['Imran', 'Qureshi'],
  ['Vikram', 'Iyer'],
  ['Grace', 'Okafor'],
  ['Daniel', 'Fernandes'],
  ['Laura', 'Schmidt'],
  ['Michael', 'Brown'],
  ['Sofia', 'Rossi'],
  ['Nadia', 'Hussain'],
  ['Kenji', 'Tanaka'],
];

export interface PersonName {
  name: string;
  /** Suggested UI language: most colleagues with Arabic names use the Arabic interface. */
  locale: 'ar' | 'en';
}

export function personName(rng: Random): PersonName {
  if (rng.chance(0.28)) {
    const [first, last] = rng.pick(internationalNames);
    return { name: `${first} ${last}`, locale: 'en' };
  }
  const first = rng.chance(0.55) ? rng.pick(arabicMale) : rng.pick(arabicFemale);
  return { name: `${first} ${rng.pick(arabicFamily)}`, locale: rng.chance(0.6) ? 'ar' : 'en' };
}

/** 'Noura Al-Harbi' -> 'noura.alharbi' (the address part before @). */
export function emailLocalPart(name: string): string {
  return name
    .toLowerCase()
    .split(' ')
    .map((part) => part.replace(/[^a-z]/g, ''))
    .filter((part) => part !== '')
    .join('.');
}

export const CHANNELS = ['website', 'referral', 'linkedin', 'events', 'outbound', 'partner'] as const;
export type Channel = (typeof CHANNELS)[number];

export const INDUSTRIES = [
  'retail',
  'hospitality',
  'healthcare',
  'manufacturing',
  'logistics',
  'construction',
  'education',
  'financial_services',
] as const;
export type Industry = (typeof INDUSTRIES)[number];

export type Segment = 'enterprise' | 'smb';

export interface Product {
  name: string;
  /** Annual price of one unit in halalas (SAR minor units). */
  unitPrice: number;
  /** What a unit is, for deal names. */
  unit: string;
  units: Record<Segment, readonly [number, number]>;
}

export const PRODUCTS: readonly Product[] = [
  { name: 'Nakhla ERP', unitPrice: 480_000, unit: 'users', units: { enterprise: [25, 150], smb: [3, 20] } },
  {
    name: 'Nakhla POS',
    unitPrice: 240_000,
    unit: 'terminals',
    units: { enterprise: [40, 250], smb: [1, 8] },
  },
  {
    name: 'Nakhla HR',
    unitPrice: 36_000,
    unit: 'employees',
    units: { enterprise: [300, 2500], smb: [15, 120] },
  },
  {
    name: 'Nakhla Analytics',
    unitPrice: 1_800_000,
    unit: 'workspaces',
    units: { enterprise: [3, 12], smb: [1, 2] },
  },
];

const companyWords = [
  'Al Noor',
  'Al Waha',
  'Al Fajr',
  'Al Yamamah',
  'Najd',
  'Hijaz',
  'Tuwaiq',
  'Sadeem',
  'Rawabi',
  'Dana',
  'Ruwad',
  'Masar',
  'Afaq',
  'Bayan',
  'Rukn',
  'Safwa',
  'Qimma',
  'Gulf Star',
  'Desert Rose',
  'Red Sea',
  'Arabian Peak',
  'Green Oasis',
  'Palm Grove',
  'Golden Dune',
  'Blue Horizon',
  'Sahara',
  'Asalah',
  'Wafra',
  'Tamkeen',
  'Riyada',
];

const industrySuffix: Record<Industry, readonly string[]> = {
  retail: ['Trading', 'Stores', 'Retail', 'Markets'],
  hospitality: ['Hotels', 'Hospitality', 'Restaurants', 'Cafes'],
  healthcare: ['Medical Center', 'Clinics', 'Pharmacies', 'Dental Care'],
  manufacturing: ['Industries', 'Factories', 'Plastics', 'Food Industries'],
  logistics: ['Logistics', 'Transport', 'Shipping', 'Cold Chain'],
  construction: ['Contracting', 'Construction', 'Engineering', 'Building Materials'],
  education: ['Schools', 'Academy', 'Training Institute', 'Kindergartens'],
  financial_services: ['Finance', 'Investment', 'Capital', 'Insurance Brokers'],
};

export function companyName(industry: Industry, rng: Random): string {
  return `${rng.pick(companyWords)} ${rng.pick(industrySuffix[industry])}`;
}
