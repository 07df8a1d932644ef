/**
 * The demo shop's catalogue: 50 products, 30 that customers buy and 20 extras that fit them
 * (accessories, warranties, services, upgrades, consumables), each with a margin. Written
 * out by hand so the example rules (which name `LAPTOP-14-PRO`) find what they expect.
 */
export interface DemoProduct {
  sku: string;
  name: string;
  price: number;
  category: string;
  margin: number;
  extras: { sku: string; kind: 'accessory' | 'warranty' | 'service' | 'upgrade' | 'consumable' }[];
}

const extra = (
  sku: string,
  name: string,
  price: number,
  category: string,
  margin: number,
): DemoProduct => ({ sku, name, price, category, margin, extras: [] });

export const DEMO_EXTRAS: DemoProduct[] = [
  extra('SLEEVE-14', 'Felt sleeve for 14" laptops', 39, 'accessories', 0.55),
  extra('SLEEVE-16', 'Leather sleeve for 16" laptops', 69, 'accessories', 0.5),
  extra('CARE-3Y', '3-year accident protection', 149, 'warranties', 0.7),
  extra('CARE-2Y-PHONE', '2-year phone protection', 99, 'warranties', 0.7),
  extra('CARE-2Y-SMALL', '2-year protection for small devices', 39, 'warranties', 0.7),
  extra('SETUP-HOME', 'Home setup by a technician', 89, 'services', 0.4),
  extra('SETUP-OFFICE', 'Office setup and data transfer', 149, 'services', 0.4),
  extra('RAM-32', 'Memory upgrade to 32 GB', 199, 'upgrades', 0.25),
  extra('SSD-2TB', 'Storage upgrade to 2 TB', 229, 'upgrades', 0.25),
  extra('DOCK-USBC', 'USB-C docking station', 179, 'accessories', 0.35),
  extra('CASE-PHONE', 'Silicone phone case', 29, 'accessories', 0.6),
  extra('CHARGER-65W', '65 W travel charger', 49, 'accessories', 0.45),
  extra('EARTIPS', 'Memory-foam ear tips (3 pairs)', 19, 'consumables', 0.6),
  extra('BEANS-1KG', 'Espresso beans, 1 kg', 24, 'consumables', 0.35),
  extra('DESCALER', 'Descaler, 6 doses', 15, 'consumables', 0.5),
  extra('FILTERS', 'Water filters, pack of 4', 29, 'consumables', 0.5),
  extra('LENS-CLOTH', 'Lens cleaning kit', 19, 'consumables', 0.6),
  extra('SD-256', 'SD card 256 GB', 45, 'accessories', 0.35),
  extra('TRIPOD', 'Travel tripod', 89, 'accessories', 0.4),
  extra('STRAP', 'Camera strap', 35, 'accessories', 0.55),
];

const base = (
  sku: string,
  name: string,
  price: number,
  category: string,
  margin: number,
  extras: DemoProduct['extras'],
): DemoProduct => ({ sku, name, price, category, margin, extras });

export const DEMO_PRODUCTS: DemoProduct[] = [
  base('LAPTOP-14-PRO', 'Aero 14 Pro laptop', 1499, 'laptops', 0.18, [
    { sku: 'SLEEVE-14', kind: 'accessory' },
    { sku: 'CARE-3Y', kind: 'warranty' },
    { sku: 'RAM-32', kind: 'upgrade' },
    { sku: 'DOCK-USBC', kind: 'accessory' },
  ]),
  base('LAPTOP-16-PRO', 'Aero 16 Pro laptop', 2199, 'laptops', 0.17, [
    { sku: 'SLEEVE-16', kind: 'accessory' },
    { sku: 'CARE-3Y', kind: 'warranty' },
    { sku: 'SSD-2TB', kind: 'upgrade' },
    { sku: 'SETUP-OFFICE', kind: 'service' },
  ]),
  base('LAPTOP-13-AIR', 'Aero 13 Air laptop', 999, 'laptops', 0.2, [
    { sku: 'SLEEVE-14', kind: 'accessory' },
    { sku: 'CARE-3Y', kind: 'warranty' },
    { sku: 'CHARGER-65W', kind: 'accessory' },
  ]),
  base('PHONE-X', 'Pulse X phone', 899, 'phones', 0.22, [
    { sku: 'CASE-PHONE', kind: 'accessory' },
    { sku: 'CARE-2Y-PHONE', kind: 'warranty' },
  ]),
  base('PHONE-MINI', 'Pulse mini phone', 599, 'phones', 0.24, [
    { sku: 'CASE-PHONE', kind: 'accessory' },
    { sku: 'CARE-2Y-PHONE', kind: 'warranty' },
  ]),
  base('TABLET-11', 'Slate 11 tablet', 649, 'tablets', 0.22, [
    { sku: 'CARE-2Y-SMALL', kind: 'warranty' },
    { sku: 'CHARGER-65W', kind: 'accessory' },
  ]),
  base('HEADPHONES-NC', 'Quiet noise-cancelling headphones', 329, 'audio', 0.3, [
    { sku: 'EARTIPS', kind: 'consumable' },
    { sku: 'CARE-2Y-SMALL', kind: 'warranty' },
  ]),
  base('EARBUDS', 'Quiet earbuds', 179, 'audio', 0.32, [
    { sku: 'EARTIPS', kind: 'consumable' },
    { sku: 'CARE-2Y-SMALL', kind: 'warranty' },
  ]),
  base('SPEAKER-HOME', 'Room home speaker', 249, 'audio', 0.3, [
    { sku: 'SETUP-HOME', kind: 'service' },
  ]),
  base('ESPRESSO-PRO', 'Barista Pro espresso machine', 749, 'coffee', 0.28, [
    { sku: 'BEANS-1KG', kind: 'consumable' },
    { sku: 'DESCALER', kind: 'consumable' },
    { sku: 'FILTERS', kind: 'consumable' },
    { sku: 'CARE-2Y-SMALL', kind: 'warranty' },
  ]),
  base('ESPRESSO-MINI', 'Barista Mini espresso machine', 349, 'coffee', 0.3, [
    { sku: 'BEANS-1KG', kind: 'consumable' },
    { sku: 'DESCALER', kind: 'consumable' },
  ]),
  base('GRINDER', 'Burr coffee grinder', 199, 'coffee', 0.32, [
    { sku: 'BEANS-1KG', kind: 'consumable' },
  ]),
  base('CAMERA-MIRRORLESS', 'Frame mirrorless camera', 1299, 'cameras', 0.2, [
    { sku: 'SD-256', kind: 'accessory' },
    { sku: 'TRIPOD', kind: 'accessory' },
    { sku: 'STRAP', kind: 'accessory' },
    { sku: 'LENS-CLOTH', kind: 'consumable' },
  ]),
  base('CAMERA-ACTION', 'Frame action camera', 399, 'cameras', 0.25, [
    { sku: 'SD-256', kind: 'accessory' },
    { sku: 'CARE-2Y-SMALL', kind: 'warranty' },
  ]),
  base('LENS-50', '50 mm prime lens', 449, 'cameras', 0.26, [
    { sku: 'LENS-CLOTH', kind: 'consumable' },
  ]),
  base('MONITOR-27', '27" 4K monitor', 499, 'monitors', 0.2, [
    { sku: 'DOCK-USBC', kind: 'accessory' },
    { sku: 'SETUP-OFFICE', kind: 'service' },
  ]),
  base('MONITOR-32', '32" 4K monitor', 799, 'monitors', 0.19, [
    { sku: 'DOCK-USBC', kind: 'accessory' },
    { sku: 'SETUP-OFFICE', kind: 'service' },
  ]),
  base('KEYBOARD', 'Mechanical keyboard', 149, 'peripherals', 0.35, []),
  base('MOUSE', 'Wireless mouse', 79, 'peripherals', 0.4, []),
  base('WEBCAM-4K', '4K webcam', 159, 'peripherals', 0.33, [
    { sku: 'SETUP-HOME', kind: 'service' },
  ]),
  base('ROUTER-MESH', 'Mesh Wi-Fi router, 3 pack', 399, 'networking', 0.24, [
    { sku: 'SETUP-HOME', kind: 'service' },
  ]),
  base('NAS-4BAY', '4-bay network storage', 599, 'networking', 0.22, [
    { sku: 'SETUP-OFFICE', kind: 'service' },
    { sku: 'CARE-3Y', kind: 'warranty' },
  ]),
  base('WATCH-SPORT', 'Stride sport watch', 299, 'wearables', 0.3, [
    { sku: 'CARE-2Y-SMALL', kind: 'warranty' },
  ]),
  base('WATCH-CLASSIC', 'Stride classic watch', 449, 'wearables', 0.28, [
    { sku: 'CARE-2Y-SMALL', kind: 'warranty' },
  ]),
  base('EREADER', 'Page e-reader', 149, 'tablets', 0.3, [
    { sku: 'CARE-2Y-SMALL', kind: 'warranty' },
  ]),
  base('PRINTER-LASER', 'Laser printer', 279, 'office', 0.2, [
    { sku: 'SETUP-OFFICE', kind: 'service' },
  ]),
  base('DESK-STANDING', 'Standing desk', 649, 'office', 0.3, [
    { sku: 'SETUP-HOME', kind: 'service' },
  ]),
  base('CHAIR-ERGO', 'Ergonomic chair', 549, 'office', 0.32, []),
  base('PROJECTOR', 'Home projector', 899, 'home', 0.22, [{ sku: 'SETUP-HOME', kind: 'service' }]),
  base('VACUUM-ROBOT', 'Robot vacuum', 499, 'home', 0.27, [
    { sku: 'FILTERS', kind: 'consumable' },
    { sku: 'CARE-2Y-SMALL', kind: 'warranty' },
  ]),
];

export const DEMO_CATALOGUE = [...DEMO_PRODUCTS, ...DEMO_EXTRAS];
