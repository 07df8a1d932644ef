import { Column, Entity, JoinColumn, ManyToOne, PrimaryColumn } from 'typeorm';
import { ProductEntity } from './product.entity';

export const EXTRA_KINDS = ['accessory', 'warranty', 'service', 'upgrade', 'consumable'] as const;
export type ExtraKind = (typeof EXTRA_KINDS)[number];

/**
 * "This product goes well with that one." The extra is named by SKU and need not exist as a
 * product yet: catalogues arrive in any order, and the offer resolves it when it is built.
 */
@Entity({ name: 'product_extras' })
export class ProductExtraEntity {
  @PrimaryColumn({ name: 'product_id', type: 'bigint' })
  productId!: string;

  @PrimaryColumn({ name: 'extra_sku', type: 'text' })
  extraSku!: string;

  @Column({ type: 'text' })
  kind!: ExtraKind;

  @Column({ type: 'integer' })
  position!: number;

  @ManyToOne(() => ProductEntity, (product) => product.extras, { onDelete: 'CASCADE' })
  @JoinColumn({ name: 'product_id' })
  product?: ProductEntity;
}
