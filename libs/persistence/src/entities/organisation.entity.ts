import { Column, CreateDateColumn, Entity, PrimaryGeneratedColumn, UpdateDateColumn } from 'typeorm';

/** A tenant: a commune, a département, a région, an intercommunalité. */
@Entity({ name: 'organisation' })
export class Organisation {
  @PrimaryGeneratedColumn('uuid')
  id!: string;

  /** Stable, URL-safe identifier, unique in the installation. */
  @Column({ type: 'varchar', length: 63, unique: true })
  slug!: string;

  @Column({ type: 'varchar', length: 200 })
  name!: string;

  /** Contact details shown to citizens (null: not given). */
  @Column({ name: 'contact_email', type: 'varchar', length: 320, nullable: true })
  contactEmail!: string | null;

  @Column({ name: 'contact_phone', type: 'varchar', length: 40, nullable: true })
  contactPhone!: string | null;

  @Column({ name: 'contact_address', type: 'varchar', length: 500, nullable: true })
  contactAddress!: string | null;

  @Column({ type: 'varchar', length: 500, nullable: true })
  website!: string | null;

  /** `#rrggbb`, at least 4.5:1 on white (checked when an admin sets it). */
  @Column({ name: 'accent_color', type: 'char', length: 7, nullable: true })
  accentColor!: string | null;

  /** PNG or JPEG, 200 KB at most; never loaded unless asked for. */
  @Column({ type: 'bytea', nullable: true, select: false })
  logo?: Buffer | null;

  @Column({ name: 'logo_type', type: 'varchar', length: 32, nullable: true })
  logoType!: string | null;

  /** sha256 of the logo: its version in the public address, so it can be cached for good. */
  @Column({ name: 'logo_hash', type: 'char', length: 64, nullable: true })
  logoHash!: string | null;

  @CreateDateColumn({ name: 'created_at', type: 'timestamptz' })
  createdAt!: Date;

  @UpdateDateColumn({ name: 'updated_at', type: 'timestamptz' })
  updatedAt!: Date;
}
